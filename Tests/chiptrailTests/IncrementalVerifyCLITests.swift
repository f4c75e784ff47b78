import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// Issue 17: `ledger verify --state` resumes after the verified prefix and reports exactly what a full run reports;
/// a STATE that does not fit the ledger, the anchors or the policy is refused with a stable code.
@Suite struct IncrementalVerifyCLITests {
    /// A ledger verified once with `--state`, then grown by appends that touch the prefix's statements: a
    /// retraction of a prefix statement, a duplicate of one, a later decision about an old shipment, a CRL revoking a
    /// key after its earlier statements, and a new license statement that lowers the maximum of every old shipment.
    final class Grown {
        let pki: PartyPKI
        let dir = TempDir()
        let ledger: String
        let state: String
        let root: String
        var forge: LedgerForger
        /// Records in the prefix the state was written after.
        let prefixRecords: Int

        init() throws {
            pki = try PartyPKI()
            ledger = dir.file("ledger.jsonl")
            state = dir.file("ledger.state")
            root = try dir.write("root.pem", pki.root.pem, mode: 0o644)
            var f = try LedgerForger(pki: pki)
            let p = pki
            for (i, party) in [p.regulator, p.exporter, p.lab, p.customs].enumerated() {
                f.add(.certificate(cert: party.cert.der, chain: [p.intermediate.der]), time: Samples.time(1 + i))
            }
            func add(_ kind: PredicateKind, _ id: String, _ predicate: JSONValue, _ by: TestParty, _ t: Int) throws {
                let env = try Samples.envelope(kind, manifest: Samples.manifest(id: id), predicate: predicate, signers: [by])
                f.add(.statement(env), time: Samples.time(t))
            }
            try add(.exportLicense, "", Samples.license(max: 100), p.regulator, 10)  // seq 5
            try add(.supplySufficiency, "SHP-0001", Samples.supply(), p.exporter, 11)  // 6
            try add(.labTest, "SHP-0001", Samples.labTest(serials: ["H200-SHP-0001-1"]), p.lab, 12)  // 7
            try add(.customsDecision, "SHP-0001", Samples.customs(), p.customs, 13)  // 8
            try add(.supplySufficiency, "SHP-0002", Samples.supply(), p.exporter, 14)  // 9
            try add(.labTest, "SHP-0002", Samples.labTest(serials: ["H200-SHP-0002-1"]), p.lab, 15)  // 10
            try add(.supplySufficiency, "SHP-0003", Samples.supply(), p.exporter, 16)  // 11
            try f.checkpoint(time: Samples.time(17))  // 12
            try f.write(to: ledger)
            prefixRecords = f.lines.count
            forge = f
        }

        /// Appends the new records (the prefix's bytes stay as they are).
        func grow() throws {
            let p = pki
            var f = forge
            func add(_ kind: PredicateKind, _ id: String, _ predicate: JSONValue, _ by: TestParty, _ t: Int) throws {
                let env = try Samples.envelope(kind, manifest: Samples.manifest(id: id), predicate: predicate, signers: [by])
                f.add(.statement(env), time: Samples.time(t))
            }
            try add(.retraction, "SHP-0002", Samples.retraction(of: Digest.sha256Hex(f.lines[10])), p.lab, 20)  // 13
            try add(.customsDecision, "SHP-0002", Samples.customs(), p.customs, 21)  // 14
            f.add(f.lines[11].withSeq(f.lines.count, prev: Digest.sha256Hex(f.lines.last!), time: "2026-03-01T00:22:00.000Z"))  // 15
            f.add(.crl(try p.crl(revoking: [p.lab.cert]).der), time: Samples.time(23))  // 16
            try add(.supplySufficiency, "SHP-0004", Samples.supply(), p.exporter, 24)  // 17
            try add(.labTest, "SHP-0004", Samples.labTest(serials: ["H200-SHP-0004-1"]), p.lab, 25)  // 18: revoked
            try add(.exportLicense, "", Samples.license(max: 8), p.regulator, 26)  // 19
            try f.checkpoint(time: Samples.time(27))
            try f.write(to: ledger)
            forge = f
        }

        func verify(_ extra: [String] = [], state: Bool = true, format: String = "json") throws -> ProcessResult {
            try chiptrail(
                ["ledger", "verify", ledger, "--trust", root, "--format", format] + (state ? ["--state", self.state] : []) + extra)
        }
    }

