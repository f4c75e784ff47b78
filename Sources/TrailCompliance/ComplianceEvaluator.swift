import TrailCrypto
import TrailLedger

/// Per-shipment evaluation of verified statements against a policy (DESIGN.md §5).
///
/// Feed every statement in ledger order with `consume`, then call `evaluate`.
public final class ComplianceEvaluator {
    public let policy: Policy
    private var statements: [VerifiedStatement] = []

    public init(policy: Policy = .h200) { self.policy = policy }

    public func consume(_ s: VerifiedStatement) { statements.append(s) }

    /// One report per shipment, sorted by shipment id.
    public func evaluate() -> [ShipmentReport] {
        []  // implemented in the compliance issue
    }
}
