import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// The bulk-append fast paths: statement lines assembled around the envelope's canonical JSON, and the key table's
/// journal that stands in for syncing the whole table.
@Suite struct AppendPathTests {
    @Test func appendedLinesAreTheRecordsCanonicalForm() throws {
        let f = try LedgerFixture.withShipment()
        for (seq, line) in try f.lines.enumerated() {
            let r = try Record.parse(line: line)
            #expect(r.line == line, "seq \(seq)")
        }
        #expect(!(try f.verify(strict: true).findings.contains { $0.code == "non-canonical" }))
    }

    /// After a system crash the key table may have lost pages written since its last full sync; the journal
    /// restores them, so a duplicate is still refused.
    @Test func keyTableJournalIsReplayedAfterAReboot() throws {
        let f = try LedgerFixture()
        try f.registerParties()
        let keysBefore = try f.dir.read("ledger.jsonl.idx.keys")
        let env = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [f.pki.lab])
        try f.append([.envelope(env)])
        #expect(try f.dir.read("ledger.jsonl.idx.keys.journal").count > 0)
        // The table as it was before the append (its pages lost), and a state saved under another boot.
        _ = try f.dir.write("ledger.jsonl.idx.keys", bytes: keysBefore, mode: 0o644)
        let state = try f.dir.read("ledger.jsonl.idx")
        let body = Array(state[..<(state.dropLast().lastIndex(of: 0x0A)!)])
        var json = try #require(try JSONParser.parse(body).objectValue)
        #expect(json["keysJournalBoot"]?.stringValue != nil)
        json["keysJournalBoot"] = .string("another-boot")
        let newBody = JCS.serialize(.object(json))
        _ = try f.dir.write("ledger.jsonl.idx", bytes: newBody + [0x0A] + Array(Digest.sha256Hex(newBody).utf8) + [0x0A], mode: 0o644)
        #expect(thrownCode { try f.append([.envelope(env)]) } == "duplicate-statement")
        try f.append([.envelope(try Samples.envelope(.customsDecision, predicate: Samples.customs(), signers: [f.pki.customs]))])
        #expect(try f.verify().errors.isEmpty)
    }
}
