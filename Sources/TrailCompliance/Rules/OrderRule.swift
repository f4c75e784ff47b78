import TrailCrypto
import TrailLedger

/// Order (SPEC.md §13): a customs decision means the chips left the US, so in ledger order it comes after the
/// exporter's supply-sufficiency statement, an independent lab test of the manifest and, with `requireLicense`, a
/// counting export license.
struct OrderRule: ComplianceRule {
    static let codes = [
        ViolationCode.customsBeforeSupplySufficiency, ViolationCode.customsBeforeLicense,
        ViolationCode.customsBeforeLabTest,
    ]

    func evaluate(_ c: ShipmentContext, into out: inout [Violation]) {
        guard let first = c.customs.first?.seq else { return }
        if !c.supplies.contains(where: { $0.seq < first }) {
            out.append(
                Violation(
                    code: ViolationCode.customsBeforeSupplySufficiency,
                    message:
                        "the customs decision at seq \(first) precedes the exporter's supply-sufficiency statement",
                    seqs: [first]))
        }
        if c.policy.requireLicense && !c.licenses.contains(where: { $0.seq < first }) {
            let which = c.manifest.map { "license \($0.fact.license)" } ?? "an export license"
            out.append(
                Violation(
                    code: ViolationCode.customsBeforeLicense,
                    message: "the customs decision at seq \(first) precedes \(which) in the ledger",
                    seqs: [first] + c.licenses.map(\.seq)))
        }
        let labs = c.labs.filter(\.independent)
        if !labs.contains(where: { $0.seq < first }) {
            out.append(
                Violation(
                    code: ViolationCode.customsBeforeLabTest,
                    message: "the customs decision at seq \(first) precedes the lab test"
                        + (labs.isEmpty ? " (none yet)" : " at seq \(labs[0].seq)"),
                    seqs: [first] + labs.map(\.seq)))
        }
    }
}
