import TrailCrypto
import TrailLedger

/// Per exporter, the aggregate quantity to the policy's `capDestinations` (CN, MO) never exceeds
/// `capShareOfUSShipments` (50 %) of the US-end-use units in the exporter's latest attested figure up to and
/// including the shipment's own (91 FR 1684; SPEC.md §13). Only statements signed by the exporter's organisation
/// update the figure; a figure out of range does not count. The shipment that crosses the cap, and every later one
/// while above it, is in violation.
struct DestinationCapRule: QuantityRule {
    static let codes = [ViolationCode.destinationCapExceeded]

    let policy: Policy
    private var usUnits: [Int32: Int] = [:]
    private var cappedSum: [Int32: Int] = [:]

    init(policy: Policy) { self.policy = policy }

    mutating func figure(exporter: Int32, units: Int) { usUnits[exporter] = units }

    mutating func shipment(_ ev: QuantityInputs.Event, _ inputs: QuantityInputs) -> Violation? {
        guard ev.capped else { return nil }
        let sum = saturatingAdd(cappedSum[ev.exporter, default: 0], ev.quantity)
        cappedSum[ev.exporter] = sum
        let us = usUnits[ev.exporter] ?? ev.usUnits
        // Both sides are exact in a double: sums and figures are far below 2^53.
        guard !(Double(sum) <= policy.capShareOfUSShipments * Double(us)) else { return nil }
        let dests = policy.capDestinations.joined(separator: "/")
        return Violation(
            code: ViolationCode.destinationCapExceeded,
            message:
                "\(inputs.name(ev.exporter))'s shipments to \(dests) reach \(sum) units, over \(number(policy.capShareOfUSShipments * 100)) % of the \(us) units it attested shipping to US end users",
            seqs: [ev.seq])
    }
}
