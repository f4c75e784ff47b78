import TrailCrypto
import TrailLedger

/// `bundle verify`: a proof bundle's integrity and its shipment's compliance, computed from the bundle alone.
public struct BundleCheck: Sendable {
    public var verification: BundleVerification
    /// The evaluation of the bundle's subject; nil when the evaluator reports nothing for it.
    public var shipment: ShipmentReport?
    public var policy: Policy

    /// Verifies `bundle` against `trust`, then evaluates its intact statements under `policy`
    /// (and the policy's `requiredWitnesses` against the checkpoint's verified cosignatures).
    public static func run(bundle: ProofBundle, trust: [Certificate], policy: Policy) -> BundleCheck {
        var v = BundleVerifier(bundle: bundle, trust: trust).run()
        if policy.requiredWitnesses > 0, v.witnesses.count < policy.requiredWitnesses {
            v.findings.append(
                Finding(
                    seq: bundle.treeSize, code: "insufficient-witnesses",
                    message: "the checkpoint has \(v.witnesses.count) valid witness cosignature(s); the policy requires \(policy.requiredWitnesses)",
                    remedy: "ask for a bundle against a checkpoint the auditors have cosigned"))
        }
        let evaluator = ComplianceEvaluator(policy: policy)
        for s in v.statements { evaluator.consume(s) }
        let shipment = (try? evaluator.evaluate())?.first { $0.id == bundle.shipmentID }
        return BundleCheck(verification: v, shipment: shipment, policy: policy)
    }

    /// 1 on an integrity failure, 2 when the shipment is in violation, else 0 (README.md "Commands").
    public var exitStatus: Int32 {
        if !verification.integrityOK { return 1 }
        if shipment?.status == .violation { return 2 }
        return 0
    }
}
