import Foundation
import Testing
import TrailTestSupport

/// An independent verifier (interop/verify_ledger.py: Python + pyca/cryptography, written from SPEC.md,
/// sharing no code with chiptrail) agrees with chiptrail on the sample and on a fresh demo ledger:
/// same RFC 6962 root, every DSSE signature, every C2SP checkpoint and cosignature.
@Suite struct IndependentVerifierTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    func python(_ ledger: String, _ root: String) throws -> ProcessResult {
        try runProcess("/usr/bin/env", ["python3", Self.repo + "/interop/verify_ledger.py", ledger, root])
    }

    func chiptrailRoot(_ ledger: String, _ root: String) throws -> String {
        let r = try chiptrail(["ledger", "verify", ledger, "--trust", root, "--format", "json"])
        let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(o["integrity"] as? String == "ok")
        return o["root"] as! String
    }

    @Test func sampleLedger() throws {
        let ledger = Self.repo + "/Ledger/h200-sample.jsonl"
        let root = Self.repo + "/Keys/root.pem"
        let r = try python(ledger, root)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("OK: 55 records, root \(try chiptrailRoot(ledger, root))"))
        #expect(r.stdout.contains("1 cosignatures"))
    }

    @Test func freshDemoLedgerAndATamperedCopy() throws {
        let dir = TempDir()
        let demo = try chiptrail(["demo", "--dir", dir.path + "/demo"])
        #expect(demo.status == 0 || demo.status == 2, "\(demo.stderr)")
        let ledger = dir.path + "/demo/ledger.jsonl"
        let root = dir.path + "/demo/root.pem"
        let r = try python(ledger, root)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("root \(try chiptrailRoot(ledger, root))"))

        // Flip one signature byte of a statement: both verifiers refuse it.
        var lines = try String(contentsOfFile: ledger, encoding: .utf8).split(separator: "\n").map(String.init)
        let i = lines.firstIndex { $0.contains("\"type\":\"statement\"") }!
        let sig = lines[i].range(of: "\"sig\":\"")!.upperBound
        let c = lines[i][sig]
        lines[i].replaceSubrange(sig...sig, with: c == "A" ? "B" : "A")
        let bad = try dir.write("bad.jsonl", lines.joined(separator: "\n") + "\n")
        let p = try python(bad, root)
        #expect(p.status == 1)
        #expect(p.stdout.contains("line \(i + 1): DSSE signature"))
        let v = try chiptrail(["ledger", "verify", bad, "--trust", root])
        #expect(v.status == 1)
        #expect(v.stdout.contains("seq \(i): error[signature-invalid]"))
    }
}
