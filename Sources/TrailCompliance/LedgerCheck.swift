import TrailCrypto
import TrailLedger

/// Integrity verification and per-shipment compliance in one streaming pass (`ledger verify`).
public struct LedgerCheck: Sendable {
    public var report: VerificationReport
    public var shipments: [ShipmentReport]
    public var policy: Policy

    /// Verifies `path` and evaluates every shipment under `policy`.
    public static func run(
        path: String, options: VerifyOptions, policy: Policy, onProgress: ((Int64) -> Void)? = nil
    ) throws -> LedgerCheck {
        let verifier = LedgerVerifier(path: path, options: options)
        let evaluator = ComplianceEvaluator(policy: policy)
        verifier.onStatement = { evaluator.consume($0) }
        verifier.onProgress = onProgress
        var report = try verifier.run()
        if policy.requiredWitnesses > 0 {
            let have = report.latestCheckpoint?.witnesses.count ?? 0
            if have < policy.requiredWitnesses {
                report.findings.append(
                    Finding(
                        seq: report.latestCheckpoint?.seq ?? 0, code: "insufficient-witnesses",
                        message: "the latest checkpoint has \(have) valid witness cosignature(s); the policy requires \(policy.requiredWitnesses)",
                        remedy: "have auditors run `chiptrail ledger cosign` and append their cosignatures"))
            }
        }
        return LedgerCheck(report: report, shipments: evaluator.evaluate(), policy: policy)
    }

    /// Exit status of DESIGN.md §6: 1 on integrity failure, 2 when a shipment is in violation, else 0.
    public func exitStatus(shipments: [ShipmentReport]? = nil) -> Int32 {
        if !report.integrityOK { return 1 }
        if (shipments ?? self.shipments).contains(where: { $0.status == .violation }) { return 2 }
        return 0
    }
}
