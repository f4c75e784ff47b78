import COpenSSL
import COpenSSLShims
import Foundation

/// An X.509 v2 certificate revocation list.
public struct CRL: Sendable, Hashable {
    /// One revoked certificate.
    public struct Entry: Sendable, Hashable {
        public var serialHex: String
        public var revocationDate: Date
        /// The reasonCode extension; nil when absent (RFC 5280 asks to omit "unspecified").
        public var reason: RevocationReason?
        public init(serialHex: String, revocationDate: Date, reason: RevocationReason?) {
            self.serialHex = serialHex
            self.revocationDate = revocationDate
            self.reason = reason
        }
    }

    let owner: X509CRLOwner
    /// The DER encoding.
    public let der: [UInt8]

    init(_ owner: X509CRLOwner) {
        self.owner = owner
        self.der = ASN1.der { i2d_X509_CRL(owner.crl, $0) }
    }

    /// Parses DER. Throws `malformed-crl`.
    public init(der: [UInt8]) throws {
        let c: OpaquePointer? = der.withUnsafeBufferPointer { b in
            var p: UnsafePointer<UInt8>? = b.baseAddress
            guard let c = d2i_X509_CRL(nil, &p, b.count) else { return nil }
            if p != b.baseAddress.map({ $0 + b.count }) {
                X509_CRL_free(c)
                return nil
            }
            return c
        }
        guard let c else { throw OpenSSLErrors.error("malformed-crl", "not a DER CRL", category: .malformed) }
        self.init(X509CRLOwner(taking: c))
    }

    /// The first `X509 CRL` block of a PEM text.
    public init(pem text: String, file: String? = nil) throws {
        let blocks = try PEM.blocks(in: text, file: file)
        guard let block = blocks.first(where: { $0.label == "X509 CRL" }) else {
            throw TrailError.malformed(
                "not-a-crl", "expected an X509 CRL PEM block, found \(blocks[0].label)",
                remedy: "give the CRL file `chiptrail ca crl` wrote"
            ).at(file: file)
        }
        let bio = MemoryBIO(Array(block.text.utf8))
        guard let c = PEM_read_bio_X509_CRL(bio.bio, nil, nil, nil) else {
            throw OpenSSLErrors.error("malformed-crl", "the X509 CRL block does not parse", category: .malformed)
                .at(file: file)
        }
        self.init(X509CRLOwner(taking: c))
    }

    /// PEM (`-----BEGIN X509 CRL-----`).
    public var pem: String {
        let bio = MemoryBIO()
        precondition(PEM_write_bio_X509_CRL(bio.bio, owner.crl) == 1, "PEM_write_bio_X509_CRL failed")
        return bio.string
    }

    public var issuer: DistinguishedName { DistinguishedName(x509Name: X509_CRL_get_issuer(owner.crl)) }
    public var thisUpdate: Date { ASN1.date(X509_CRL_get0_lastUpdate(owner.crl)) ?? .distantFuture }
    public var nextUpdate: Date? { ASN1.date(X509_CRL_get0_nextUpdate(owner.crl)) }

    /// The cRLNumber extension; nil when absent (or beyond 63 bits).
    public var crlNumber: Int? {
        var crit: Int32 = 0
        guard let raw = X509_CRL_get_ext_d2i(owner.crl, NID_crl_number, &crit, nil) else { return nil }
        let n = raw.assumingMemoryBound(to: ASN1_INTEGER.self)
        defer { ASN1_INTEGER_free(n) }
        var v: Int64 = 0
        guard ASN1_INTEGER_get_int64(&v, n) == 1 else {
            OpenSSLErrors.clear()
            return nil
        }
        return Int(v)
    }

    /// authorityKeyIdentifier keyIdentifier, lowercase hex; nil when absent.
    public var authorityKeyIdentifierHex: String? {
        var buf = [UInt8](repeating: 0, count: 64)
        let n = chiptrail_crl_aki(owner.crl, &buf, Int32(buf.count))
        return n < 0 ? nil : Hex.encode(buf.prefix(Int(n)))
    }

    /// The revoked certificates, in the CRL's order.
    public var entries: [Entry] {
        (0..<chiptrail_crl_revoked_count(owner.crl)).compactMap { i in
            guard let r = chiptrail_crl_revoked_value(owner.crl, i) else { return nil }
            var reason: RevocationReason? = nil
            if let raw = X509_REVOKED_get_ext_d2i(r, NID_crl_reason, nil, nil) {
                let e = raw.assumingMemoryBound(to: ASN1_ENUMERATED.self)
                reason = RevocationReason(code: ASN1_ENUMERATED_get(e))
                ASN1_ENUMERATED_free(e)
            }
            return Entry(
                serialHex: ASN1.integerHex(X509_REVOKED_get0_serialNumber(r)),
                revocationDate: ASN1.date(X509_REVOKED_get0_revocationDate(r)) ?? .distantPast, reason: reason)
        }
    }

    /// The entry for `serialHex`, if revoked here.
    public func entry(serialHex: String) -> Entry? {
        let s = serialHex.lowercased()
        return entries.first { $0.serialHex == s }
    }

    /// True when the CRL's signature verifies under `issuer`'s public key.
    public func isSignature(validUnder issuer: Certificate) -> Bool {
        guard let key = X509_get0_pubkey(issuer.owner.x509) else { return false }
        let ok = X509_CRL_verify(owner.crl, key) == 1
        if !ok { OpenSSLErrors.clear() }
        return ok
    }

    public static func == (a: CRL, b: CRL) -> Bool { a.der == b.der }
    public func hash(into h: inout Hasher) { h.combine(der) }
}
