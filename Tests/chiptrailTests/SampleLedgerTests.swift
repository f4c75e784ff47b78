import Foundation
import Testing
import TrailTestSupport

/// The README's main command on the committed sample: intact, every status present, exit 2 for the one
/// shipment in violation; `--shipment` narrows to one; JSON per README.md "Commands".
@Suite struct SampleLedgerTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    let ledger = SampleLedgerTests.repo + "/Ledger/h200-sample.jsonl"
    let root = SampleLedgerTests.repo + "/Keys/root.pem"

    @Test func readmeMainCommand() throws {
        let r = try chiptrail(["ledger", "verify", ledger, "--trust", root])
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("integrity  ok"))
        #expect(r.stdout.contains("witnesses: Independent_Auditor_1"))
        for (id, status) in [("SHP-2026-0001", "compliant"), ("SHP-2026-0002", "pending"), ("SHP-2026-0003", "held"),
            ("SHP-2026-0004", "returned"), ("SHP-2026-0005", "violation"), ("SHP-2026-0006", "compliant"),
            ("SHP-2026-0007", "pending")]
        {
            #expect(r.stdout.contains("\(id)  \(status)"), "\(id) should be \(status)")
        }
        #expect(r.stdout.contains("[lab-tpp-exceeded]"))
    }

    @Test func oneShipmentAsJSON() throws {
        let ok = try chiptrail(["ledger", "verify", ledger, "--trust", root, "--shipment", "SHP-2026-0001", "--format", "json"])
        #expect(ok.status == 0, "a compliant shipment alone exits 0")
        let o = try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as! [String: Any]
        #expect(o["integrity"] as? String == "ok")
        #expect(o["records"] as? Int == 55)
        #expect(o["treeSize"] as? Int == 55)
        #expect((o["root"] as? String)?.count == 64)
        let shipments = o["shipments"] as! [[String: Any]]
        #expect(shipments.count == 1)
        #expect(shipments[0]["id"] as? String == "SHP-2026-0001")
        #expect(shipments[0]["status"] as? String == "compliant")
        #expect((shipments[0]["violations"] as? [Any])?.isEmpty == true)
        let bad = try chiptrail(["ledger", "verify", ledger, "--trust", root, "--shipment", "SHP-2026-0005", "--format", "json"])
        #expect(bad.status == 2)
        let unknown = try chiptrail(["ledger", "verify", ledger, "--trust", root, "--shipment", "NOPE"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("error[unknown-shipment]"))
    }

    @Test func timelineOfOneShipment() throws {
        let r = try chiptrail(["ledger", "show", ledger, "--shipment", "SHP-2026-0006", "--trust", root])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("shipment SHP-2026-0006: compliant\n"))
        #expect(r.stdout.contains("[retracted]"))
        #expect(r.stdout.contains("retraction"))
        let missingTrust = try chiptrail(["ledger", "verify", ledger])
        #expect(missingTrust.status == 64)
        #expect(missingTrust.stderr.contains("error[no-trust-anchor]"))
    }
}
