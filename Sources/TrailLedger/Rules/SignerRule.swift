import TrailCrypto

/// Who may sign a statement (DESIGN-NOTES "Statement signers"): every signature's keyid names a certificate
/// registered earlier, unrevoked and valid at the record's ledger time; the certificate is a leaf (not CA:TRUE)
/// whose keyUsage, when present, includes digitalSignature; and it carries the role the predicate type needs.
/// The signature arithmetic itself is scheduled by the caller (in parallel for a ledger) and reported with
/// `signatureInvalid`.
///
/// Codes: `unknown-signer`, `signer-revoked`, `signer-not-yet-valid`, `signer-expired`, `signer-not-leaf`,
/// `signer-key-usage`, `role-not-permitted`, `signature-invalid`.
enum SignerRule {
    /// A signature whose certificate may sign: its bytes still have to verify under `registration.publicKey`.
    struct Resolved {
        var registration: RegisteredCertificate
        /// 1-based position in the envelope.
        var number: Int
        var signature: [UInt8]
        var keyid: String
    }

    static func resolve(
        _ env: Envelope, checked: CheckedStatement?, time: LedgerTime, seq: Int, trust: TrustState
    ) -> (resolved: [Resolved], signers: [SignerInfo], findings: [TrailError]) {
        let required = checked?.kind?.requiredRole.flatMap { Role(rawValue: $0) }
        var resolved: [Resolved] = []
        var signers: [SignerInfo] = []
        var findings: [TrailError] = []
        for (n, sig) in env.signatures.enumerated() {
            let reg: RegisteredCertificate
            do {
                reg = try trust.signer(sig.keyid, at: time.date)
            } catch {
                var e = TrailError.wrap(error)
                e.message = "signature \(n + 1): " + e.message
                findings.append(e)
                continue
            }
            signers.append(
                SignerInfo(
                    fingerprint: reg.fingerprint, organization: reg.organization, commonName: reg.commonName, roles: reg.roles))
            let who = reg.certificate.subject.string
            if reg.isCA {
                findings.append(
                    TrailError(
                        "signer-not-leaf", "signature \(n + 1): \(who) is a CA certificate (CA:TRUE); statements are signed by leaf certificates",
                        remedy: "sign with a leaf certificate issued by `chiptrail ca issue` without --ca-role"))
            } else if !reg.keyUsage.isEmpty && !reg.keyUsage.contains("digitalSignature") {
                findings.append(
                    TrailError(
                        "signer-key-usage", "signature \(n + 1): \(who)'s keyUsage (\(reg.keyUsage.sorted().joined(separator: ", "))) lacks digitalSignature",
                        remedy: "issue the signer a certificate with keyUsage digitalSignature"))
            }
            if let required, !reg.roles.contains(required) {
                findings.append(
                    TrailError(
                        "role-not-permitted",
                        "\(checked!.statement.predicateType) needs the \(required.rawValue) role; signer \(who) has \(reg.roles.isEmpty ? "no role" : reg.roles.map(\.rawValue).joined(separator: ", "))"))
            }
            resolved.append(Resolved(registration: reg, number: n + 1, signature: sig.sig, keyid: sig.keyid))
        }
        return (resolved, signers, findings)
    }

    static func signatureInvalid(seq: Int, number: Int, keyid: String) -> Finding {
        Finding(
            seq: seq, code: "signature-invalid",
            message: "signature \(number) (keyid \(keyid.prefix(16))…) does not verify over the envelope's PAE",
            remedy: "every signature in an envelope must verify; re-sign the statement")
    }
}
