import TrailCrypto
import TrailLedger

/// The manifest and the exporter's attestation of it (SPEC.md §8, §5): every statement names the same manifest;
/// the exporter signs for the manifest's `exporter`; its predicate agrees with the manifest; the manifest's quantity
/// is a positive integer and its serials exactly that many distinct values; every value is in range
/// (`DocumentRules`, the same functions `chiptrail attest` applies before signing).
struct ManifestRule: ComplianceRule {
    static let codes = [
        ViolationCode.manifestMismatch, ViolationCode.exporterMismatch, ViolationCode.supplyManifestMismatch,
        ViolationCode.manifestQuantityInvalid, ViolationCode.manifestSerialsInvalid,
        ViolationCode.predicateValueInvalid,
    ]

    func evaluate(_ c: ShipmentContext, into out: inout [Violation]) {
        let refText = c.referenceDigest.map { c.state.digests[Int($0)] } ?? ""
        for e in c.otherManifest {
            let ref = c.manifest.map { "seq \($0.seq)'s manifest" } ?? "the shipment's first statement"
            out.append(
                Violation(
                    code: ViolationCode.manifestMismatch,
                    message:
                        "the \(e.fact.kind) at seq \(e.seq) names manifest \(c.state.digests[Int(e.digest)].prefix(16))…, not \(ref) \(refText.prefix(16))…",
                    seqs: [c.manifest?.seq ?? c.effective.first?.seq ?? e.seq, e.seq]))
        }
        for s in c.supplies {
            let orgs = c.signers(s.signers).organizations
            if !orgs.allSatisfy({ $0.map { same($0, s.fact.exporter) } ?? false }) {
                let names = orgs.map { $0 ?? "(no O=)" }.joined(separator: ", ")
                out.append(
                    Violation(
                        code: ViolationCode.exporterMismatch,
                        message:
                            "the supply-sufficiency statement is signed by \(names), not the manifest's exporter \(s.fact.exporter)",
                        seqs: [s.seq]))
            }
            var diffs: [String] = []
            if !same(s.fact.claimedLicense, s.fact.license) {
                diffs.append("license \(s.fact.claimedLicense) ≠ \(s.fact.license)")
            }
            if s.fact.claimedQuantity != s.fact.quantity {
                diffs.append("quantity \(s.fact.claimedQuantity) ≠ \(s.fact.quantity)")
            }
            if !same(s.fact.claimedDestination, s.fact.destination) {
                diffs.append("destination \(s.fact.claimedDestination) ≠ \(s.fact.destination)")
            }
            if !diffs.isEmpty {
                out.append(
                    Violation(
                        code: ViolationCode.supplyManifestMismatch,
                        message: "the supply-sufficiency statement differs from its manifest: "
                            + diffs.joined(separator: ", "),
                        seqs: [s.seq]))
            }
        }
        for e in c.same { Self.report(e.problems, kind: e.fact.kind, seq: e.seq, into: &out) }
    }

    /// One violation per problem, naming the statement and the field.
    static func report(_ problems: [DocumentProblem], kind: String, seq: Int, into out: inout [Violation]) {
        for p in problems {
            out.append(
                Violation(
                    code: p.code, message: "the \(kind) at seq \(seq), field \(p.field): \(p.message)", seqs: [seq]))
        }
    }
}
