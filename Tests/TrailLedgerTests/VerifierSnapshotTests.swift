import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// `VerifierSnapshot` (issue 17): the integrity verifier resumed after a snapshot reports what a full run reports, and
/// refuses a ledger whose verified prefix changed.
@Suite struct VerifierSnapshotTests {
    @Test func resumingAfterASnapshotReportsWhatAFullRunReports() throws {
        let pki = try PartyPKI()
        let dir = TempDir()
        let path = dir.file("l.jsonl")
        var f = try LedgerForger(pki: pki)
        f.add(.certificate(cert: pki.lab.cert.der, chain: [pki.intermediate.der]), time: Samples.time(1))
        let env = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [pki.lab])
        f.add(.statement(env), time: Samples.time(2))
        try f.checkpoint(time: Samples.time(3))
        try f.write(to: path)
        let options = VerifyOptions(trust: [pki.root])
        let first = LedgerVerifier(path: path, options: options)
        first.captureSnapshot()
        _ = try first.run()
        // The snapshot survives its encoding.
        let snap = try VerifierSnapshot(encoded: first.snapshot().encoded()[...])
        #expect(snap.records == 4)
        // Appended: the same statement again (a duplicate of a prefix statement), a CRL, a statement by the revoked key.
        f.add(.statement(env), time: Samples.time(4))
        f.add(.crl(try pki.crl(revoking: [pki.lab.cert]).der), time: Samples.time(5))
        f.add(.statement(try Samples.envelope(.labTest, predicate: Samples.labTest(tpp: 1), signers: [pki.lab])), time: Samples.time(6))
        try f.write(to: path)
        let resumed = try LedgerVerifier(path: path, options: options, resuming: snap).run()
        let full = try LedgerVerifier(path: path, options: options).run()
        #expect(resumed.findings == full.findings)
        #expect(full.findings.map { "\($0.code)@\($0.seq)" } == ["duplicate-statement@4", "signer-revoked@6", "uncheckpointed-tail@4"])
        #expect((resumed.records, resumed.root, resumed.latestCheckpoint) == (full.records, full.root, full.latestCheckpoint))

        // A changed byte in record 2 of the prefix: refused at seq 2.
        var lines = f.lines
        lines[2][lines[2].count / 2] ^= 0x01
        try Data(lines.flatMap { $0 + [0x0A] }).write(to: URL(fileURLWithPath: path))
        #expect(throws: TrailError.self) { try LedgerVerifier(path: path, options: options, resuming: snap) }
        do {
            _ = try LedgerVerifier(path: path, options: options, resuming: snap)
        } catch let e as TrailError {
            #expect(e.code == "state-prefix-mismatch")
            #expect(e.seq == 2)
            #expect(e.category == .integrity)
        }
    }
}
