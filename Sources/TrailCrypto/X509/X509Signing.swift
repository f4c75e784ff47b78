import COpenSSL

/// Signs certificates, requests and CRLs with the issuer key's one scheme (SPEC.md §2): Ed25519 pure,
/// ECDSA P-256/SHA-256 and P-384/SHA-384, and RSA keys with RSA-PSS (SHA-256, MGF1-SHA-256, 32-byte salt),
/// whose parameters OpenSSL writes into the signature AlgorithmIdentifier.
enum X509Signing {
    /// Runs `sign` with an `EVP_MD_CTX` initialised for `key`; `sign` returns OpenSSL's result (> 0 is success).
    static func sign(with key: PrivateKey, what: String, _ sign: (OpaquePointer) -> Int32) throws {
        guard let mctx = EVP_MD_CTX_new() else { throw OpenSSLErrors.error("sign-failed", "EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(mctx) }
        var pctx: OpaquePointer? = nil
        let alg = key.algorithm
        guard EVP_DigestSignInit(mctx, &pctx, alg.digest?.md, nil, key.pkey) == 1 else {
            throw OpenSSLErrors.error("sign-failed", "cannot start a \(alg) signature over the \(what)")
        }
        if case .rsa = alg {
            guard EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1,
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) == 1,
                EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, DigestAlgorithm.sha256.md) == 1
            else {
                throw OpenSSLErrors.error("sign-failed", "cannot configure RSA-PSS (SHA-256, MGF1-SHA-256, salt 32)")
            }
        }
        guard sign(mctx) > 0 else { throw OpenSSLErrors.error("sign-failed", "signing the \(what) failed") }
    }
}
