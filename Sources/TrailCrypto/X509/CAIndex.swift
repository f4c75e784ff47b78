import Foundation

/// `index.json` of a CA directory: every certificate the CA issued, every revocation, and the next CRL
/// number. Times are RFC 3339 UTC; serials lowercase hex.
public struct CAIndex: Codable, Sendable, Equatable {
    public struct Issued: Codable, Sendable, Equatable {
        public var serial: String
        public var subject: String
        public var roles: [Role]
        public var isCA: Bool
        public var notBefore: String
        public var notAfter: String
        /// Hex SHA-256 of the certificate's DER.
        public var fingerprint: String
    }

    public struct Revoked: Codable, Sendable, Equatable {
        public var serial: String
        public var date: String
        public var reason: RevocationReason

        public init(serial: String, date: String, reason: RevocationReason) {
            self.serial = serial
            self.date = date
            self.reason = reason
        }
    }

    public var version: Int = 1
    public var nextCRLNumber: Int = 1
    public var issued: [Issued] = []
    public var revoked: [Revoked] = []

    public init() {}

    /// Parses `index.json` strictly: one JSON object without duplicate keys at any depth, no key outside the
    /// format, serials and fingerprints lowercase hex, times RFC 3339 UTC, counts in range; `malformed-ca-index`
    /// naming the field on anything else. (TrailCrypto cannot use TrailLedger's parser: `StrictJSONKeys` adds the
    /// duplicate and unknown key checks Foundation's decoder lacks.)
    public init(json bytes: [UInt8], file: String? = nil) throws {
        func bad(_ message: String) -> TrailError {
            TrailError.malformed("malformed-ca-index", message, remedy: "restore index.json from a backup").at(file: file)
        }
        do {
            try StrictJSONKeys.check(
                bytes,
                allowed: [
                    []: ["version", "nextCRLNumber", "issued", "revoked"],
                    ["issued"]: ["serial", "subject", "roles", "isCA", "notBefore", "notAfter", "fingerprint"],
                    ["revoked"]: ["serial", "date", "reason"],
                ])
        } catch let e as StrictJSONKeys.Failure {
            throw bad("the CA index is not strict JSON: \(e.message)")
        }
        do {
            self = try JSONDecoder().decode(CAIndex.self, from: Data(bytes))
        } catch {
            throw bad("the CA index does not parse: \(error)")
        }
        guard version == 1 else { throw bad("unsupported CA index version \(version)") }
        guard nextCRLNumber >= 1, nextCRLNumber < Int(Int32.max) else { throw bad("nextCRLNumber \(nextCRLNumber) is out of range") }
        func hex(_ s: String, _ field: String, length: Int? = nil) throws {
            let ok = !s.isEmpty && s.utf8.count <= 64 && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
            guard ok, length.map({ s.utf8.count == $0 }) ?? true else { throw bad("\(field) \"\(s)\" is not lowercase hex") }
        }
        func time(_ s: String, _ field: String) throws {
            guard CertificateTime.parse(s) != nil, s.utf8.last == UInt8(ascii: "Z") else {
                throw bad("\(field) \"\(s)\" is not an RFC 3339 UTC time")
            }
        }
        for (i, x) in issued.enumerated() {
            try hex(x.serial, "issued[\(i)].serial")
            try hex(x.fingerprint, "issued[\(i)].fingerprint", length: 64)
            try time(x.notBefore, "issued[\(i)].notBefore")
            try time(x.notAfter, "issued[\(i)].notAfter")
        }
        for (i, r) in revoked.enumerated() {
            try hex(r.serial, "revoked[\(i)].serial")
            try time(r.date, "revoked[\(i)].date")
        }
    }

    /// True when `serialHex` (any case, leading zeros ignored) is listed as revoked.
    public func isRevoked(serialHex: String) -> Bool {
        func norm(_ s: String) -> [UInt8] {
            let lower = Array(s.lowercased().utf8)
            let trimmed = lower.drop { $0 == UInt8(ascii: "0") }
            return Array(trimmed)
        }
        let target = norm(serialHex)
        return revoked.contains { norm($0.serial) == target }
    }

