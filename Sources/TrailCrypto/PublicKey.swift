import Foundation
import COpenSSL

/// A public key of an accepted algorithm, with its SubjectPublicKeyInfo and key id.
public struct PublicKey: Sendable {
    let key: PKey
    /// DER SubjectPublicKeyInfo.
    public let spkiDER: [UInt8]

    init(_ key: PKey) {
        self.key = key
        self.spkiDER = key.spkiDER()
    }

    public var algorithm: KeyAlgorithm { key.algorithm }

    /// Key id: lowercase hex SHA-256 of the SPKI DER.
    public var keyID: String { Digest.sha256Hex(spkiDER) }

    /// PEM SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`).
    public var pem: String {
        let bio = MemoryBIO()
        precondition(PEM_write_bio_PUBKEY(bio.bio, key.pkey) == 1, "PEM_write_bio_PUBKEY failed")
        return bio.string
    }

    /// Loads a DER SubjectPublicKeyInfo.
    public init(spkiDER der: [UInt8]) throws {
        let pkey: OpaquePointer? = der.withUnsafeBufferPointer { b in
            var p: UnsafePointer<UInt8>? = b.baseAddress
            return d2i_PUBKEY(nil, &p, b.count)
        }
        guard let pkey else {
            throw OpenSSLErrors.error("malformed-key", "not a DER SubjectPublicKeyInfo", category: .malformed)
        }
        self.init(try PKey(taking: pkey))
    }

    /// Loads a PEM public key (`PUBLIC KEY`). A private key PEM is refused: ask for its public half.
    public init(pem text: String, file: String? = nil) throws {
        let blocks = try PEM.blocks(in: text, file: file)
        guard let block = blocks.first(where: { $0.label == "PUBLIC KEY" }) else {
            throw TrailError.malformed(
                "not-a-public-key", "expected a PUBLIC KEY PEM block, found \(blocks[0].label)",
                remedy: "run `chiptrail key public KEY.pem` to extract the public key"
            ).at(file: file)
        }
        let bio = MemoryBIO(Array(block.text.utf8))
        guard let pkey = PEM_read_bio_PUBKEY(bio.bio, nil, nil, nil) else {
            throw OpenSSLErrors.error("malformed-key", "the PUBLIC KEY block does not parse", category: .malformed)
                .at(file: file)
        }
        self.init(try PKey(taking: pkey))
    }

    /// An Ed25519 public key from its 32 raw bytes.
    public init(ed25519Raw raw: [UInt8]) throws {
        guard raw.count == 32, let pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, raw, raw.count) else {
            throw OpenSSLErrors.error("malformed-key", "an Ed25519 public key is 32 bytes", category: .malformed)
        }
        self.init(try PKey(taking: pkey))
    }

    /// The 32 raw bytes of an Ed25519 public key; nil for other algorithms.
    public var ed25519Raw: [UInt8]? {
        guard algorithm == .ed25519 else { return nil }
        var out = [UInt8](repeating: 0, count: 32)
        var len = 32
        guard EVP_PKEY_get_raw_public_key(key.pkey, &out, &len) == 1, len == 32 else { return nil }
        return out
    }

    /// True when `signature` over `message` verifies under this key with its algorithm's scheme.
    public func verify<M: ContiguousBytes>(signature: [UInt8], for message: M) -> Bool {
        key.verify(signature, message)
    }

    /// The OpenSSL key, for other TrailCrypto types (certificates, CSRs).
    var pkey: OpaquePointer { key.pkey }
}
