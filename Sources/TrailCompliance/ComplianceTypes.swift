import TrailLedger

/// A shipment's compliance status (SPEC.md §13). Precedence: violation > unverifiable > returned > held > pending >
/// compliant. `unverifiable`: a statement naming the shipment failed integrity, so its trail cannot be judged from
/// what remains (DESIGN-NOTES.md "Compliance", Status).
public enum ShipmentStatus: String, Sendable, CaseIterable, Comparable {
    case compliant, pending, held, returned, unverifiable, violation

    var rank: Int { ShipmentStatus.allCases.firstIndex(of: self)! }
    public static func < (a: ShipmentStatus, b: ShipmentStatus) -> Bool { a.rank < b.rank }
}

/// A broken rule, with the records involved.
public struct Violation: Sendable, Equatable {
    /// Stable code, e.g. `lab-tpp-exceeded`.
    public var code: String
    public var message: String
    public var seqs: [Int]
    public init(code: String, message: String, seqs: [Int]) {
        self.code = code
        self.message = message
        self.seqs = seqs
    }
}

/// One step of a shipment's trail: license, supply-sufficiency, lab-test, customs-decision.
public struct Step: Sendable, Equatable {
    public var name: String
    public var done: Bool
    /// The records that satisfy (or attempted) the step.
    public var seqs: [Int]
    public init(name: String, done: Bool, seqs: [Int]) {
        self.name = name
        self.done = done
        self.seqs = seqs
    }
}

/// One statement in a shipment's timeline.
public struct TimelineEntry: Sendable, Equatable {
    public var seq: Int
    public var time: String
    /// Predicate kind (`lab-test`, …) or the predicate type for unknown ones.
    public var kind: String
    /// Signer organisations (O=) or common names.
    public var parties: [String]
    public var roles: [String]
    /// A one-line summary (e.g. "pass: TPP 15832, 4800 GB/s").
    public var summary: String
    public var retracted: Bool
    /// False when the record failed integrity (it is listed but not evaluated).
    public var intact: Bool
    public init(
        seq: Int, time: String, kind: String, parties: [String], roles: [String], summary: String, retracted: Bool,
        intact: Bool
    ) {
        self.seq = seq
        self.time = time
        self.kind = kind
        self.parties = parties
        self.roles = roles
        self.summary = summary
        self.retracted = retracted
        self.intact = intact
    }
}

/// The evaluation of one shipment.
public struct ShipmentReport: Sendable {
    public var id: String
    public var status: ShipmentStatus
    public var steps: [Step]
    /// Names of the steps still missing (for pending).
    public var missing: [String]
    public var violations: [Violation]
    /// The latest customs decision, when there is one.
    public var decision: String?
    public var timeline: [TimelineEntry]
    public var manifestDigest: String?
    public var exporter: String?
    public var license: String?
    public var quantity: Int?
    public var destination: String?
    /// Seqs of the statements naming the shipment that failed integrity (status `unverifiable` unless in violation).
    public var unverifiableSeqs: [Int] = []
    /// Their integrity finding codes, sorted and distinct.
    public var unverifiableCodes: [String] = []

    public init(id: String) {
        self.id = id
        status = .pending
        steps = []
        missing = []
        violations = []
        timeline = []
    }
}
