import Foundation
import Testing
import TrailTestSupport

/// Go's golang.org/x/mod/sumdb/note (the reference C2SP signed-note implementation) opens our checkpoints
/// with the verifier key `ledger checkpoint --vkey` prints, and sumdb/tlog computes the same tree root over
/// the ledger's lines (interop/go/checknote.go; Debian's golang-go and golang-golang-x-mod-dev).
@Suite struct GoNoteInteropTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Builds interop/go/checknote.go in GOPATH mode against the system copy of x/mod.
    static func build(into dir: TempDir) throws -> String {
        let out = dir.file("checknote")
        let r = try runProcess(
            "/usr/bin/env", ["go", "build", "-o", out, Self.repo + "/interop/go/checknote.go"],
            environment: ["GO111MODULE": "off", "GOPATH": "/usr/share/gocode", "GOCACHE": dir.file("gocache"), "GOFLAGS": ""])
        #expect(r.status == 0, "go build failed (apt-get install golang-go golang-golang-x-mod-dev): \(r.stderr)")
        return out
    }

    @Test func goOpensOurCheckpointsAndAgreesOnTheRoot() throws {
        let dir = TempDir()
        let tool = try Self.build(into: dir)
        let demo = try chiptrail(["demo", "--dir", dir.file("demo")])
        #expect(demo.status == 0 || demo.status == 2, "\(demo.stderr)")
        for ledger in [Self.repo + "/Ledger/h200-sample.jsonl", dir.file("demo/ledger.jsonl")] {
            let note = try chiptrail(["ledger", "checkpoint", ledger])
            let vkey = try chiptrail(["ledger", "checkpoint", ledger, "--vkey"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let path = try dir.write("cp.txt", note.stdout, mode: 0o644)
            let r = try runProcess(tool, [vkey, path, ledger])
            #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
            #expect(r.stdout.hasPrefix(note.stdout.components(separatedBy: "\n\n")[0] + "\n"))
            #expect(r.stdout.contains("tlog root OK"))
            // An altered checkpoint text does not open.
            let forged = try dir.write("forged.txt", note.stdout.replacingOccurrences(of: "\n5", with: "\n6"), mode: 0o644)
            #expect(try runProcess(tool, [vkey, forged]).status == 1)
        }
    }
}
