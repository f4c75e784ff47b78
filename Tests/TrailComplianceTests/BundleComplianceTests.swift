import Foundation
import Testing
import TrailCompliance
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// A ledger with every party registered, a license and shipments SHP-0001 (released) and SHP-0002 (held).
struct ShipmentLedger {
    let pki: PartyPKI
    let dir = TempDir()
    let path: String
    private var minute = 1

    init() throws {
        pki = try PartyPKI()
        path = dir.file("ledger.jsonl")
        let p = pki
        try p.initializeLedger(at: path)
        try append([p.regulator, p.exporter, p.lab, p.customs, p.auditor].map { .certificate($0.cert, chain: [p.intermediate]) })
        let second = Samples.manifest(id: "SHP-0002")
        try append([
            .envelope(try Samples.envelope(.exportLicense, predicate: Samples.license(), signers: [p.regulator])),
            .envelope(try Samples.envelope(.supplySufficiency, predicate: Samples.supply(), signers: [p.exporter])),
            .envelope(try Samples.envelope(.supplySufficiency, manifest: second, predicate: Samples.supply(), signers: [p.exporter])),
        ])
        try append([
            .envelope(try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [p.lab])),
            .envelope(try Samples.envelope(.labTest, manifest: second, predicate: Samples.labTest(serials: ["H200-SHP-0002-1"]), signers: [p.lab])),
        ])
        try append([
            .envelope(try Samples.envelope(.customsDecision, predicate: Samples.customs(), signers: [p.customs])),
            .envelope(try Samples.envelope(.customsDecision, manifest: second, predicate: Samples.customs("held"), signers: [p.customs])),
        ])
    }

    @discardableResult
    mutating func append(_ items: [AppendItem]) throws -> AppendResult {
        minute += 1
        return try Ledger.append(path: path, operatorKey: pki.operatorParty.key, items: items, time: Samples.time(minute))
    }

    func check(policy: Policy = .h200) throws -> LedgerCheck {
        try LedgerCheck.run(path: path, options: VerifyOptions(trust: [pki.root]), policy: policy)
    }
}

/// A bundle's compliance status is computed from the bundle alone, as the ledger computes it.
@Suite struct BundleComplianceTests {
    @Test func bundleStatusIsTheLedgerStatusWithoutTheLedger() throws {
        let l = try ShipmentLedger()
        let full = try l.check()
        #expect(full.report.integrityOK, "\(full.report.findings)")
        for id in ["SHP-0001", "SHP-0002"] {
            let bundle = try ProofBundle.build(ledger: l.path, shipment: id)
            let b = BundleCheck.run(bundle: try ProofBundle(json: bundle.serialized), trust: [l.pki.root], policy: .h200)
            #expect(b.verification.integrityOK, "\(b.verification.findings)")
            let ledgerView = full.shipments.first { $0.id == id }
            #expect(b.shipment?.status == ledgerView?.status)
            #expect(b.shipment?.violations == ledgerView?.violations)
            #expect(b.exitStatus == (ledgerView?.status == .violation ? 2 : 0))
        }
    }

    @Test func bundleCarriesEveryStatementTheEvaluatorNeeds() throws {
        let l = try ShipmentLedger()
        var perShipment: [String: [Int]] = [:]
        let verifier = LedgerVerifier(path: l.path, options: VerifyOptions(trust: [l.pki.root]))
        verifier.onStatement = { s in
            if let name = s.checked?.subjectName { perShipment[name, default: []].append(s.seq) }
        }
        _ = try verifier.run()
        let b = BundleCheck.run(bundle: try ProofBundle.build(ledger: l.path, shipment: "SHP-0001"), trust: [l.pki.root], policy: .h200)
        let seqs = b.verification.statements.map(\.seq)
        #expect(seqs == (perShipment["license:LIC-2026-001"]! + perShipment["shipment:SHP-0001"]!).sorted())
    }

    @Test func requiredWitnessesFailBeforeAndPassAfterCosigning() throws {
        var l = try ShipmentLedger()
        var policy = Policy.h200
        policy.requiredWitnesses = 1
        let before = try l.check(policy: policy)
        #expect(before.report.errors.map(\.code) == ["insufficient-witnesses"])
        #expect(before.exitStatus() == 1)
        let bundleBefore = BundleCheck.run(bundle: try ProofBundle.build(ledger: l.path, shipment: "SHP-0001"), trust: [l.pki.root], policy: policy)
        #expect(bundleBefore.verification.errors.map(\.code) == ["insufficient-witnesses"])

        let note = try Witness.cosign(ledger: l.path, key: l.pki.auditor.key, cert: l.pki.auditor.cert, trust: [l.pki.root])
        try l.append([.cosignature(checkpoint: try Witness.checkpointSeq(ledger: l.path, note: note), note: note)])
        let after = try l.check(policy: policy)
        #expect(after.report.integrityOK, "\(after.report.findings)")
        #expect(after.report.latestCheckpoint?.witnessNames == ["Independent_Auditor"])
        let bundleAfter = BundleCheck.run(bundle: try ProofBundle.build(ledger: l.path, shipment: "SHP-0001"), trust: [l.pki.root], policy: policy)
        #expect(bundleAfter.verification.integrityOK, "\(bundleAfter.verification.findings)")
        #expect(bundleAfter.verification.witnessNames == ["Independent_Auditor"])
    }
}
