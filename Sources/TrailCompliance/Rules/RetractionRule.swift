import TrailCrypto
import TrailLedger

/// Retractions after a release (SPEC.md §13): once customs released a shipment the chips have left, so the
/// statements the release depended on — the supply-sufficiency statement, the lab test, the export license — keep
/// counting (`ComplianceEvaluator.effective`), and retracting one of them afterwards is itself a violation. A customs
/// authority retracting its own decision is a correction, not a violation: the retracted decision stops counting.
struct RetractionRule: ComplianceRule {
    static let codes = [ViolationCode.retractionAfterRelease]

    /// The release (seq) that `e`, retracted at `retractedBy`, was in force for; nil when none. A shipment statement
    /// needs a release of the same manifest digest; a license statement (`digest` -1) any release of the shipment.
    static func releaseBeforeRetraction(
        _ e: ComplianceEvaluator.Entry, releases: [(seq: Int, digest: Int32)]
    ) -> Int? {
        guard e.intact, let r = e.retractedBy else { return nil }
        switch e.fact {
        case .supply, .lab, .license: break
        default: return nil
        }
        return releases.first { $0.seq > e.seq && $0.seq < r && (e.digest < 0 || $0.digest == e.digest) }?.seq
    }

    func evaluate(_ c: ShipmentContext, into out: inout [Violation]) {
        let candidates = (c.state.entries + c.licenseEntries).sorted { $0.seq < $1.seq }
        for e in candidates {
            guard let release = Self.releaseBeforeRetraction(e, releases: c.releases), let by = e.retractedBy else {
                continue
            }
            out.append(
                Violation(
                    code: ViolationCode.retractionAfterRelease,
                    message:
                        "the \(e.fact.kind) at seq \(e.seq) was retracted at seq \(by), after customs released the shipment at seq \(release); it still counts",
                    seqs: [e.seq, release, by]))
        }
    }
}
