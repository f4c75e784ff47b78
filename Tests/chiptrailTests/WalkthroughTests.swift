import Foundation
import Testing
import TrailCrypto
import TrailTestSupport

/// Runs the README's walkthrough block verbatim (`bash -euo pipefail`, in an empty directory, with the built
/// `chiptrail` first on PATH), then checks its results independently and tampers with a copy of the ledger.
@Suite struct WalkthroughTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md").path
    static let marker = "<!-- walkthrough:"

    /// The fenced `sh` block that follows the walkthrough marker in the README, without its fences.
    static func walkthroughBlock(_ readme: String) throws -> String {
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let m = lines.firstIndex(where: { $0.hasPrefix(marker) }), m + 1 < lines.count, lines[m + 1] == "```sh",
            let end = lines[(m + 2)...].firstIndex(of: "```")
        else { throw NSError(domain: "README", code: 1, userInfo: [NSLocalizedDescriptionKey: "no walkthrough block after \(marker)"]) }
        return lines[(m + 2)..<end].joined(separator: "\n") + "\n"
    }

    @Test func theBlockIsFoundAndHoldsEveryStep() throws {
        let block = try Self.walkthroughBlock(try String(contentsOfFile: Self.readme, encoding: .utf8))
        for step in [
            "chiptrail ca init", "chiptrail ledger init", "chiptrail attest lab-test", "chiptrail ca revoke", "chiptrail ledger cosign",
            "--cert auditor.pem", "--cosignature cosigned.txt", "chiptrail bundle verify", "chiptrail report ",
        ] {
            #expect(block.contains(step), "the walkthrough lost its \(step) step")
        }
        #expect(!block.contains("…"), "the walkthrough is abridged")
        #expect(throws: (any Error).self) { try Self.walkthroughBlock("# no block\n```sh\necho\n```\n") }
    }

    @Test func walkthroughRunsAndTamperingIsCaught() throws {
        let dir = TempDir()
        let w = dir.path + "/w"
        try FileManager.default.createDirectory(atPath: w, withIntermediateDirectories: true)
        let script = try dir.write("walkthrough.sh", try Self.walkthroughBlock(try String(contentsOfFile: Self.readme, encoding: .utf8)))
        let bin = (chiptrailPath as NSString).deletingLastPathComponent
        let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let r = try runProcess("/bin/bash", ["-euo", "pipefail", script], environment: ["PATH": path], cwd: w)
        #expect(r.status == 0, "the README walkthrough failed:\n\(r.stderr.suffix(3000))")
        // Every statement landed and the ledger verifies, with the CRL recorded after them.
        #expect(r.stdout.contains("appended seq 2…11 to ledger.jsonl; tree size 12"))
        #expect(r.stdout.contains("integrity  ok"))
        #expect(r.stdout.contains("SHP-0001  compliant"))
        #expect(r.stdout.contains("witnesses: Independent_Auditor"))
        #expect(r.stdout.contains("status     compliant"), "the bundle alone says compliant")
        let html = try String(contentsOfFile: dir.path + "/w/report.html", encoding: .utf8)
        // The lab's certificate was revoked after it signed SHP-0001's lab test: the report shows that shipment in
        // full and flags the signature with the CRL record's seq and the reason.
        #expect(html.contains("<article class=\"shipment\" id=\"shipment-SHP-0001\" data-id=\"SHP-0001\" data-status=\"compliant\">"))
        let crlLine = try #require(
            String(contentsOfFile: w + "/ledger.jsonl", encoding: .utf8).split(separator: "\n").firstIndex { $0.contains("\"type\":\"crl\"") })
        #expect(html.contains("revoked after this statement by the CRL record at seq \(crlLine) ("), "the CRL is at seq \(crlLine)")
        #expect(html.contains("reason keyCompromise"))
        // The stock openssl CLI agrees with the chain and the revocation.
        let ok = try openssl(["verify", "-CAfile", w + "/root-ca/cert.pem", "-untrusted", w + "/issuing-ca/cert.pem", w + "/operator.pem"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let bundle = try dir.write("crl-bundle.pem", String(contentsOfFile: w + "/issuing-ca/crl.pem", encoding: .utf8)
            + String(contentsOfFile: w + "/root-ca/crl.pem", encoding: .utf8))
        let revoked = try openssl([
            "verify", "-crl_check_all", "-CRLfile", bundle, "-CAfile", w + "/root-ca/cert.pem", "-untrusted",
            w + "/issuing-ca/cert.pem", w + "/lab.pem",
        ])
        #expect(revoked.status != 0)
        #expect(revoked.stdout.contains("revoked") || revoked.stderr.contains("revoked"))

        // A tampered copy fails with exit 1 and names the line.
        let lines = try String(contentsOfFile: w + "/ledger.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        var copy = lines
        copy[6] = copy[6].replacingOccurrences(of: "\"seq\":6", with: "\"seq\":7")
        let tampered = try dir.write("tampered.jsonl", copy.joined(separator: "\n") + "\n")
        let v = try chiptrail(["ledger", "verify", tampered, "--trust", w + "/root-ca/cert.pem"])
        #expect(v.status == 1)
        #expect(v.stdout.contains("\(tampered):7: seq 6: error[seq-mismatch]"), "\(v.stdout)")
        let j = try chiptrail(["ledger", "verify", tampered, "--trust", w + "/root-ca/cert.pem", "--format", "json"])
        #expect(j.status == 1)
        let obj = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as! [String: Any]
        #expect(obj["integrity"] as? String == "failed")
        let errors = obj["errors"] as! [[String: Any]]
        #expect(errors.contains { $0["code"] as? String == "seq-mismatch" && $0["seq"] as? Int == 6 && $0["line"] as? Int == 7 })

        // Appending after the revocation with the revoked lab key is refused, and nothing is written.
        let before = try String(contentsOfFile: w + "/ledger.jsonl", encoding: .utf8)
        let again = try chiptrail(
            ["attest", "lab-test", "--manifest", w + "/manifest.json", "--predicate", w + "/lab-test.json", "--key",
             w + "/lab.key", "--cert", w + "/lab.pem", "--out", w + "/late.dsse.json"],
            environment: ["CHIPTRAIL_PASSPHRASE": "walkthrough passphrase"])
        #expect(again.status == 0, "\(again.stderr)")
        let late = try chiptrail(
            ["ledger", "append", w + "/ledger.jsonl", "--operator-key", w + "/operator.key", w + "/late.dsse.json"],
            environment: ["CHIPTRAIL_PASSPHRASE": "walkthrough passphrase"])
        #expect(late.status == 1)
        #expect(late.stderr.contains("signer-revoked") || late.stderr.contains("duplicate-statement"), "\(late.stderr)")
        #expect(try String(contentsOfFile: w + "/ledger.jsonl", encoding: .utf8) == before)
    }
}
