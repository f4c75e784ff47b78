import Foundation
import COpenSSL

/// The one Swift owner of an OpenSSL `EVP_PKEY`, freed in `deinit`.
///
/// `@unchecked Sendable`: the key is never mutated after construction, and OpenSSL 3 allows concurrent
/// signing and verification with one `EVP_PKEY` from several threads (each operation uses its own
/// `EVP_MD_CTX`/`EVP_PKEY_CTX`).
final class PKey: @unchecked Sendable {
    let pkey: OpaquePointer
    let algorithm: KeyAlgorithm
    /// Ready ECDSA verification contexts (EVP_PKEY_verify_init done), reused across calls: setting one up costs
    /// as much as a third of the verification itself in OpenSSL 3.0. Guarded by `lock`; each context is used by
    /// one thread at a time.
    private var verifyContexts: [OpaquePointer] = []
    /// Ready Ed25519 verification contexts (EVP_DigestVerifyInit done), reused the same way.
    private var digestVerifyContexts: [OpaquePointer] = []
    private let lock = NSLock()

    /// Takes ownership of `pkey`; frees it and throws when chiptrail does not accept its algorithm.
    init(taking pkey: OpaquePointer) throws {
        do {
            algorithm = try KeyAlgorithm.of(pkey)
        } catch {
            EVP_PKEY_free(pkey)
            throw error
        }
        self.pkey = pkey
    }

    deinit {
        for c in verifyContexts { EVP_PKEY_CTX_free(c) }
        for c in digestVerifyContexts { EVP_MD_CTX_free(c) }
        EVP_PKEY_free(pkey)
    }

    /// DER SubjectPublicKeyInfo.
    func spkiDER() -> [UInt8] {
        var p: UnsafeMutablePointer<UInt8>? = nil
        let n = i2d_PUBKEY(pkey, &p)
        precondition(n > 0 && p != nil, "i2d_PUBKEY failed: \(OpenSSLErrors.drain())")
        defer { CRYPTO_free(p, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: p, count: Int(n)))
    }

    /// Signs `message` with the algorithm's one scheme (SPEC.md §10).
    func sign<M: ContiguousBytes>(_ message: M) throws -> [UInt8] {
        guard let mctx = EVP_MD_CTX_new() else { throw OpenSSLErrors.error("sign-failed", "EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(mctx) }
        var pctx: OpaquePointer? = nil
        guard EVP_DigestSignInit(mctx, &pctx, algorithm.digest?.md, nil, pkey) == 1 else {
            throw OpenSSLErrors.error("sign-failed", "cannot start a \(algorithm) signature")
        }
        try configurePSS(pctx)
        return try message.withUnsafeBytes { m -> [UInt8] in
            let base = m.baseAddress?.assumingMemoryBound(to: UInt8.self)
            var len = 0
            guard EVP_DigestSign(mctx, nil, &len, base, m.count) == 1 else {
                throw OpenSSLErrors.error("sign-failed", "cannot size a \(algorithm) signature")
            }
            var sig = [UInt8](repeating: 0, count: len)
            guard EVP_DigestSign(mctx, &sig, &len, base, m.count) == 1 else {
                throw OpenSSLErrors.error("sign-failed", "\(algorithm) signing failed")
            }
            return Array(sig.prefix(len))
        }
    }

    /// True when `signature` is valid for `message`; false for any invalid or malformed signature.
    func verify<M: ContiguousBytes>(_ signature: [UInt8], _ message: M) -> Bool {
        switch algorithm {
        case .p256, .p384: return verifyECDSA(signature, message)
        case .ed25519: return verifyEd25519(signature, message)
        default: return verifyDigestVerify(signature, message)
        }
    }

    /// ECDSA: the message digest (SHA-256 or SHA-384), then EVP_PKEY_verify on a pooled context.
    private func verifyECDSA<M: ContiguousBytes>(_ signature: [UInt8], _ message: M) -> Bool {
        guard let digest = algorithm.digest else { return false }
        let hash = Digest.hash(digest, message)
        lock.lock()
        var ctx = verifyContexts.popLast()
        lock.unlock()
        if ctx == nil {
            guard let c = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil) else {
                OpenSSLErrors.clear()
                return false
            }
            guard EVP_PKEY_verify_init(c) == 1, EVP_PKEY_CTX_set_signature_md(c, digest.md) == 1 else {
                EVP_PKEY_CTX_free(c)
                OpenSSLErrors.clear()
                return false
            }
            ctx = c
        }
        let rc = EVP_PKEY_verify(ctx, signature, signature.count, hash, hash.count)
        if rc != 1 { OpenSSLErrors.clear() }
        lock.lock()
        verifyContexts.append(ctx!)
        lock.unlock()
        return rc == 1
    }

    /// Ed25519: EVP_DigestVerify on a pooled, initialised context (OpenSSL 3.0 lets a one-shot verification
    /// context be used again). A context that reports failure is dropped and the signature checked once more on a
    /// fresh one, so a library that refused reuse would cost time, never a wrong answer.
    private func verifyEd25519<M: ContiguousBytes>(_ signature: [UInt8], _ message: M) -> Bool {
        lock.lock()
        let pooled = digestVerifyContexts.popLast()
        lock.unlock()
        guard let ctx = pooled ?? newDigestVerifyContext() else { return false }
        let rc = message.withUnsafeBytes { m in
            EVP_DigestVerify(ctx, signature, signature.count, m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count)
        }
        if rc == 1 {
            lock.lock()
            digestVerifyContexts.append(ctx)
            lock.unlock()
            return true
        }
        EVP_MD_CTX_free(ctx)
        OpenSSLErrors.clear()
        return verifyDigestVerify(signature, message)
    }

    private func newDigestVerifyContext() -> OpaquePointer? {
        guard let mctx = EVP_MD_CTX_new() else { return nil }
        guard EVP_DigestVerifyInit(mctx, nil, nil, nil, pkey) == 1 else {
            EVP_MD_CTX_free(mctx)
            OpenSSLErrors.clear()
            return nil
        }
        return mctx
    }

    private func verifyDigestVerify<M: ContiguousBytes>(_ signature: [UInt8], _ message: M) -> Bool {
        guard let mctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(mctx) }
        var pctx: OpaquePointer? = nil
        guard EVP_DigestVerifyInit(mctx, &pctx, algorithm.digest?.md, nil, pkey) == 1 else {
            OpenSSLErrors.clear()
            return false
        }
        do { try configurePSS(pctx) } catch { return false }
        let rc = message.withUnsafeBytes { m in
            EVP_DigestVerify(
                mctx, signature, signature.count, m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count)
        }
        if rc != 1 { OpenSSLErrors.clear() }
        return rc == 1
    }

    private func configurePSS(_ pctx: OpaquePointer?) throws {
        guard case .rsa = algorithm else { return }
        guard EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1,
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) == 1,
            EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, DigestAlgorithm.sha256.md) == 1
        else {
            throw OpenSSLErrors.error("sign-failed", "cannot configure RSA-PSS (SHA-256, MGF1-SHA-256, salt 32)")
        }
    }
}
