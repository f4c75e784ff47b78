import Foundation
import TrailCrypto

/// Verifying a single envelope outside a ledger (`chiptrail envelope verify`): every signature must verify
/// under a given certificate that chains to an anchor at `time` and carries the predicate's role.
public enum EnvelopeCheck {
    public struct Result: Sendable {
        public var statement: CheckedStatement?
        public var signers: [Certificate]
        public var failures: [TrailError]
    }

    public static func verify(
        _ env: Envelope, certificates: [Certificate], chain: [Certificate], anchors: [Certificate], at time: Date
    ) -> Result {
        var failures: [TrailError] = []
        var checked: CheckedStatement?
        do { checked = try CheckedStatement(envelope: env) } catch { failures.append(TrailError.wrap(error)) }
        let role = checked?.kind?.requiredRole.flatMap { Role(rawValue: $0) }
        let validator = ChainValidator(anchors: anchors)
        var signers: [Certificate] = []
        for (n, sig) in env.signatures.enumerated() {
            guard let cert = certificates.first(where: { $0.fingerprint == sig.keyid.lowercased() }) else {
                failures.append(
                    TrailError(
                        "unknown-signer", "signature \(n + 1): keyid \(sig.keyid.prefix(16))… matches none of the given certificates",
                        remedy: "pass the signer's certificate with --cert"))
                continue
            }
            signers.append(cert)
            let v = validator.validate(cert, intermediates: chain, at: time, role: role)
            failures += v.failures
            if !((try? cert.publicKey)?.verify(signature: sig.sig, for: env.pae) ?? false) {
                failures.append(
                    TrailError(
                        "signature-invalid", "signature \(n + 1) by \(cert.subject.string) does not verify over the envelope's PAE"))
            }
        }
        return Result(statement: checked, signers: signers, failures: failures)
    }
}