    /// Sorted-key, pretty-printed JSON ending in a newline.
    public var json: [UInt8] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array((try? enc.encode(self)) ?? Data()) + [0x0A]
    }

    /// The CRL entries for every revocation.
    public var crlEntries: [CRL.Entry] {
        revoked.map {
            CRL.Entry(serialHex: $0.serial, revocationDate: CertificateTime.parse($0.date) ?? .distantPast, reason: $0.reason)
        }
    }
}

/// The two checks of strict JSON that Foundation's decoder does not make: no object holds a key twice (keys compared
/// as exact Unicode scalars after unescaping), and the objects at known paths hold only known keys. The bytes must
/// also parse with Foundation (checked by the caller's decode).
enum StrictJSONKeys {
    struct Failure: Error { var message: String }

    /// `allowed`: for an object path (member names, array indices skipped), the keys it may hold.
    static func check(_ bytes: [UInt8], allowed: [[String]: Set<String>]) throws {
        var i = 0
        func ws() { while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 } }
        func string() throws -> String {
            let start = i
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Failure(message: "expected a string at byte \(i)") }
            i += 1
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
            guard i < bytes.count else { throw Failure(message: "unterminated string at byte \(start)") }
            i += 1
            guard let s = try? JSONDecoder().decode(String.self, from: Data(bytes[start..<i])) else {
                throw Failure(message: "invalid string at byte \(start)")
            }
            return s
        }
        func value(_ path: [String], depth: Int) throws {
            guard depth < 64 else { throw Failure(message: "nested too deeply") }
            ws()
            guard i < bytes.count else { throw Failure(message: "unexpected end") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var keys: [[Unicode.Scalar]] = []
                ws()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    return
                }
                while true {
                    ws()
                    let key = try string()
                    let scalars = Array(key.unicodeScalars)
                    if keys.contains(scalars) { throw Failure(message: "duplicate key \"\(key)\"") }
                    keys.append(scalars)
                    if let ok = allowed[path], !ok.contains(where: { $0.unicodeScalars.elementsEqual(key.unicodeScalars) }) {
                        let at = path.isEmpty ? "the top level" : path.joined(separator: ".")
                        throw Failure(message: "unknown key \"\(key)\" in \(at) (valid: \(ok.sorted().joined(separator: ", ")))")
                    }
                    ws()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Failure(message: "expected : at byte \(i)") }
                    i += 1
                    try value(path + [key], depth: depth + 1)
                    ws()
                    guard i < bytes.count else { throw Failure(message: "unexpected end") }
                    if bytes[i] == UInt8(ascii: ",") {
                        i += 1
                        continue
                    }
                    guard bytes[i] == UInt8(ascii: "}") else { throw Failure(message: "expected , or } at byte \(i)") }
                    i += 1
                    return
                }
            case UInt8(ascii: "["):
                i += 1
                ws()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    return
                }
                while true {
                    try value(path, depth: depth + 1)
                    ws()
                    guard i < bytes.count else { throw Failure(message: "unexpected end") }
                    if bytes[i] == UInt8(ascii: ",") {
                        i += 1
                        continue
                    }
                    guard bytes[i] == UInt8(ascii: "]") else { throw Failure(message: "expected , or ] at byte \(i)") }
                    i += 1
                    return
                }
            case UInt8(ascii: "\""):
                _ = try string()
            default:
                // A number or literal: its syntax is left to Foundation's parse.
                while i < bytes.count, !",]} \t\r\n".utf8.contains(bytes[i]) { i += 1 }
            }
        }
        try value([], depth: 0)
        ws()
        guard i == bytes.count else { throw Failure(message: "trailing bytes at byte \(i)") }
    }
}
