import TrailCrypto
import TrailLedger

/// The export license's terms (SPEC.md §13, 91 FR 1684 case-by-case licensing): the latest counting license for
/// the manifest's `license` names the manifest's exporter, consignee, destination and product, was valid when the
/// exporter attested the shipment, and its own values are in range. (The quantity it allows is summed over
/// shipments by `LicenseQuantityRule`.)
struct LicenseTermsRule: ComplianceRule {
    static let codes = [
        ViolationCode.licenseMismatch, ViolationCode.licenseNotValid, ViolationCode.predicateValueInvalid,
    ]

    func evaluate(_ c: ShipmentContext, into out: inout [Violation]) {
        guard let m = c.manifest, let lic = c.licenses.last else { return }
        var diffs: [String] = []
        if !same(lic.fact.exporter, m.fact.exporter) {
            diffs.append("exporter \(lic.fact.exporter) ≠ \(m.fact.exporter)")
        }
        if !same(lic.fact.consignee, m.fact.consignee) {
            diffs.append("consignee \(lic.fact.consignee) ≠ \(m.fact.consignee)")
        }
        if !same(lic.fact.destination, m.fact.destination) {
            diffs.append("destination \(lic.fact.destination) ≠ \(m.fact.destination)")
        }
        if !same(lic.fact.product, m.fact.product) { diffs.append("product \(lic.fact.product) ≠ \(m.fact.product)") }
        if !diffs.isEmpty {
            out.append(
                Violation(
                    code: ViolationCode.licenseMismatch,
                    message: "license \(lic.fact.number) does not cover the manifest: " + diffs.joined(separator: ", "),
                    seqs: [lic.seq, m.seq]))
        }
        if let entry = c.state.entries.first(where: { $0.seq == m.seq }), let at = LedgerTime(entry.time) {
            let from = LedgerTime(lic.fact.validFrom)
            let until = LedgerTime(lic.fact.validUntil)
            if from.map({ at < $0 }) ?? true || until.map({ at > $0 }) ?? true {
                out.append(
                    Violation(
                        code: ViolationCode.licenseNotValid,
                        message:
                            "the shipment was attested at \(at.text), outside license \(lic.fact.number)'s validity \(lic.fact.validFrom) … \(lic.fact.validUntil)",
                        seqs: [lic.seq, m.seq]))
            }
        }
        ManifestRule.report(lic.problems, kind: PredicateKind.exportLicense.rawValue, seq: lic.seq, into: &out)
    }
}
