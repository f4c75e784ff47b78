import Foundation
import COpenSSL
import COpenSSLShims

/// A private signing key of an accepted algorithm.
///
/// Its material never appears in `description`, errors or logs; it leaves the process only as PEM
/// PKCS#8, encrypted unless the caller explicitly asks otherwise.
public struct PrivateKey: Sendable, CustomStringConvertible {
    let key: PKey
    /// Set for a key in a PKCS#11 token (PKCS11Key.swift): its engine and URI.
    let token: PKCS11Token?

    init(_ key: PKey) {
        self.key = key
        self.token = nil
    }

    init(_ key: PKey, token: PKCS11Token) {
        self.key = key
        self.token = token
    }

    public var algorithm: KeyAlgorithm { key.algorithm }

    /// The matching public key. For a token key, a software copy of its public half, so verification never
    /// goes through the token.
    public var publicKey: PublicKey {
        if token != nil, let software = try? PublicKey(spkiDER: key.spkiDER()) { return software }
        return PublicKey(key)
    }

    /// The PKCS#11 URI of a key held in a token; nil for a key in memory.
    public var pkcs11URI: PKCS11URI? { token?.uri }

    public var description: String { "PrivateKey(\(algorithm), keyID \(publicKey.keyID.prefix(16))…)" }

    /// Generates a fresh key.
    public static func generate(_ algorithm: KeyAlgorithm) throws -> PrivateKey {
        let typeName: String
        switch algorithm {
        case .ed25519: typeName = "ED25519"
        case .p256, .p384: typeName = "EC"
        case .rsa: typeName = "RSA"
        }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, typeName, nil) else {
            throw OpenSSLErrors.error("keygen-failed", "cannot create a \(algorithm) key context")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else {
            throw OpenSSLErrors.error("keygen-failed", "cannot start \(algorithm) key generation")
        }
        switch algorithm {
        case .p256: guard EVP_PKEY_CTX_set_group_name(ctx, "P-256") == 1 else { throw keygenError(algorithm) }
        case .p384: guard EVP_PKEY_CTX_set_group_name(ctx, "P-384") == 1 else { throw keygenError(algorithm) }
        case .rsa(let bits):
            guard bits >= 2048 else { throw TrailError("weak-key", "RSA keys have 2048 bits or more") }
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(bits)) == 1 else { throw keygenError(algorithm) }
        case .ed25519: break
        }
        var pkey: OpaquePointer? = nil
        guard EVP_PKEY_generate(ctx, &pkey) == 1, let pkey else { throw keygenError(algorithm) }
        return PrivateKey(try PKey(taking: pkey))
    }

    private static func keygenError(_ a: KeyAlgorithm) -> TrailError {
        OpenSSLErrors.error("keygen-failed", "\(a) key generation failed")
    }

    /// An Ed25519 key from its 32-byte seed (RFC 8032 "secret key").
    public init(ed25519Seed seed: [UInt8]) throws {
        guard seed.count == 32, let pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, seed, seed.count)
        else {
            throw OpenSSLErrors.error("malformed-key", "an Ed25519 seed is 32 bytes", category: .malformed)
        }
        self.init(try PKey(taking: pkey))
    }

    /// Loads a PEM private key: PKCS#8 (`PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`) or the traditional
    /// `EC PRIVATE KEY` / `RSA PRIVATE KEY` forms OpenSSL also reads.
    ///
    /// Errors: `malformed-pem` (truncated), `not-a-private-key` (a public key or certificate),
    /// `passphrase-required`, `wrong-passphrase`, `malformed-key`, `unsupported-key-algorithm`, `weak-key`.
    public init(pem text: String, passphrase: [UInt8]?, file: String? = nil) throws {
        let blocks = try PEM.blocks(in: text, file: file)
        let privateLabels = ["PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"]
        guard let block = blocks.first(where: { privateLabels.contains($0.label) }) else {
            throw TrailError.malformed(
                "not-a-private-key", "expected a private key, found a \(blocks[0].label) PEM block",
                remedy: "give the private key file (PKCS#8 PEM) that `chiptrail key generate --out` wrote"
            ).at(file: file)
        }
        let encrypted = block.label == "ENCRYPTED PRIVATE KEY" || block.text.contains("Proc-Type: 4,ENCRYPTED")
        if encrypted && passphrase == nil {
            throw TrailError.usage(
                "passphrase-required", "the private key is encrypted and no passphrase was given",
                remedy: "pass --passphrase-file FILE or set CHIPTRAIL_PASSPHRASE"
            ).at(file: file)
        }
        let bio = MemoryBIO(Array(block.text.utf8))
        let pass = passphrase ?? []
        let pkey: OpaquePointer? = pass.withUnsafeBufferPointer { pb in
            pb.withMemoryRebound(to: CChar.self) { cb in
                var p = chiptrail_passphrase(bytes: passphrase == nil ? nil : cb.baseAddress, length: cb.count, asked: 0)
                return PEM_read_bio_PrivateKey(bio.bio, nil, chiptrail_pem_password_cb, &p)
            }
        }
        guard let pkey else {
            if encrypted {
                throw OpenSSLErrors.error(
                    "wrong-passphrase", "the passphrase does not decrypt this key",
                    remedy: "check the passphrase (--passphrase-file or CHIPTRAIL_PASSPHRASE)"
                ).at(file: file)
            }
            throw OpenSSLErrors.error(
                "malformed-key", "the \(block.label) block does not parse as a private key", category: .malformed,
                remedy: "the file is damaged; restore it from its source"
            ).at(file: file)
        }
        do {
            self.init(try PKey(taking: pkey))
        } catch var e as TrailError {
            e.file = file
            throw e
        }
    }

    /// PEM PKCS#8. With a passphrase: `ENCRYPTED PRIVATE KEY`, AES-256-CBC under PBES2/PBKDF2-HMAC-SHA256
    /// as OpenSSL 3 writes it (`openssl pkey -passin` reads it). Without: plain `PRIVATE KEY`.
    public func pem(passphrase: [UInt8]?) throws -> String {
        if let token {
            throw TrailError.usage(
                "key-not-extractable", "the key at \(token.uri) stays in its token and is never written out",
                remedy: "use the pkcs11: URI wherever the key is needed")
        }
        let bio = MemoryBIO()
        let rc: Int32
        if let passphrase {
            guard !passphrase.isEmpty else {
                throw TrailError.usage("empty-passphrase", "an empty passphrase does not protect a key")
            }
            rc = passphrase.withUnsafeBufferPointer { pb in
                pb.withMemoryRebound(to: CChar.self) { cb in
                    PEM_write_bio_PKCS8PrivateKey(bio.bio, key.pkey, EVP_aes_256_cbc(), cb.baseAddress,
                        Int32(cb.count), nil, nil)
                }
            }
        } else {
            rc = PEM_write_bio_PKCS8PrivateKey(bio.bio, key.pkey, nil, nil, 0, nil, nil)
        }
        guard rc == 1 else { throw OpenSSLErrors.error("key-encode-failed", "cannot write the private key") }
        return bio.string
    }

    /// Signs `message` with the algorithm's scheme: Ed25519 pure, ECDSA (DER) with SHA-256/384,
    /// RSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt.
    public func sign<M: ContiguousBytes>(_ message: M) throws -> [UInt8] {
        try key.sign(message)
    }

    /// The OpenSSL key, for other TrailCrypto types (certificates, CSRs).
    var pkey: OpaquePointer { key.pkey }
}
