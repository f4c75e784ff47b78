import TrailCrypto

/// A `certificate` record: its whole chain valid at the record's time, chaining to a trusted anchor, unrevoked by
/// earlier CRL records; registering it again is a warning. An operator-role Ed25519 certificate becomes a checkpoint
/// key (operator key rotation).
///
/// Codes: the chain codes of `cert verify` (`cert-expired`, `unknown-issuer`, `cert-revoked`, …),
/// `duplicate-certificate` (warning).
enum CertificateRule {
    /// A certificate record's X.509 work done ahead, in parallel: parsing and path validation against the anchors
    /// the verifier was given (the ledger's anchors are a subset; `TrustState.validate` re-checks what differs).
    struct Prepared: Sendable {
        var certificate: Certificate
        var chain: [Certificate]
        var validation: ChainValidation
        /// The certificate's own facts for its registration (nil when its key does not decode: the sequential
        /// phase then reports why).
        var facts: RegisteredCertificate.Facts?
    }

    static func prepare(_ der: [UInt8], chain chainDER: [[UInt8]], time: LedgerTime, validator: ChainValidator) -> Prepared? {
        guard let cert = try? Certificate(der: der),
            let chain = try? chainDER.map({ try ChainCertificateCache.shared.certificate(der: $0) })
        else {
            return nil  // the sequential phase parses again and reports why
        }
        return Prepared(
            certificate: cert, chain: chain, validation: validator.validate(cert, intermediates: chain, at: time.date),
            facts: try? RegisteredCertificate.Facts(cert))
    }

    static func register(
        _ der: [UInt8], chain chainDER: [[UInt8]], time: LedgerTime, seq: Int, trust: inout TrustState,
        operatorKeys: inout [String], prepared: Prepared? = nil
    ) -> [Finding] {
        do {
            let cert = try prepared?.certificate ?? Certificate(der: der)
            let chain = try prepared?.chain ?? chainDER.map { try trust.known(der: $0) }
            let path = try trust.validate(cert: cert, chain: chain, at: time.date, prevalidated: prepared?.validation)
            guard try trust.register(cert, path: path, seq: seq, facts: prepared?.facts) else {
                let first = trust.certificates[cert.fingerprint]?.seq
                return [
                    Finding(
                        seq: seq, code: "duplicate-certificate",
                        message: "certificate \(cert.subject.string) is already registered\(first.map { " at seq \($0)" } ?? "")",
                        severity: .warning)
                ]
            }
            if let reg = trust.certificates[cert.fingerprint], reg.roles.contains(.operator),
                reg.publicKey.algorithm == .ed25519, !operatorKeys.contains(reg.fingerprint)
            {
                operatorKeys.append(reg.fingerprint)
            }
            return []
        } catch {
            return [Finding(seq: seq, TrailError.wrap(error))]
        }
    }
}
