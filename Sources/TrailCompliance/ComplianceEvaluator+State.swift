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

    /// A ledger-supplied name (shipment id, license number) that hashes, compares and sorts by its UTF-8 bytes —
    /// never by `String`'s canonical equivalence, under which two different ids would be one shipment.
    struct ExactName: Hashable, Comparable {
        let text: String
        let bytes: [UInt8]
        init(_ text: String) {
            self.text = text
            bytes = Array(text.utf8)
        }
        static func == (x: Self, y: Self) -> Bool { x.bytes == y.bytes }
        func hash(into h: inout Hasher) { h.combine(bytes) }
        static func < (x: Self, y: Self) -> Bool { x.bytes.lexicographicallyPrecedes(y.bytes) }
    }

    /// A customs decision (SPEC.md §8.4).
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
        /// Sorted, distinct 128-bit keys of the manifest's serials (SHA-256 prefixes): 16 bytes per unit shipped.
        var serialKeys: [Key128]
        var declared: Figures?
        var claimedLicense: String
        var claimedQuantity: Int
        var claimedDestination: String
        var usUnitsShipped: Int

        /// The units this shipment counts for toward license and cap sums: never negative, never more than the
        /// manifest bound, and no fewer than the distinct serials it lists (quantity 1 with 100 serials counts 100).
        var countedUnits: Int {
            min(DocumentRules.maxQuantity, max(0, quantity, serialKeys.count))
        }
    }

    /// A lab test, reduced to what the rules use.
    struct LabFact {
        /// True only for result `pass` exactly.
        var pass: Bool
        var tpp: Double?
        var bandwidth: Double?
        var memoryGB: Double?
        /// Sorted, distinct serial keys of the units tested.
        var unitKeys: [Key128]
        var samplingAll: Bool
    }

    enum Fact {
        indirect case license(LicenseFact)
        indirect case supply(SupplyFact)
        indirect case lab(LabFact)
        case customs(Decision)
        case retraction(target: Key128, reason: String)
        case unknown(predicateType: String)
        /// A type evaluated by one of the evaluator's `PredicateTypeRule`s (its problems are the entry's).
        case extended(predicateType: String)

        var kind: String {
            switch self {
            case .license: PredicateKind.exportLicense.rawValue
            case .supply: PredicateKind.supplySufficiency.rawValue
            case .lab: PredicateKind.labTest.rawValue
            case .customs: PredicateKind.customsDecision.rawValue
            case .retraction: PredicateKind.retraction.rawValue
            case .unknown(let t), .extended(let t): t
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
        /// What `DocumentRules` refuses in the statement's values (usually none).
        var problems: [DocumentProblem] = []
        var fact: Fact
        /// Byte offset of the statement's line in the ledger (-1 when unknown).
        var offset: Int64 = -1
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
        /// The union of the signers' roles, in order of first appearance.
        var roles: [String]
        /// Each signer's own roles (the lab-independence rule reads them).
        var signerRoles: [[String]]
    }

    /// A serial number's key: the first 128 bits of the SHA-256 of its UTF-8 bytes (exact byte identity; no
    /// process seed, so crafted collisions cost 2^64 work).
    static func serialKey(_ serial: String) -> Key128 {
        Key128(Digest.sha256(Array(serial.utf8)))
    }

    static func serialKeys(_ serials: [String]) -> [Key128] {
        var keys = serials.map(serialKey)
        keys.sort()
        var out: [Key128] = []
        out.reserveCapacity(keys.count)
        for k in keys where out.last != k { out.append(k) }
        return out
    }
}

extension ComplianceEvaluator.Key128: Comparable {
    static func < (x: Self, y: Self) -> Bool { (x.a, x.b) < (y.a, y.b) }
}

extension Array where Element == ComplianceEvaluator.Key128 {
    /// Binary search in a sorted array.
    func sortedContains(_ k: Element) -> Bool {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid] < k { lo = mid + 1 } else { hi = mid }
        }
        return lo < count && self[lo] == k
    }
}

/// A claim's identity: SHA-256 (first 128 bits) over a tagged, length-prefixed walk of its parts — predicate type,
/// subject name and digest, and the predicate as RFC 8785 sees it: members in the UTF-8 byte order of their names
/// (any canonical order serves: equal JCS forms have equal member sets), numbers as their doubles (+0 and −0 alike),
/// strings as UTF-8 bytes. Equal exactly when the RFC 8785 forms are equal, up to a 2^-64 collision bound.
struct ClaimHasher {
    private var bytes: [UInt8] = []

    private mutating func tag(_ t: UInt8) { bytes.append(t) }

    private mutating func int(_ n: Int) { withUnsafeBytes(of: UInt64(truncatingIfNeeded: n).littleEndian) { bytes += $0 } }

    mutating func string(_ s: String) {
        int(s.utf8.count)
        bytes += s.utf8
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
            withUnsafeBytes(of: d.bitPattern.littleEndian) { bytes += $0 }
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

    func finalize() -> ComplianceEvaluator.Key128 { ComplianceEvaluator.Key128(Digest.sha256(bytes)) }
}
