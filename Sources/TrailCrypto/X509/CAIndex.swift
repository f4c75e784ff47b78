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
    }

    public var version: Int = 1
    public var nextCRLNumber: Int = 1
    public var issued: [Issued] = []
    public var revoked: [Revoked] = []

    public init() {}

    /// Parses `index.json`; `malformed-ca-index` on anything else.
    public init(json bytes: [UInt8], file: String? = nil) throws {
        do {
            self = try JSONDecoder().decode(CAIndex.self, from: Data(bytes))
        } catch {
            throw TrailError.malformed(
                "malformed-ca-index", "the CA index does not parse: \(error)",
                remedy: "restore index.json from a backup").at(file: file)
        }
        guard version == 1 else {
            throw TrailError.malformed("malformed-ca-index", "unsupported CA index version \(version)").at(file: file)
        }
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