    static func object(_ s: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any])
    }

    static func sameJSON(_ a: [String: Any], _ b: [String: Any]) -> Bool {
        NSDictionary(dictionary: a).isEqual(to: b)
    }

    @Test func aResumedRunReportsExactlyWhatAFullRunReports() throws {
        let g = try Grown()
        let first = try g.verify()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try Self.object(first.stdout)["resumedFrom"] == nil)
        try g.grow()
        let stateAfterPrefix = try FileIO.read(g.state)
        let resumed = try g.verify()
        let full = try g.verify(state: false)
        #expect(resumed.status == full.status)
        #expect(full.status == 1)  // the duplicate and the revoked signer
        var r = try Self.object(resumed.stdout)
        #expect(r.removeValue(forKey: "resumedFrom") as? Int == g.prefixRecords)
        let f = try Self.object(full.stdout)
        #expect(Self.sameJSON(r, f), "resumed:\n\(resumed.stdout)\nfull:\n\(full.stdout)")
        let codes = (f["errors"] as? [[String: Any]] ?? []).map { "\($0["code"]!)@\($0["seq"]!)" }
        #expect(codes == ["duplicate-statement@15", "signer-revoked@18"])
        let shipments = (f["shipments"] as? [[String: Any]] ?? []).map { "\($0["id"]!) \($0["status"]!)" }
        // SHP-0002: its lab test retracted after the prefix, so its new release precedes every lab test; SHP-0003: named
        // by no new statement, but over the license's new maximum (a ledger-wide rule); SHP-0004: over it too.
        #expect(shipments == ["SHP-0001 compliant", "SHP-0002 violation", "SHP-0003 violation", "SHP-0004 violation"])
        let violations = (f["shipments"] as? [[String: Any]] ?? []).map { ($0["violations"] as? [[String: Any]] ?? []).map { "\($0["code"]!)" } }
        #expect(violations == [[], ["customs-before-lab-test"], ["license-quantity-exceeded"], ["license-quantity-exceeded"]])

        // The text report too, but for the resumed line; and the STATE written after the resumed run resumes again.
        try FileIO.writeAtomically(stateAfterPrefix, to: g.state, overwrite: true)
        let resumedText = try g.verify(format: "text")
        let fullText = try g.verify(state: false, format: "text")
        #expect(resumedText.status == fullText.status)
        let lines = resumedText.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.filter { $0.hasPrefix("resumed ") }.count == 1)
        #expect(lines.filter { !$0.hasPrefix("resumed ") }.joined(separator: "\n") == fullText.stdout)
        let again = try g.verify()
        var a = try Self.object(again.stdout)
        #expect(a.removeValue(forKey: "resumedFrom") as? Int == g.forge.lines.count)
        #expect(Self.sameJSON(a, f))
    }

    /// Runs `verify` and returns (exit status, error code, seq) from the JSON error on stderr.
    static func refusal(_ r: ProcessResult) throws -> (Int32, String?, Int?) {
        let line = try #require(r.stderr.split(separator: "\n").last.map(String.init), "no error: \(r.stdout)")
        let e = try Self.object(line)["error"] as? [String: Any]
        return (r.status, e?["code"] as? String, e?["seq"] as? Int)
    }

    static func expectRefusal(
        _ r: ProcessResult, _ status: Int32, _ code: String, _ seq: Int?, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let (s, c, q) = try refusal(r)
        #expect(s == status, sourceLocation: sourceLocation)
        #expect(c == code, "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(q == seq, sourceLocation: sourceLocation)
    }

    @Test func aStateThatDoesNotFitIsRefusedWithItsCode() throws {
        let g = try Grown()
        #expect(try g.verify().status == 0)
        try g.grow()
        let good = try FileIO.read(g.ledger)
        let state = try FileIO.read(g.state)
        func withLedger(_ bytes: [UInt8], _ body: () throws -> Void) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: g.ledger))
            try body()
            try Data(good).write(to: URL(fileURLWithPath: g.ledger))
        }
        let offsets = good.indices.filter { good[$0] == 0x0A }.map { $0 + 1 }  // offset after each line
        // A byte changed in record 7 of the prefix: an integrity failure at seq 7, not a silent full re-run.
        var changed = good
        let at = offsets[6] + 40
        changed[at] = changed[at] == 0x41 ? 0x42 : 0x41
        try withLedger(changed) { try Self.expectRefusal(try g.verify(), 1, "state-prefix-mismatch", 7) }
        // Cut inside record 9.
        try withLedger(Array(good[..<(offsets[8] + 10)])) {
            try Self.expectRefusal(try g.verify(), 1, "state-prefix-truncated", 9)
        }
        // Another ledger (another origin in its genesis).
        var other = g.forge
        let g0 = try Record.parse(line: other.lines[0])
        guard case .genesis(var gen) = g0.body else { Issue.record("no genesis"); return }
        gen.origin = "other.example/ledger"
        other.lines[0] = Record(seq: 0, time: g0.time, prev: nil, body: .genesis(gen)).line
        try withLedger(other.lines.flatMap { $0 + [0x0A] }) {
            try Self.expectRefusal(try g.verify(), 64, "state-origin-mismatch", 0)
        }
        // Other anchors, another policy.
        let otherRoot = try g.dir.write("other-root.pem", try PartyPKI().root.pem, mode: 0o644)
        try Self.expectRefusal(try g.verify(["--trust", otherRoot]), 64, "state-anchors-mismatch", nil)
        let policy = try g.dir.write("policy.json", #"{"maxTPP":20000}"#, mode: 0o644)
        try Self.expectRefusal(try g.verify(["--policy", policy]), 64, "state-policy-mismatch", nil)
        // A damaged STATE, and one of another format version (the version word follows the 8-byte signature).
        var corrupt = state
        corrupt[corrupt.count / 2] ^= 0x01
        try Data(corrupt).write(to: URL(fileURLWithPath: g.state))
        try Self.expectRefusal(try g.verify(), 65, "state-corrupt", nil)
        var foreign = state
        foreign[8] = 2
        try Data(foreign).write(to: URL(fileURLWithPath: g.state))
        try Self.expectRefusal(try g.verify(), 65, "state-version-unsupported", nil)
        try Data("{\"records\":1}\n".utf8).write(to: URL(fileURLWithPath: g.state))
        try Self.expectRefusal(try g.verify(), 65, "state-corrupt", nil)
        // Refusals leave the STATE as it was; the intact one still resumes.
        try Data(state).write(to: URL(fileURLWithPath: g.state))
        #expect(try g.verify().status == 1)
    }
}

extension Array where Element == UInt8 {
    /// A copy of this record line at another position (seq, prev and time replaced): the same envelope again.
    func withSeq(_ seq: Int, prev: String, time: String) -> [UInt8] {
        let r = try! Record.parse(line: self)
        return Record(seq: seq, time: LedgerTime(time)!, prev: prev, body: r.body).line
    }
}
