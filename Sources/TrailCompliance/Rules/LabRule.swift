import TrailCrypto
import TrailLedger

/// The third-party lab test (SPEC.md §13; 91 FR 1684: every shipment reviewed in the US by a qualified third-party
/// testing lab): the lab is independent of the exporter, the test passes, its measured TPP and DRAM bandwidth are
/// below the policy limits and agree with the declared figures, and it covers enough units of the manifest.
struct LabRule: ComplianceRule {
    static let codes = [
        ViolationCode.labNotIndependent, ViolationCode.labTestFailed, ViolationCode.labTPPExceeded,
        ViolationCode.labBandwidthExceeded, ViolationCode.labMeasurementMissing, ViolationCode.labDeclaredMismatch,
        ViolationCode.labUnitsNotInManifest, ViolationCode.labTooFewUnits,
    ]

    /// A lab test counts only when no signer's organisation is the exporter (`exporter`, the manifest's; exact
    /// bytes) and no signing certificate also holds the exporter role. A signer without O= is not the exporter.
    static func isIndependent(_ signers: ComplianceEvaluator.SignerSet, exporter: String?) -> Bool {
        if signers.signerRoles.contains(where: { $0.contains(Role.exporter.rawValue) }) { return false }
        guard let exporter else { return true }
        return !signers.organizations.contains { $0.map { same($0, exporter) } ?? false }
    }

    func evaluate(_ c: ShipmentContext, into out: inout [Violation]) {
        for lab in c.labs {
            if !lab.independent {
                let s = c.signers(lab.signers)
                let why =
                    s.signerRoles.contains(where: { $0.contains(Role.exporter.rawValue) })
                    ? "a signing certificate also holds the exporter role"
                    : "it is signed by the exporter's organisation \(c.exporter ?? "")"
                out.append(
                    Violation(
                        code: ViolationCode.labNotIndependent,
                        message: "the lab test at seq \(lab.seq) is not by a third party: \(why); it does not count",
                        seqs: [lab.seq]))
            }
            check(lab.seq, lab.fact, manifest: c.manifest?.fact, policy: c.policy, &out)
        }
    }

    private func check(
        _ seq: Int, _ lab: ComplianceEvaluator.LabFact, manifest: ComplianceEvaluator.SupplyFact?, policy: Policy,
        _ out: inout [Violation]
    ) {
        func violate(_ code: String, _ message: String) {
            out.append(Violation(code: code, message: message, seqs: [seq]))
        }
        if !lab.pass {
            violate(ViolationCode.labTestFailed, "the lab test at seq \(seq) did not pass and was not retracted")
        }
        if let tpp = lab.tpp {
            if !(tpp < policy.maxTPP) {
                violate(
                    ViolationCode.labTPPExceeded,
                    "measured TPP \(number(tpp)) is not below the limit \(number(policy.maxTPP))")
            }
        } else {
            violate(ViolationCode.labMeasurementMissing, "the lab test at seq \(seq) reports no measured TPP")
        }
        if let bw = lab.bandwidth {
            if !(bw < policy.maxDramBandwidthGBps) {
                violate(
                    ViolationCode.labBandwidthExceeded,
                    "measured DRAM bandwidth \(number(bw)) GB/s is not below the limit \(number(policy.maxDramBandwidthGBps)) GB/s"
                )
            }
        } else {
            violate(
                ViolationCode.labMeasurementMissing, "the lab test at seq \(seq) reports no measured DRAM bandwidth")
        }
        guard let m = manifest else { return }
        if let d = m.declared {
            var diffs: [String] = []
            for (name, measured, declared) in [
                ("TPP", lab.tpp, d.tpp), ("DRAM bandwidth", lab.bandwidth, d.dramBandwidthGBps),
                ("memory", lab.memoryGB, d.memoryGB),
            ] {
                guard let measured, let declared else { continue }
                if !(abs(measured - declared) <= policy.declaredTolerance * abs(declared)) {
                    diffs.append("\(name) \(number(measured)) vs declared \(number(declared))")
                }
            }
            if !diffs.isEmpty {
                violate(
                    ViolationCode.labDeclaredMismatch,
                    "measured figures differ from the manifest's by more than \(number(policy.declaredTolerance * 100)) %: "
                        + diffs.joined(separator: ", "))
            }
        }
        let outside = lab.unitKeys.filter { !m.serialKeys.sortedContains($0) }.count
        if outside > 0 {
            violate(
                ViolationCode.labUnitsNotInManifest,
                "\(outside) of the \(lab.unitKeys.count) units tested at seq \(seq) are not in the manifest")
        }
        let covered = lab.unitKeys.count - outside
        // "all" means every unit the manifest ships: its quantity or its distinct serials, whichever is more.
        let needed = lab.samplingAll ? max(m.countedUnits, policy.minUnitsTested) : policy.minUnitsTested
        if covered < needed {
            violate(
                ViolationCode.labTooFewUnits,
                "the lab test at seq \(seq) covers \(covered) unit(s) of the manifest; at least \(needed) required")
        }
    }
}
