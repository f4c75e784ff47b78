import Foundation
import Testing
import TrailCompliance
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// Each test writes a ledger through the library and checks one shipment's status and violation codes.
@Suite struct ComplianceEvaluatorTests {
    @Test func aFullTrailIsCompliant() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        let seqs = try f.append(try f.trail())
        let r = try f.report()
        #expect(r.status == .compliant, "\(r.violations)")
        #expect(r.violations.isEmpty)
        #expect(r.missing.isEmpty)
        #expect(r.steps.map(\.name) == ["license", "supply-sufficiency", "lab-test", "customs-decision"])
        #expect(r.steps.allSatisfy { $0.done })
        #expect(r.steps[1].seqs == [seqs[0]])
        #expect(r.decision == "released")
        #expect(r.exporter == "Nvidia Export LLC")
        #expect(r.quantity == 4)
        #expect(r.manifestDigest == Digest.sha256Hex(Samples.manifest()))
        #expect(r.timeline.map(\.kind) == ["export-license", "supply-sufficiency", "lab-test", "customs-decision"])
        #expect(r.timeline[1].parties == ["Nvidia Export LLC"])
        #expect(r.timeline[1].roles == ["exporter"])
        #expect(r.timeline[2].summary.hasPrefix("pass: TPP 15832, 4800 GB/s"))
        #expect(try f.check().exitStatus() == 0)
    }

    @Test func labTPPOverTheLimit() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license(), try f.supply(), try f.lab(tpp: 22000), try f.customs()])
        let r = try f.report()
        #expect(r.status == .violation)
        #expect(r.codes.contains("lab-tpp-exceeded"), "\(r.codes)")
    }

    @Test func dramBandwidthOverTheLimit() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license(), try f.supply(), try f.lab(bandwidth: 6600), try f.customs()])
        let r = try f.report()
        #expect(r.status == .violation)
        #expect(r.codes.contains("lab-bandwidth-exceeded"), "\(r.codes)")
        #expect(!r.codes.contains("lab-tpp-exceeded"))
    }

    @Test func measuredFiguresFarFromTheDeclaredOnes() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license(), try f.supply(), try f.lab(tpp: 17000), try f.customs()])
        let r = try f.report()
        #expect(r.codes == ["lab-declared-mismatch"])
        // Within the 2 % tolerance is fine.
        let g = try ComplianceFixture()
        try g.append([try g.license(), try g.supply(), try g.lab(tpp: 16000), try g.customs()])
        #expect(try g.report().status == .compliant)
    }

    @Test func customsDecisionBeforeTheLabTest() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license(), try f.supply(), try f.customs(), try f.lab()])
        let r = try f.report()
        #expect(r.status == .violation)
        #expect(r.codes == ["customs-before-lab-test"])
    }

    @Test func labTestOfAnotherManifest() throws {
        let f = try ComplianceFixture()
        let other = Samples.manifest(quantity: 5)
        let seqs = try f.append([try f.license(), try f.supply(), try f.lab(manifest: other)])
        let r = try f.report()
        #expect(r.status == .violation)
        #expect(r.codes == ["manifest-mismatch"])
        #expect(r.violations[0].seqs == [seqs[1], seqs[2]])
        #expect(r.timeline.last?.summary.contains("other manifest") == true)
    }

    @Test func customsDecisionOnAnotherManifest() throws {
        let f = try ComplianceFixture()
        let other = try Samples.envelope(
            .customsDecision, manifest: Samples.manifest(quantity: 5), predicate: Samples.customs(),
            signers: [f.pki.customs])
        try f.append([try f.license(), try f.supply(), try f.lab(), other])
        let r = try f.report()
        #expect(r.status == .violation)
        #expect(r.codes == ["manifest-mismatch"])
        #expect(r.steps[3].done == false)
    }

    @Test func quantityOverTheLicenseMaximum() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license(max: 6)])
        try f.append(try f.trail(id: "SHP-0001", quantity: 4))
        try f.append(try f.trail(id: "SHP-0002", quantity: 4))
        let c = try f.check()
        #expect(c.shipments.map(\.id) == ["SHP-0001", "SHP-0002"])
        #expect(c.shipments[0].status == .compliant)
        #expect(c.shipments[1].status == .violation)
        #expect(c.shipments[1].codes == ["license-quantity-exceeded"])
    }

    @Test func destinationCapExceededAcrossShipments() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        // 50 % of 20 US units = 10: 4 + 4 fit, the third shipment crosses it.
        try f.append(try f.trail(id: "SHP-0001", quantity: 4, usShipped: 20))
        try f.append(try f.trail(id: "SHP-0002", quantity: 4, usShipped: 20))
        try f.append(try f.trail(id: "SHP-0003", quantity: 4, usShipped: 20))
        let c = try f.check()
        #expect(c.shipments.map(\.status) == [.compliant, .compliant, .violation])
        #expect(c.shipments[2].codes == ["destination-cap-exceeded"])
        #expect(c.exitStatus() == 2)
    }

    @Test func aLaterUSFigureRaisesTheCap() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        try f.append(try f.trail(id: "SHP-0001", quantity: 4, usShipped: 10))
        try f.append(try f.trail(id: "SHP-0002", quantity: 4, usShipped: 16))
        #expect(try f.check().shipments.map(\.status) == [.compliant, .compliant])
    }

    @Test func retractedFailingLabTestFollowedByAPassingOne() throws {
        let f = try ComplianceFixture()
        let seqs = try f.append([try f.license(), try f.supply(), try f.lab(result: "fail")])
        let failing = seqs[2]
        #expect(try f.report().codes == ["lab-test-failed"])
        let retraction = try Samples.envelope(
            .retraction, predicate: Samples.retraction(of: try f.lineHash(failing), reason: "instrument fault"),
            signers: [f.pki.lab])
        try f.append([retraction])
        #expect(try f.report().status == .pending)
        try f.append([try f.lab(), try f.customs()])
        let r = try f.report()
        #expect(r.status == .compliant, "\(r.violations)")
        let t = try #require(r.timeline.first(where: { $0.seq == failing }))
        #expect(t.retracted)
        #expect(r.timeline.contains(where: { $0.kind == "retraction" && $0.summary.hasPrefix("retracts seq \(failing)") }))
    }

    @Test func failingLabTestNotRetractedStaysAViolation() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license(), try f.supply(), try f.lab(result: "fail"), try f.lab(bandwidth: 4801), try f.customs()])
        #expect(try f.report().codes == ["lab-test-failed"])
    }

    @Test func customsHeld() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license(), try f.supply(), try f.lab(), try f.customs("held")])
        let r = try f.report()
        #expect(r.status == .held)
        #expect(r.decision == "held")
    }

    @Test func releasedAfterHeld() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license(), try f.supply(), try f.lab(), try f.customs("held")])
        try f.append([try f.customs("released")])
        let r = try f.report()
        #expect(r.status == .compliant)
        #expect(r.decision == "released")
        #expect(r.steps[3].seqs.count == 2)
    }

    @Test func customsReturned() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license(), try f.supply(), try f.lab(), try f.customs("returned")])
        let r = try f.report()
        #expect(r.status == .returned)
        #expect(r.decision == "returned")
    }

    @Test func noCustomsDecisionYet() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license(), try f.supply(), try f.lab()])
        let r = try f.report()
        #expect(r.status == .pending)
        #expect(r.missing == ["customs-decision"])
        #expect(try f.check().exitStatus() == 0)
    }

    @Test func customsInspecting() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license(), try f.supply(), try f.lab(), try f.customs("inspect")])
        let r = try f.report()
        #expect(r.status == .pending)
        #expect(r.decision == "inspect")
        #expect(r.missing == ["customs-decision"])
    }

    @Test func missingLicenseIsPendingUntilCustomsDecides() throws {
        let f = try ComplianceFixture()
        try f.append([try f.supply(), try f.lab()])
        let r = try f.report()
        #expect(r.status == .pending)
        #expect(r.missing == ["license", "customs-decision"])
        // Without a license requirement the license step is not missing.
        var p = Policy.h200
        p.requireLicense = false
        #expect(try f.report(policy: p).missing == ["customs-decision"])
        // A customs decision without any license recorded before it is a violation.
        try f.append([try f.customs()])
        #expect(try f.report().codes == ["customs-before-license"])
        #expect(try f.report(policy: p).status == .compliant)
    }

    @Test func exporterOrganisationDiffersFromTheManifest() throws {
        let f = try ComplianceFixture()
        let shadow = try f.pki.party(roles: [.exporter], subject: "CN=Export Desk,O=Shadow Exports Ltd,C=US")
        try f.register(shadow)
        try f.append([try f.license(), try f.supply(signer: shadow), try f.lab(), try f.customs()])
        let r = try f.report()
        #expect(r.status == .violation)
        #expect(r.codes == ["exporter-mismatch"])
        #expect(r.timeline.first(where: { $0.kind == "supply-sufficiency" })?.parties == ["Shadow Exports Ltd"])
    }

    @Test func aPolicyFileChangingMaxTPPChangesTheOutcome() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        try f.append(try f.trail())
        #expect(try f.report().status == .compliant)
        let dir = TempDir()
        let file = try dir.write("policy.json", "{\"maxTPP\":15000}")
        let policy = try Policy.load(json: try dir.read("policy.json"), file: file)
        let r = try f.report(policy: policy)
        #expect(r.status == .violation)
        #expect(r.codes == ["lab-tpp-exceeded"])
        #expect(try f.check(policy: policy).exitStatus() == 2)
    }

    @Test func aStatementThatFailedIntegrityIsListedButNotEvaluated() throws {
        let f = try ComplianceFixture()
        var forge = try LedgerForger(pki: f.pki)
        for p in [f.pki.regulator, f.pki.exporter, f.pki.lab, f.pki.customs] {
            forge.add(.certificate(cert: p.cert.der, chain: [f.pki.intermediate.der]), time: Samples.time(1))
        }
        forge.add(.statement(try f.license()), time: Samples.time(2))
        forge.add(.statement(try f.supply()), time: Samples.time(2))
        // A lab test signed by the customs key: role-not-permitted.
        let bad = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [f.pki.customs])
        forge.add(.statement(bad), time: Samples.time(3))
        let badSeq = forge.lines.count - 1
        try forge.checkpoint(time: Samples.time(4))
        try forge.write(to: f.path)
        let c = try f.check()
        #expect(!c.report.integrityOK)
        #expect(c.exitStatus() == 1)
        let r = try #require(c.shipments.first)
        // Never silently pending: a statement naming the shipment failed integrity.
        #expect(r.status == .unverifiable)
        #expect(r.unverifiableSeqs == [badSeq])
        #expect(r.unverifiableCodes == ["role-not-permitted"])
        #expect(r.missing == ["lab-test", "customs-decision"])
        let t = try #require(r.timeline.first(where: { $0.seq == badSeq }))
        #expect(!t.intact)
        #expect(t.kind == "lab-test")
        #expect(t.summary.contains("role-not-permitted"))
        #expect(r.steps[2].seqs.isEmpty)
    }

    @Test func anUnknownPredicateTypeIsNotEvaluated() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        try f.append(try f.trail())
        try f.append([try ComplianceSamples.unknownStatement(signers: [f.pki.auditor])])
        let r = try f.report()
        #expect(r.status == .compliant)
        let t = try #require(r.timeline.last)
        #expect(t.kind == "urn:example:buyer-receipt:v1")
        #expect(t.summary.contains("not evaluated"))
        #expect(t.intact)
    }

    @Test func anUnknownStatementAloneLeavesTheShipmentPending() throws {
        let f = try ComplianceFixture()
        try f.append([try ComplianceSamples.unknownStatement(signers: [f.pki.auditor])])
        let r = try f.report()
        #expect(r.status == .pending)
        #expect(r.violations.isEmpty)
    }

    @Test func aClaimSignedAfreshCountsOnce() throws {
        let f = try ComplianceFixture()
        let renewed = try f.pki.party(roles: [.exporter], subject: "CN=Renewed Officer,O=Nvidia Export LLC,C=US")
        try f.register(renewed)
        try f.append([try f.license(max: 6)])
        // The same attestation by two keys of the exporter: one shipment of 4, not 8.
        let seqs = try f.append([try f.supply(), try f.supply(signer: renewed), try f.lab(), try f.customs()])
        let r = try f.report()
        #expect(r.status == .compliant, "\(r.violations)")
        #expect(r.steps[1].seqs == [seqs[0]])
        #expect(r.timeline.first(where: { $0.seq == seqs[1] })?.summary.contains("counted once") == true)
    }

    @Test func labTestOfUnitsOutsideTheManifest() throws {
        let f = try ComplianceFixture()
        let stray = try Samples.envelope(
            .labTest, predicate: Samples.labTest(serials: ["H200-ELSEWHERE-9"]), signers: [f.pki.lab])
        try f.append([try f.license(), try f.supply(), stray, try f.customs()])
        #expect(try f.report().codes == ["lab-units-not-in-manifest", "lab-too-few-units"])
    }

    @Test func exitStatusIsTwoForAViolationAndZeroOtherwise() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        try f.append(try f.trail(id: "SHP-0001"))
        try f.append([try f.supply(id: "SHP-0002")])
        let ok = try f.check()
        #expect(ok.shipments.map(\.status) == [.compliant, .pending])
        #expect(ok.exitStatus() == 0)
        try f.append([try f.supply(id: "SHP-0003"), try f.lab(id: "SHP-0003", tpp: 22000)])
        let bad = try f.check()
        #expect(bad.shipments.map(\.status) == [.compliant, .pending, .violation])
        #expect(bad.exitStatus() == 2)
    }

    @Test func licenseForAnotherDestination() throws {
        let f = try ComplianceFixture()
        let lic = try Samples.envelope(
            .exportLicense, predicate: ComplianceSamples.license(destination: "MO"), signers: [f.pki.regulator])
        let seqs = try f.append([lic] + (try f.trail()))
        let r = try f.report()
        #expect(r.codes == ["license-mismatch"])
        #expect(r.violations[0].seqs == [seqs[0], seqs[1]])
    }

    @Test func shipmentAttestedAfterTheLicenseExpired() throws {
        let f = try ComplianceFixture()
        let lic = try Samples.envelope(
            .exportLicense, predicate: ComplianceSamples.license(validUntil: "2026-02-01T00:00:00Z"),
            signers: [f.pki.regulator])
        try f.append([lic] + (try f.trail()))
        #expect(try f.report().codes == ["license-not-valid"])
    }

    @Test func aLicenseAmendmentAppliesItsLatestTerms() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license(max: 4)])
        try f.append(try f.trail(id: "SHP-0001"))
        try f.append(try f.trail(id: "SHP-0002"))
        #expect(try f.check().shipments.map(\.status) == [.compliant, .violation])
        try f.append([try f.license(max: 8)])
        #expect(try f.check().shipments.map(\.status) == [.compliant, .compliant])
    }
}
