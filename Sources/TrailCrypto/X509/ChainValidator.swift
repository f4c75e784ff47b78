import COpenSSL
import COpenSSLShims
import Foundation

/// Validates certification paths with OpenSSL's X509_STORE at a chosen time.
///
/// Rules: trust anchors are self-signed roots only (partial chains are not accepted; anchors that are
/// not self-signed are ignored); RFC 5280 checks in OpenSSL's X509_STRICT mode; security level 2, so
/// RSA keys under 2048 bits and SHA-1 or MD5 signatures are refused; with CRLs given, every certificate
/// of the path below the anchor must be covered by a CRL of its issuer (CRL_CHECK_ALL; the anchor itself
/// needs no CRL). Every error OpenSSL reports is
/// collected (verification continues past each), then mapped to a stable code.
public struct ChainValidator: Sendable {
    /// The self-signed roots this validator trusts.
    public let anchors: [Certificate]

    public init(anchors: [Certificate]) {
        self.anchors = anchors.filter(\.isSelfSigned)
    }

    /// Validates `leaf` at `time` with the untrusted `intermediates` (self-signed certificates among them
    /// are ignored: only anchors are roots). With `role`, the leaf must carry that role; with
    /// `leafMustNotBeCA`, the leaf must not be a CA certificate.
    ///
    /// Codes: `cert-expired`, `cert-not-yet-valid`, `issuer-not-ca`, `path-length-exceeded`,
    /// `cert-signature-invalid`, `cert-revoked`, `unknown-issuer`, `weak-key`, `weak-signature-algorithm`,
    /// `crl-signature-invalid`, `crl-expired`, `crl-not-yet-valid`, `crl-missing`, `cert-invalid`,
    /// `role-not-permitted`.
    public func validate(
        _ leaf: Certificate, intermediates: [Certificate] = [], crls: [CRL] = [], at time: Date, role: Role? = nil,
        leafMustNotBeCA: Bool = false
    ) -> ChainValidation {
        var failures: [TrailError] = []
        var path: [Certificate] = [leaf]
        do {
            let (built, logged) = try runOpenSSL(leaf, intermediates: intermediates, crls: crls, at: time)
            if !built.isEmpty { path = built }
            // One finding per code and certificate: OpenSSL may report several errors that mean the same.
            var seen = Set<String>()
            for entry in logged {
                // The anchor is trusted by configuration; no CRL of its own is required.
                if entry.error == X509_V_ERR_UNABLE_TO_GET_CRL, entry.depth == path.count - 1,
                    anchors.contains(path[entry.depth])
                { continue }
                let f = Self.failure(error: entry.error, depth: entry.depth, path: path)
                if seen.insert("\(f.code)@\(entry.depth)").inserted { failures.append(f) }
            }
        } catch let e as TrailError {
            failures.append(e)
        } catch {
            failures.append(TrailError("cert-invalid", "\(error)"))
        }
        if leafMustNotBeCA && leaf.isCA {
            failures.append(
                TrailError(
                    "role-not-permitted", "\(leaf.subject) is a CA certificate and cannot sign for a role",
                    remedy: "sign with a leaf certificate issued by `chiptrail ca issue` without --ca-role"))
        }
        if let role, !leaf.roles.contains(role) {
            let has = leaf.roles.isEmpty ? "no role" : "roles " + leaf.roles.map(\.rawValue).joined(separator: ", ")
            failures.append(
                TrailError(
                    "role-not-permitted", "\(leaf.subject) has \(has), not \(role.rawValue)",
                    remedy: "issue a certificate with --role \(role.rawValue) (SAN URI \(role.uri))"))
        }
        return ChainValidation(path: path, failures: failures)
    }

