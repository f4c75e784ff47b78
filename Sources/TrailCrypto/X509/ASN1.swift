import COpenSSL
import COpenSSLShims
import Foundation

/// Conversions between OpenSSL's ASN.1 objects and Swift values, shared by the X.509 types.
enum ASN1 {
    /// Seconds since 1970 of an ASN1_TIME (UTCTime or GeneralizedTime).
    static func date(_ t: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let t else { return nil }
        var tm = tm()
        guard ASN1_TIME_to_tm(t, &tm) == 1 else {
            OpenSSLErrors.clear()
            return nil
        }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&tm)))
    }

    /// A new ASN1_TIME for `date` (UTCTime up to 2049, GeneralizedTime after, as RFC 5280 asks); free with
    /// ASN1_TIME_free.
    static func time(_ date: Date) throws -> UnsafeMutablePointer<ASN1_TIME> {
        guard let t = ASN1_TIME_set(nil, time_t(date.timeIntervalSince1970.rounded(.down))) else {
            throw OpenSSLErrors.error("internal-error", "cannot encode the time \(date)")
        }
        return t
    }

    /// Lowercase hex of an ASN1_INTEGER's magnitude, whole bytes ("00" for zero), "-" prefixed when negative.
    static func integerHex(_ i: UnsafePointer<ASN1_INTEGER>?) -> String {
        guard let i, let bn = ASN1_INTEGER_to_BN(i, nil) else { return "" }
        defer { BN_free(bn) }
        let n = (Int(BN_num_bits(bn)) + 7) / 8
        var bytes = [UInt8](repeating: 0, count: max(n, 1))
        if n > 0 { _ = BN_bn2bin(bn, &bytes) }
        return (BN_is_negative(bn) == 1 ? "-" : "") + Hex.encode(bytes)
    }

    /// A new ASN1_INTEGER holding the big-endian unsigned `bytes`; free with ASN1_INTEGER_free.
    static func integer(_ bytes: [UInt8]) throws -> UnsafeMutablePointer<ASN1_INTEGER> {
        guard let bn = BN_bin2bn(bytes, Int32(bytes.count), nil) else {
            throw OpenSSLErrors.error("internal-error", "BN_bin2bn failed")
        }
        defer { BN_free(bn) }
        guard let i = BN_to_ASN1_INTEGER(bn, nil) else {
            throw OpenSSLErrors.error("internal-error", "BN_to_ASN1_INTEGER failed")
        }
        return i
    }

    /// Bytes of an ASN1_STRING (or ASN1_OCTET_STRING).
    static func bytes(_ s: UnsafePointer<ASN1_STRING>?) -> [UInt8]? {
        guard let s else { return nil }
        let n = Int(ASN1_STRING_length(s))
        guard n > 0, let p = ASN1_STRING_get0_data(s) else { return [] }
        return Array(UnsafeBufferPointer(start: p, count: n))
    }

    /// The role URIs of a GENERAL_NAMES (which this call frees); other names and URIs are ignored.
    static func roles(consuming names: OpaquePointer?) -> [Role] {
        uris(consuming: names).compactMap(Role.init(uri:))
    }

    /// Every URI of a GENERAL_NAMES (which this call frees).
    static func uris(consuming names: OpaquePointer?) -> [String] {
        guard let names else { return [] }
        defer { chiptrail_general_names_free(names) }
        var out: [String] = []
        for i in 0..<chiptrail_general_names_count(names) {
            var len: Int32 = 0
            if let p = chiptrail_general_name_uri(names, i, &len) {
                out.append(String(decoding: UnsafeBufferPointer(start: p, count: Int(len)), as: UTF8.self))
            }
        }
        return out
    }

    /// DER of an object through an i2d function.
    static func der(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>) -> Int32) -> [UInt8] {
        var p: UnsafeMutablePointer<UInt8>? = nil
        let n = encode(&p)
        precondition(n > 0 && p != nil, "DER encoding failed: \(OpenSSLErrors.drain())")
        defer { CRYPTO_free(p, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: p, count: Int(n)))
    }

    /// The long name of an OpenSSL NID ("ED25519", "ecdsa-with-SHA256", "RSASSA-PSS").
    static func name(nid: Int32) -> String {
        OBJ_nid2ln(nid).map { String(cString: $0) } ?? "nid \(nid)"
    }

    /// A human description of any public key, including ones chiptrail refuses ("RSA-1024").
    static func describe(pkey: OpaquePointer?) -> String {
        guard let pkey else { return "unknown" }
        if let a = try? KeyAlgorithm.of(pkey) { return a.name }
        OpenSSLErrors.clear()
        let type = EVP_PKEY_get0_type_name(pkey).map { String(cString: $0) } ?? "unknown"
        return "\(type)-\(EVP_PKEY_get_bits(pkey))"
    }
}
