import Foundation
import Testing
import TrailCompliance
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// The report's account of who signed and who was revoked (`ReportContext`, read beside the verifier) agrees with
/// the verifier's own trust state.
@Suite struct ReportSignerTests {
    /// Every registered certificate's revocation seq, as the verifier's `TrustState` has it.
    static func verifierRevocations(_ path: String, trust: [Certificate]) throws -> [String: Int?] {
        let v = LedgerVerifier(path: path, options: VerifyOptions(trust: trust))
        _ = try v.run()
        let state = try #require(v.trustState)
        return state.certificates.mapValues(\.revokedAt)
    }

    @Test func theSampleAgreesWithTheVerifier() throws {
        let root = try Certificate.load(file: ReportTests.repo + "/Keys/root.pem")
        let context = try ReportContext.collect(path: ReportTests.sample, trust: root)
        let verifier = try Self.verifierRevocations(ReportTests.sample, trust: root)
        #expect(Set(context.signers.map(\.fingerprint)) == Set(verifier.keys))
        for s in context.signers { #expect(s.revocation?.crlSeq == verifier[s.fingerprint] ?? nil, "\(s.ref) \(s.subject)") }
        #expect(context.signers.contains { $0.revocation != nil }, "the sample revokes its retired lab key")
        #expect(context.anchors.map(\.fingerprint) == root.map(\.fingerprint))
        #expect(context.anchors.allSatisfy { $0.inGenesis && $0.given })
    }

    /// The issuing CA revokes the lab's certificate after it signed SHP-0001's test: the report flags that
    /// statement with the CRL record's seq, and SHP-0001 (compliant) is shown in full.
    @Test func aRevocationAfterSigningIsFlaggedOnTheStatement() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()] + (try f.trail()))
        let crlSeq = try f.append(items: [.crl(try f.pki.crl(revoking: [f.pki.lab.cert]))])[0]
        let check = try f.check()
        #expect(check.report.integrityOK, "\(check.report.findings)")
        let context = try ReportContext.collect(path: f.path, trust: [f.pki.root])
        let verifier = try Self.verifierRevocations(f.path, trust: [f.pki.root])
        for s in context.signers { #expect(s.revocation?.crlSeq == verifier[s.fingerprint] ?? nil, "\(s.ref) \(s.subject)") }
        let lab = try #require(context.signers.first { $0.fingerprint == f.pki.lab.cert.fingerprint })
        let rev = try #require(lab.revocation)
        #expect(rev.crlSeq == crlSeq)
        #expect(rev.viaIssuer == nil)
        #expect(rev.revocationDate == PartyPKI.notBefore)
        #expect(lab.serialHex == f.pki.lab.cert.serialHex && lab.issuer == f.pki.intermediate.subject.string)
        #expect(lab.issuerFingerprint == f.pki.intermediate.fingerprint)

        let shipment = try #require(check.shipments.first { $0.id == "SHP-0001" })
        #expect(shipment.status == .compliant)
        let labSeq = try #require(shipment.steps.first { $0.name == "lab-test" }?.seqs.first)
        #expect(context.signers(ofStatementAt: labSeq).map { $0?.fingerprint } == [f.pki.lab.cert.fingerprint])
        let html = HTMLReport.render(check, ledger: "ledger.jsonl", context: context)
        let card = try #require(html.range(of: "<article class=\"shipment\" id=\"shipment-SHP-0001\" data-id=\"SHP-0001\" data-status=\"compliant\">"))
        let text = String(html[card.lowerBound...]).components(separatedBy: "</article>")[0]
        #expect(text.contains("⚠ revoked after this statement by the CRL record at seq \(crlSeq) ("))
        #expect(context.signers.filter { $0.revocation != nil }.map(\.fingerprint) == [f.pki.lab.cert.fingerprint])
        #expect(text.contains("reason not given"))
    }
}