    private func runOpenSSL(_ leaf: Certificate, intermediates: [Certificate], crls: [CRL], at time: Date) throws
        -> ([Certificate], [(depth: Int, error: Int32)])
    {
        let store = try X509StoreOwner()
        for a in anchors {
            guard X509_STORE_add_cert(store.store, a.owner.x509) == 1 else {
                throw OpenSSLErrors.error("cert-invalid", "cannot add trust anchor \(a.subject)")
            }
        }
        for c in crls {
            guard X509_STORE_add_crl(store.store, c.owner.crl) == 1 else {
                throw OpenSSLErrors.error("crl-invalid", "cannot add the CRL of \(c.issuer)")
            }
        }
        let untrusted = try X509StackOwner(intermediates.filter { !$0.isSelfIssued })
        let ctx = try X509StoreContextOwner()
        guard X509_STORE_CTX_init(ctx.ctx, store.store, leaf.owner.x509, untrusted.stack) == 1 else {
            throw OpenSSLErrors.error("cert-invalid", "cannot start certificate validation")
        }
        let param = X509_STORE_CTX_get0_param(ctx.ctx)
        var flags = UInt(X509_V_FLAG_X509_STRICT)
        if !crls.isEmpty { flags |= UInt(X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL) }
        _ = X509_VERIFY_PARAM_set_flags(param, flags)
        X509_VERIFY_PARAM_set_auth_level(param, 2)
        X509_STORE_CTX_set_time(ctx.ctx, 0, time_t(time.timeIntervalSince1970.rounded(.down)))

        let log = VerifyLogOwner()
        let rc = chiptrail_x509_verify_logging(ctx.ctx, log.log)
        var logged = log.entries
        if rc <= 0 && logged.isEmpty {
            logged.append((Int(X509_STORE_CTX_get_error_depth(ctx.ctx)), X509_STORE_CTX_get_error(ctx.ctx)))
        }
        OpenSSLErrors.clear()
        let chain = X509_STORE_CTX_get1_chain(ctx.ctx).map { X509StackOwner(taking: $0).certificates } ?? []
        return (chain, logged)
    }

    /// Maps one X509_V_ERR to a stable code, naming the certificate at `depth`.
    static func failure(error: Int32, depth: Int, path: [Certificate]) -> TrailError {
        let who = depth < path.count ? "\(path[depth].subject) (depth \(depth))" : "certificate at depth \(depth)"
        let openssl = String(cString: X509_verify_cert_error_string(Int(error)))
        let (code, what, remedy): (TrailError.Code, String, String?) =
            switch error {
            case X509_V_ERR_CERT_HAS_EXPIRED:
                ("cert-expired", "has expired", "renew the certificate (chiptrail ca issue)")
            case X509_V_ERR_CERT_NOT_YET_VALID:
                ("cert-not-yet-valid", "is not yet valid", "check --at and the certificate's notBefore")
            case X509_V_ERR_INVALID_CA, X509_V_ERR_KEYUSAGE_NO_CERTSIGN, X509_V_ERR_INVALID_NON_CA:
                ("issuer-not-ca", "issues certificates but is not a CA (CA:TRUE with keyCertSign)",
                 "issue certificates only from a CA directory (chiptrail ca init)")
            case X509_V_ERR_PATH_LENGTH_EXCEEDED:
                ("path-length-exceeded", "has more CA certificates below it than its pathLen constraint allows",
                 "issue from a CA whose pathLen allows the intermediate")
            case X509_V_ERR_CERT_SIGNATURE_FAILURE, X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE,
                X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY, X509_V_ERR_SIGNATURE_ALGORITHM_MISMATCH,
                X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY:
                ("cert-signature-invalid", "has a signature that does not verify under its issuer's key",
                 "the certificate is forged or damaged; obtain it again from its CA")
            case X509_V_ERR_CERT_REVOKED:
                ("cert-revoked", "is revoked", "the key may no longer be used; obtain a new certificate")
            case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
                X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
                X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, X509_V_ERR_CERT_UNTRUSTED:
                ("unknown-issuer", "does not chain to a trusted root",
                 "give the issuing chain (--chain) and the right root (--trust)")
            case X509_V_ERR_EE_KEY_TOO_SMALL, X509_V_ERR_CA_KEY_TOO_SMALL:
                ("weak-key", "has a key that is too small (RSA needs 2048 bits or more)",
                 "issue a certificate for an Ed25519, P-256/P-384 or RSA ≥ 2048 key")
            case X509_V_ERR_CA_MD_TOO_WEAK:
                ("weak-signature-algorithm", "is signed with a weak digest (SHA-1 or MD5)",
                 "reissue the certificate with SHA-256 or stronger")
            case X509_V_ERR_CRL_SIGNATURE_FAILURE, X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
                ("crl-signature-invalid", "is checked against a CRL whose signature does not verify",
                 "obtain the CRL again from its CA")
            case X509_V_ERR_CRL_HAS_EXPIRED:
                ("crl-expired", "is checked against a CRL past its nextUpdate", "obtain a current CRL (chiptrail ca crl)")
            case X509_V_ERR_CRL_NOT_YET_VALID:
                ("crl-not-yet-valid", "is checked against a CRL issued after the validation time",
                 "check --at and the CRL's thisUpdate")
            case X509_V_ERR_UNABLE_TO_GET_CRL, X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
                ("crl-missing", "has no CRL from its issuer",
                 "give a CRL for every CA of the path (--crl), or none to skip revocation checks")
            default:
                ("cert-invalid", "is invalid", nil)
            }
        return TrailError(code, "\(who) \(what) (OpenSSL: \(openssl))", remedy: remedy)
    }
}
