import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// The sidecar index after an append killed between its durable ledger write and the index's state file:
/// the key table already holds the batch's entries while the state still describes the ledger before it.
@Suite struct IndexRecoveryTests {
    @Test func appendKilledBeforeTheIndexStateWasSaved() throws {
        let f = try LedgerFixture()
        try f.registerParties()
        let stateBefore = try f.dir.read("ledger.jsonl.idx")
        let first = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [f.pki.lab])
        try f.append([.envelope(first)])
        // Roll the state file back, as if the process died just before replacing it.
        _ = try f.dir.write("ledger.jsonl.idx", bytes: stateBefore, mode: 0o644)
        // Catching up must not take the batch's own key-table entries for earlier statements (found by the
        // crash harness: the next append was refused as `ledger-invalid` / `duplicate-statement`).
        let second = try Samples.envelope(.customsDecision, predicate: Samples.customs(), signers: [f.pki.customs])
        try f.append([.envelope(second)])
        #expect(try f.verify().errors.isEmpty)
        // A real duplicate is still refused.
        #expect(thrownCode { try f.append([.envelope(first)]) } == "duplicate-statement")
    }
}
