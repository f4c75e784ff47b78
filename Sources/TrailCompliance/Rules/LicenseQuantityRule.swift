import TrailCrypto
import TrailLedger

/// Per license, the cumulative quantity shipped never exceeds the latest counting license statement's
/// `maxQuantity` (SPEC.md §13). Shipments count in the ledger order of their supply-sufficiency statement, whatever
/// customs later decides; the shipment that crosses the maximum, and every later one, is in violation.
struct LicenseQuantityRule: QuantityRule {
    static let codes = [ViolationCode.licenseQuantityExceeded]

    let evaluator: ComplianceEvaluator
    private var maxByLicense: [Int32: (seq: Int, max: Int)] = [:]
    private var looked: Set<Int32> = []
    private var shipped: [Int32: Int] = [:]

    init(evaluator: ComplianceEvaluator) { self.evaluator = evaluator }

    mutating func figure(exporter: Int32, units: Int) {}

    mutating func shipment(_ ev: QuantityInputs.Event, _ inputs: QuantityInputs) -> Violation? {
        let license = inputs.name(ev.license)
        let total = saturatingAdd(shipped[ev.license, default: 0], ev.quantity)
        shipped[ev.license] = total
        if looked.insert(ev.license).inserted, let lic = evaluator.effectiveLicenses(license).last {
            // A maximum out of range (negative) allows nothing; `predicate-value-invalid` names it.
            maxByLicense[ev.license] = (lic.seq, max(0, lic.fact.maxQuantity))
        }
        guard let lic = maxByLicense[ev.license], total > lic.max else { return nil }
        return Violation(
            code: ViolationCode.licenseQuantityExceeded,
            message:
                "this shipment of \(ev.quantity) brings license \(license) to \(total) units, over its maximum of \(lic.max)",
            seqs: [ev.seq, lic.seq])
    }
}
