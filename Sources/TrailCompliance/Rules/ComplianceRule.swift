import TrailCrypto
import TrailLedger

/// One family of the compliance rules of SPEC.md §13: the codes it reports and the evaluation of one shipment's
/// context into violations. Every rule reads the same `ShipmentContext`, built once per shipment; the rules that
/// sum over shipments (license quantity, destination cap) are `QuantityRule`s fed in ledger order.
protocol ComplianceRule: Sendable {
    /// The `ViolationCode`s this rule reports.
    static var codes: [String] { get }
    /// Appends the shipment's violations of this rule to `out`.
    func evaluate(_ c: ShipmentContext, into out: inout [Violation])
}

/// The rules applied to each shipment, in the order their violations are listed.
let shipmentRules: [any ComplianceRule] = [
    ManifestRule(), LicenseTermsRule(), LabRule(), OrderRule(), RetractionRule(),
]

/// Exact comparison of ledger-supplied text: the same Unicode scalars (UTF-8 bytes), never canonical equivalence.
func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

/// Saturating addition for unit sums (inputs are bounded, but a sum must never trap).
func saturatingAdd(_ a: Int, _ b: Int) -> Int {
    let (r, o) = a.addingReportingOverflow(b)
    return o ? (b > 0 ? Int.max : Int.min) : r
}

/// What the rules know about one shipment: its statements that count, sorted out by kind, in ledger order.
struct ShipmentContext {
    typealias E = ComplianceEvaluator
    struct Supply {
        var seq: Int
        var fact: E.SupplyFact
        var signers: Int32
    }
    struct Lab {
        var seq: Int
        var fact: E.LabFact
        var signers: Int32
        /// Signed by a party other than the exporter, none of whose certificates holds the exporter role.
        var independent: Bool
    }

    var id: String
    var policy: Policy
    var state: E.ShipmentState
    var signerSets: [E.SignerSet]
    /// Statements that count (see `ComplianceEvaluator.effective`).
    var effective: [E.Entry] = []
    /// Seqs of statements that only repeat an earlier identical claim → that claim's seq.
    var repeats: [Int: Int] = [:]
    /// The reference manifest: the first counting supply-sufficiency statement.
    var manifest: Supply?
    /// Index into `state.digests` of the reference digest.
    var referenceDigest: Int32?
    /// Counting statements naming another manifest digest.
    var otherManifest: [E.Entry] = []
    /// Counting statements about the reference manifest.
    var same: [E.Entry] = []
    var supplies: [Supply] = []
    var labs: [Lab] = []
    var customs: [(seq: Int, decision: E.Decision)] = []
    /// Counting license statements for the manifest's license, in ledger order (the last one's terms apply).
    var licenses: [(seq: Int, fact: E.LicenseFact, problems: [DocumentProblem])] = []
    /// Every statement of the manifest's license (retracted ones included).
    var licenseEntries: [E.Entry] = []
    /// Seqs of the counting `released` decisions, with the digest each names.
    var releases: [(seq: Int, digest: Int32)] = []

    func signers(_ i: Int32) -> E.SignerSet { signerSets[Int(i)] }
    var exporter: String? { manifest?.fact.exporter }
}
