import TrailCrypto
import TrailLedger

/// A rule over the sum of units across shipments (per license, per exporter), fed each shipment and each attested
/// US-end-use figure in the ledger order of its supply-sufficiency statement. Sums saturate; a shipment counts for
/// `SupplyFact.countedUnits` (never negative, at most `DocumentRules.maxQuantity`).
protocol QuantityRule {
    static var codes: [String] { get }
    /// An attested US-end-use figure of `exporter`.
    mutating func figure(exporter: Int32, units: Int)
    /// A shipment; returns its violation of this rule, if any.
    mutating func shipment(_ ev: QuantityInputs.Event, _ inputs: QuantityInputs) -> Violation?
}

/// What the quantity rules need from each shipment: two small events per shipment, names as numbers.
struct QuantityInputs {
    struct Event {
        var seq: Int
        /// A US-end-use figure (sorted before a shipment at the same seq) or a shipment.
        var isShipment: Bool
        var capped: Bool
        /// The shipment's index among the sorted ids.
        var index: Int32
        var license: Int32
        var exporter: Int32
        /// The units the shipment counts for.
        var quantity: Int
        /// The attested US units (a figure's, or the one the shipment's own statement gives; 0 when out of range).
        var usUnits: Int
    }
    var events: [Event] = []
    private(set) var names: [ComplianceEvaluator.ExactName] = []
    private var numbers: [ComplianceEvaluator.ExactName: Int32] = [:]

    private mutating func number(_ s: String) -> Int32 {
        let k = ComplianceEvaluator.ExactName(s)
        if let n = numbers[k] { return n }
        names.append(k)
        numbers[k] = Int32(names.count - 1)
        return Int32(names.count - 1)
    }

    func name(_ n: Int32) -> String { names[Int(n)].text }

    /// A US-end-use figure counts only when it is in range.
    static func validUSUnits(_ n: Int) -> Int? { (0...DocumentRules.maxCount).contains(n) ? n : nil }

    mutating func add(_ a: ComplianceEvaluator.Analysis, index: Int, capped: Set<ComplianceEvaluator.ExactName>) {
        add(
            usFigures: a.usFigures,
            supply: a.supplySeq.flatMap { seq in
                a.supply.map { (seq, $0.license, $0.exporter, $0.destination, $0.countedUnits, $0.usUnitsShipped) }
            }, index: index, capped: capped)
    }

    /// A shipment's events from what its analysis kept: its US figures and its first counting supply statement.
    mutating func add(
        usFigures: [(seq: Int, exporter: String, units: Int)],
        supply: (seq: Int, license: String, exporter: String, destination: String, counted: Int, usUnits: Int)?, index: Int,
        capped: Set<ComplianceEvaluator.ExactName>
    ) {
        for f in usFigures {
            events.append(
                Event(
                    seq: f.seq, isShipment: false, capped: false, index: Int32(index), license: -1,
                    exporter: number(f.exporter), quantity: 0, usUnits: f.units))
        }
        if let m = supply {
            events.append(
                Event(
                    seq: m.seq, isShipment: true, capped: capped.contains(.init(m.destination)), index: Int32(index),
                    license: number(m.license), exporter: number(m.exporter), quantity: m.counted,
                    usUnits: Self.validUSUnits(m.usUnits) ?? 0))
        }
    }
}

extension ComplianceEvaluator {
    /// Runs the quantity rules over every shipment in ledger order; returns the violations by shipment index.
    func applyQuantityRules(_ inputs: inout QuantityInputs) -> [Int: [Violation]] {
        var out: [Int: [Violation]] = [:]
        inputs.events.sort { ($0.seq, $0.isShipment ? 1 : 0) < ($1.seq, $1.isShipment ? 1 : 0) }
        var license = LicenseQuantityRule(evaluator: self)
        var cap = DestinationCapRule(policy: policy)
        for ev in inputs.events {
            guard ev.isShipment else {
                cap.figure(exporter: ev.exporter, units: ev.usUnits)
                continue
            }
            for v in [license.shipment(ev, inputs), cap.shipment(ev, inputs)].compactMap({ $0 }) {
                out[Int(ev.index), default: []].append(v)
            }
        }
        return out
    }
}
