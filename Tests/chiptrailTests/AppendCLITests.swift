import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// `ledger append` takes its envelope files aside before ArgumentParser sees them (O(n²) in ArgumentParser);
/// whatever the order of files and options, the result is what ArgumentParser alone would give.
@Suite struct AppendCLITests {
    @Test func envelopeFilesBetweenOptionsKeepTheirOrder() throws {
        let w = try BundleCLITests.World()
        let p = w.pki
        let files = try [
            w.envelope("a", try Samples.envelope(.customsDecision, predicate: Samples.customs("held"), signers: [p.customs])),
            w.envelope("b", try Samples.envelope(.customsDecision, predicate: Samples.customs("inspect"), signers: [p.customs])),
            w.envelope("c", try Samples.envelope(.customsDecision, predicate: Samples.customs("returned"), signers: [p.customs])),
        ]
        let before = try FileIO.read(w.ledger).split(separator: 0x0A).count
        let r = try w.ok(["ledger", "append", w.ledger, files[0], "--operator-key", w.operatorKey, files[1], "--format=json", files[2]])
        let seqs = try JSONParser.parse(Array(r.stdout.utf8))["seqs"]?.arrayValue?.compactMap(\.intValue)
        #expect(seqs == (before...(before + 3)).map(Int64.init))
        let lines = try FileIO.read(w.ledger).split(separator: 0x0A).map(Array.init)
        for (i, f) in files.enumerated() {
            guard case .statement(let env) = try Record.parse(line: lines[before + i]).body else {
                Issue.record("seq \(before + i) is not a statement")
                continue
            }
            #expect(env == (try Envelope(json: try FileIO.read(f))))
        }
        #expect(try w.ok(["ledger", "verify", w.ledger, "--trust", w.root]).status == 0)
    }

    @Test func unknownOptionsAndHelpStillReachArgumentParser() throws {
        let w = try BundleCLITests.World()
        let env = try w.envelope("x", try Samples.envelope(.customsDecision, predicate: Samples.customs("held"), signers: [w.pki.customs]))
        let bad = try chiptrail(["ledger", "append", w.ledger, env, "--operator-key", w.operatorKey, "--bogus"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--bogus"))
        let help = try chiptrail(["ledger", "append", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--operator-key"))
        // Nothing was appended by the refused command.
        #expect(try chiptrail(["ledger", "append", w.ledger, "--operator-key", w.operatorKey, env]).status == 0)
    }
}
