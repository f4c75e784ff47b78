import COpenSSL

/// The key algorithms chiptrail generates and accepts (SPEC.md §2), each with its one signature scheme.
public enum KeyAlgorithm: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Ed25519, pure (no pre-hash).
    case ed25519
    /// ECDSA on P-256 with SHA-256, DER signatures.
    case p256
    /// ECDSA on P-384 with SHA-384, DER signatures.
    case p384
    /// RSA with RSA-PSS signatures (SHA-256, MGF1-SHA-256, 32-byte salt); 2048 bits or more.
    case rsa(bits: Int)

    /// Parses the CLI names `ed25519`, `p256`, `p384`, `rsa3072` (and `rsa2048`, `rsa4096`).
    public init?(name: String) {
        switch name.lowercased() {
        case "ed25519": self = .ed25519
        case "p256", "p-256", "ecdsa-p256": self = .p256
        case "p384", "p-384", "ecdsa-p384": self = .p384
        case "rsa3072", "rsa": self = .rsa(bits: 3072)
        case "rsa2048": self = .rsa(bits: 2048)
        case "rsa4096": self = .rsa(bits: 4096)
        default: return nil
        }
    }

    public static let cliNames = ["ed25519", "p256", "p384", "rsa3072"]

    /// Short name: `ed25519`, `p256`, `p384`, `rsa3072`.
    public var name: String {
        switch self {
        case .ed25519: "ed25519"
        case .p256: "p256"
        case .p384: "p384"
        case .rsa(let bits): "rsa\(bits)"
        }
    }

    /// Human description, e.g. "ECDSA P-256".
    public var description: String {
        switch self {
        case .ed25519: "Ed25519"
        case .p256: "ECDSA P-256"
        case .p384: "ECDSA P-384"
        case .rsa(let bits): "RSA-\(bits) (PSS)"
        }
    }

    /// The digest the signature scheme uses; nil for Ed25519 (pure).
    public var digest: DigestAlgorithm? {
        switch self {
        case .ed25519: nil
        case .p256, .rsa: .sha256
        case .p384: .sha384
        }
    }

    /// Classifies an OpenSSL key, refusing what chiptrail does not accept.
    static func of(_ pkey: OpaquePointer) throws -> KeyAlgorithm {
        let id = EVP_PKEY_get_base_id(pkey)
        switch id {
        case EVP_PKEY_ED25519:
            return .ed25519
        case EVP_PKEY_EC:
            var buf = [CChar](repeating: 0, count: 64)
            var len = 0
            guard EVP_PKEY_get_group_name(pkey, &buf, buf.count, &len) == 1 else {
                throw OpenSSLErrors.error("unsupported-key-algorithm", "EC key without a named curve")
            }
            let group = String(decoding: buf.prefix(len).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            switch group {
            case "prime256v1", "P-256": return .p256
            case "secp384r1", "P-384": return .p384
            default:
                throw TrailError(
                    "unsupported-key-algorithm", "EC curve \(group) is not accepted (P-256 and P-384 are)",
                    remedy: "generate a key with --alg p256 or --alg p384")
            }
        case EVP_PKEY_RSA, EVP_PKEY_RSA_PSS:
            let bits = Int(EVP_PKEY_get_bits(pkey))
            guard bits >= 2048 else {
                throw TrailError(
                    "weak-key", "RSA key of \(bits) bits is refused (2048 bits or more required)",
                    remedy: "generate a key with --alg rsa3072")
            }
            return .rsa(bits: bits)
        default:
            let name = EVP_PKEY_get0_type_name(pkey).map { String(cString: $0) } ?? "type \(id)"
            throw TrailError(
                "unsupported-key-algorithm", "key algorithm \(name) is not accepted",
                remedy: "use Ed25519, ECDSA P-256/P-384 or RSA ≥ 2048 (chiptrail key generate --alg …)")
        }
    }
}
