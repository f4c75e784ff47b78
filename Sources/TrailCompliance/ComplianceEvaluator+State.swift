import TrailCrypto
import TrailLedger

// The evaluator's compact per-statement state. A national ledger holds ~1M statements, so nothing here keeps a
// statement, an envelope or a manifest: only the fields the §5 rules and the timeline need. Shipment entries wait
// in an `EntryStore` (a temporary file) until evaluation; signer sets are interned.

extension ComplianceEvaluator {
    /// The first 16 bytes of a SHA-256, as two words (line hashes and claim identities).
    struct Key128: Hashable {
        var a: UInt64
        var b: UInt64

        init(_ bytes: [UInt8]) {
            var x: UInt64 = 0
            var y: UInt64 = 0
            for i in 0..<8 { x = x << 8 | UInt64(i < bytes.count ? bytes[i] : 0) }
            for i in 8..<16 { y = y << 8 | UInt64(i < bytes.count ? bytes[i] : 0) }
            a = x
            b = y
        }

        init(hex: String) { self.init(Hex.decode(hex) ?? []) }

        init(a: UInt64, b: UInt64) {
            self.a = a
            self.b = b
        }
    }

    /// A customs decision (DESIGN.md §3.1).
    enum Decision: String {
        case released, inspect, held, returned
    }

    /// What an export license statement says that the rules use.
    struct LicenseFact {
        var number: String
        var exporter: String
        var consignee: String
        var destination: String
        var product: String
        var maxQuantity: Int
        var validFrom: String
        var validUntil: String
    }

    /// The supply-sufficiency statement and the manifest it carries, reduced to what the rules use.
    struct SupplyFact {
        var exporter: String
        var license: String
        var consignee: String
        var product: String
        var destination: String
        var quantity: Int
        /// Sorted 64-bit keys of the manifest's serials (SHA-256 prefixes): 8 bytes per unit shipped.
        var serialKeys: [UInt64]
        var declared: Figures?
        var claimedLicense: String
        var claimedQuantity: Int
        var claimedDestination: String
        var usUnitsShipped: Int
    }

    /// A lab test, reduced to what the rules use.
    struct LabFact {
        var pass: Bool
        var tpp: Double?
        var bandwidth: Double?
        var memoryGB: Double?
        /// Sorted, distinct serial keys of the units tested.
        var unitKeys: [UInt64]
        var samplingAll: Bool
    }

    enum Fact {
        indirect case license(LicenseFact)
        indirect case supply(SupplyFact)
        indirect case lab(LabFact)
        case customs(Decision)
        case retraction(target: Key128, reason: String)
        case unknown(predicateType: String)

        var kind: String {
            switch self {
            case .license: PredicateKind.exportLicense.rawValue
            case .supply: PredicateKind.supplySufficiency.rawValue
            case .lab: PredicateKind.labTest.rawValue
            case .customs: PredicateKind.customsDecision.rawValue
            case .retraction: PredicateKind.retraction.rawValue
            case .unknown(let t): t
            }
        }

        /// True for the predicates the rules evaluate (not retractions, not unknown types).
        var isEvaluated: Bool {
            switch self {
            case .retraction, .unknown: false
            default: true
            }
        }
    }

    /// One statement about a shipment (or a license), as the evaluator keeps it.
    struct Entry {
        var seq: Int
        /// The record's ledger time (RFC 3339).
        var time: String
        /// Index into `signerSets`.
        var signers: Int32
        /// Index into the owning shipment's `digests` (-1 for license statements).
        var digest: Int32
        var line: Key128
        /// Identity of the claim (predicate type, subject and predicate): repeated identical claims count once.
        var claim: Key128
        var intact: Bool
        /// The seq of the intact retraction that removed this statement, if any.
        var retractedBy: Int?
        var fact: Fact
    }

    /// Everything known about one shipment (read back from the `EntryStore` when it is evaluated).
    struct ShipmentState {
        var digests: [String] = []
        var entries: [Entry] = []

        mutating func internDigest(_ d: String) -> Int32 {
            if let i = digests.firstIndex(of: d) { return Int32(i) }
            digests.append(d)
            return Int32(digests.count - 1)
        }
    }

    /// The signers of a statement, for display and the exporter-identity rule.
    struct SignerSet {
        var parties: [String]
        var organizations: [String?]
        var roles: [String]
    }

    /// A serial number's key: a 64-bit SipHash of its UTF-8 bytes under the process's random hashing key, so that
    /// serials cannot be crafted to collide; keys are compared only within one run.
    static func serialKey(_ serial: String) -> UInt64 {
        var h = Hasher()
        var s = serial
        s.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
        return UInt64(bitPattern: Int64(h.finalize()))
    }

    static func serialKeys(_ serials: [String]) -> [UInt64] {
        var keys = serials.map(serialKey)
        keys.sort()
        var out: [UInt64] = []
        out.reserveCapacity(keys.count)
        for k in keys where out.last != k { out.append(k) }
        return out
    }
}

extension Array where Element == UInt64 {
    /// Binary search in a sorted array.
    func sortedContains(_ k: UInt64) -> Bool {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid] < k { lo = mid + 1 } else { hi = mid }
        }
        return lo < count && self[lo] == k
    }
}

/// Two independent keyed hashes (SipHash under the process's random key) over a claim's parts: 128 bits.
struct ClaimHasher {
    private var a = Hasher()
    private var b = Hasher()

    init() { b.combine(UInt8(0xB5)) }

    private mutating func tag(_ t: UInt8) {
        a.combine(t)
        b.combine(t)
    }

    private mutating func int(_ n: Int) {
        a.combine(n)
        b.combine(n)
    }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { u in
            int(u.count)
            a.combine(bytes: UnsafeRawBufferPointer(u))
            b.combine(bytes: UnsafeRawBufferPointer(u))
        }
    }

    mutating func value(_ v: JSONValue) {
        switch v {
        case .null: tag(0)
        case .bool(let x):
            tag(1)
            tag(x ? 1 : 0)
        case .number(let n):
            tag(2)
            // RFC 8785 prints every number from its double, and +0 and -0 alike.
            let d = n.doubleValue == 0 ? 0 : n.doubleValue
            a.combine(d.bitPattern)
            b.combine(d.bitPattern)
        case .string(let s):
            tag(3)
            string(s)
        case .array(let items):
            tag(4)
            int(items.count)
            for i in items { value(i) }
        case .object(let o):
            tag(5)
            int(o.members.count)
            for m in o.members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                string(m.key)
                value(m.value)
            }
        }
    }

    func finalize() -> ComplianceEvaluator.Key128 {
        ComplianceEvaluator.Key128(a: UInt64(bitPattern: Int64(a.finalize())), b: UInt64(bitPattern: Int64(b.finalize())))
    }
}
