import Foundation
import Testing
import TrailTestSupport

/// Exact-output snapshots of `ledger verify` (text and JSON) on the committed sample, compared byte for byte with
/// the files in Tests/Golden. After an intended change to the output, regenerate them with
/// `CHIPTRAIL_UPDATE_GOLDEN=1 swift test --filter GoldenOutputTests` and review the diff.
@Suite struct GoldenOutputTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let update = ProcessInfo.processInfo.environment["CHIPTRAIL_UPDATE_GOLDEN"] == "1"

    /// Runs chiptrail in the repository (so the paths it prints are the relative ones a user types) and compares
    /// its stdout with `Tests/Golden/<name>`, or rewrites that file when updating.
    static func check(_ name: String, _ args: [String], status: Int32) throws {
        let r = try chiptrail(args, cwd: repo)
        #expect(r.status == status, "\(args.joined(separator: " ")): \(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
        let file = repo + "/Tests/Golden/" + name
        if update {
            try FileManager.default.createDirectory(atPath: repo + "/Tests/Golden", withIntermediateDirectories: true)
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
}
