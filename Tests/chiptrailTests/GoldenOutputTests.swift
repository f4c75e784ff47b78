import Foundation
import Testing
import TrailTestSupport

/// Exact-output snapshots of `ledger verify` (text and JSON), `ledger show`, `bundle verify` and every command's
/// `--help` on the committed sample, compared byte for byte with the files in Tests/Golden. After an intended change to the output, regenerate them with
/// `CHIPTRAIL_UPDATE_GOLDEN=1 swift test --filter GoldenOutputTests` and review the diff.
@Suite struct GoldenOutputTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let update = ProcessInfo.processInfo.environment["CHIPTRAIL_UPDATE_GOLDEN"] == "1"

    /// Runs chiptrail in the repository (so the paths it prints are the relative ones a user types) and compares
    /// its stdout with `Tests/Golden/<name>`, or rewrites that file when updating.
    static func check(_ name: String, _ args: [String], status: Int32, cwd: String = repo) throws {
        // Help is wrapped at the terminal's width; COLUMNS fixes it.
        let r = try chiptrail(args, environment: ["COLUMNS": "100"], cwd: cwd)
        #expect(r.status == status, "\(args.joined(separator: " ")): \(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
        let file = repo + "/Tests/Golden/" + name
        if update {
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(r.stdout.utf8).write(to: URL(fileURLWithPath: file))
        }
        let golden = try #require(
            FileManager.default.contents(atPath: file), "missing \(file): run with CHIPTRAIL_UPDATE_GOLDEN=1 to create it")
        let expected = String(decoding: golden, as: UTF8.self)
        if Array(r.stdout.utf8) != Array(golden) {
            let got = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = (0..<min(got.count, want.count)).first { Array(got[$0].utf8) != Array(want[$0].utf8) } ?? min(got.count, want.count)
            Issue.record(
                """
                \(name) differs from the output at line \(first + 1) (CHIPTRAIL_UPDATE_GOLDEN=1 regenerates it):
                  expected: \(first < want.count ? String(want[first]) : "<end>")
                  actual:   \(first < got.count ? String(got[first]) : "<end>")
                """)
        }
    }

    @Test func ledgerVerifyText() throws {
        try Self.check("ledger-verify.txt", ["ledger", "verify", "Ledger/h200-sample.jsonl", "--trust", "Keys/root.pem"], status: 2)
    }

    @Test func ledgerVerifyJSON() throws {
        try Self.check(
            "ledger-verify.json", ["ledger", "verify", "Ledger/h200-sample.jsonl", "--trust", "Keys/root.pem", "--format", "json"],
            status: 2)
    }

    @Test func ledgerShowText() throws {
        try Self.check("ledger-show.txt", ["ledger", "show", "Ledger/h200-sample.jsonl"], status: 0)
    }

    @Test func ledgerShowSeqText() throws {
        try Self.check("ledger-show-seq-12.txt", ["ledger", "show", "Ledger/h200-sample.jsonl", "--seq", "12"], status: 0)
    }

    @Test func ledgerShowShipmentText() throws {
        try Self.check(
            "ledger-show-shipment.txt",
            ["ledger", "show", "Ledger/h200-sample.jsonl", "--shipment", "SHP-2026-0001", "--trust", "Keys/root.pem"], status: 0)
    }

    /// `bundle verify` of a bundle proved from the sample, text and JSON (run where the bundle is, so the path it
    /// prints is the relative one).
    @Test func bundleVerify() throws {
        let tmp = TempDir()
        let made = try chiptrail(
            ["ledger", "prove", Self.repo + "/Ledger/h200-sample.jsonl", "--shipment", "SHP-2026-0001", "--out", tmp.file("b.json")])
        #expect(made.status == 0, "\(made.stderr)")
        try Self.check("bundle-verify.txt", ["bundle", "verify", "b.json", "--trust", Self.repo + "/Keys/root.pem"], status: 0, cwd: tmp.path)
        try Self.check(
            "bundle-verify.json", ["bundle", "verify", "b.json", "--trust", Self.repo + "/Keys/root.pem", "--format", "json"],
            status: 0, cwd: tmp.path)
    }

    /// Every command path, from ArgumentParser's own description of the command tree.
    static func commandPaths() throws -> [[String]] {
        let dump = try chiptrail(["--experimental-dump-help"])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        var paths: [[String]] = []
        func walk(_ c: [String: Any], _ path: [String]) {
            paths.append(path)
            for s in c["subcommands"] as? [[String: Any]] ?? [] {
                guard let name = s["commandName"] as? String, name != "help" else { continue }
                walk(s, path + [name])
            }
        }
        walk(try #require(root["command"] as? [String: Any]), [])
        return paths
    }

    /// `--help` of every command, and that no golden is left for a command that is gone.
    @Test func everyHelp() throws {
        let paths = try Self.commandPaths()
        #expect(paths.count > 30, "\(paths)")
        var names: Set<String> = []
        for path in paths {
            let name = "help/" + (["chiptrail"] + path).joined(separator: "-") + ".txt"
            names.insert(String(name.dropFirst(5)))
            try Self.check(name, path + ["--help"], status: 0)
        }
        let kept = Set((try? FileManager.default.contentsOfDirectory(atPath: Self.repo + "/Tests/Golden/help")) ?? [])
        #expect(kept.subtracting(names).isEmpty, "goldens of no command: \(kept.subtracting(names).sorted())")
    }
}
