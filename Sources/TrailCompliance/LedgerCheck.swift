import TrailCrypto
import TrailLedger

/// Integrity verification and per-shipment compliance in one streaming pass (`ledger verify`).
public struct LedgerCheck: Sendable {
    public var report: VerificationReport
    public var shipments: [ShipmentReport]
    public var policy: Policy

    /// Verifies `path` and evaluates every shipment under `policy`.
    public static func run(
        path: String, options: VerifyOptions, policy: Policy, predicateRules: [any PredicateTypeRule] = [],
        onProgress: ((Int64) -> Void)? = nil
    ) throws -> LedgerCheck {
        var shipments: [ShipmentReport] = []
        let report = try stream(
            path: path, options: options, policy: policy, predicateRules: predicateRules, onProgress: onProgress
        ) {
            shipments.append($0)
        }
        return LedgerCheck(report: report, shipments: shipments, policy: policy)
    }

    /// Like `run`, but hands over the integrity report first (`onIntegrity`) and then each shipment's report in
    /// id order (`onShipment`) without keeping them: what a million-record ledger's output needs.
    @discardableResult
    public static func stream(
        path: String, options: VerifyOptions, policy: Policy, predicateRules: [any PredicateTypeRule] = [],
        onProgress: ((Int64) -> Void)? = nil, onIntegrity: (VerificationReport) throws -> Void = { _ in },
        onShipment: (ShipmentReport) throws -> Void
    ) throws -> VerificationReport {
        let evaluator = ComplianceEvaluator(policy: policy, predicateRules: predicateRules)
        // The verifier (and its per-statement history) is released before the shipments are evaluated.
        var report = try {
            let verifier = LedgerVerifier(path: path, options: options)
            verifier.prepare = ComplianceEvaluator.prepare
            verifier.onStatement = { evaluator.consume($0) }
            verifier.onProgress = onProgress
            return try verifier.run()
        }()
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
        try onIntegrity(report)
        try evaluator.evaluate(each: onShipment)
        return report
    }

    /// Exit status of README.md "Commands": 1 on integrity failure, 2 when a shipment is in violation, else 0.
    public func exitStatus(shipments: [ShipmentReport]? = nil) -> Int32 {
        if !report.integrityOK { return 1 }
        if (shipments ?? self.shipments).contains(where: { $0.status == .violation }) { return 2 }
        return 0
    }
}
