import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// BENCHMARKS.md: a kill -9 at any instant of an append loses no committed record and leaves a ledger that
/// `verify` explains and `repair` recovers. A few trials of Reliability/'s crash harness, through the CLI.
@Suite struct ReliabilityCrashTests {
    @Test(.timeLimit(.minutes(3)))
    func sigkillDuringAppendLoopLosesNothingAndRepairRecovers() throws {
        let fx = try CLILedgerFixture()
        let (pki, dir, ledger, key, root) = (fx.pki, fx.dir, fx.ledger, fx.operatorKey, fx.root)
        var n = 0
        func envelopeFile() throws -> (String, String) {
            n += 1
            let id = "SHP-K\(n)"
            let env = try Samples.envelope(
                .supplySufficiency, manifest: Samples.manifest(id: id), predicate: Samples.supply(),
                signers: [pki.exporter])
            return (id, try dir.write("env-\(n).json", env.jsonText))
        }
        var committed: [(seq: Int, id: String)] = []
        var killsMidAppend = 0
        for trial in 0..<5 {
            // Appends of 4 statements in a loop; the one running at the deadline is SIGKILLed.
            let deadline = Date().addingTimeInterval(Double.random(in: 0.05...0.6))
            var killed = false
            while !killed {
                let batch = try (0..<4).map { _ in try envelopeFile() }
                let p = Process()
                p.executableURL = URL(fileURLWithPath: chiptrailPath)
                p.arguments = ["ledger", "append", ledger, "--operator-key", key] + batch.map(\.1)
                let out = Pipe()
                p.standardOutput = out
                p.standardError = FileHandle.nullDevice
                try p.run()
                while p.isRunning && Date() < deadline { usleep(500) }
                if p.isRunning {
                    kill(p.processIdentifier, SIGKILL)
                    killed = true
                }
                p.waitUntilExit()
                let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                if p.terminationReason == .uncaughtSignal {
                    killsMidAppend += 1
                    break
                }
                #expect(p.terminationStatus == 0, "trial \(trial): append exited \(p.terminationStatus)")
                // "appended seq A…B to LEDGER; tree size N": only a reported append counts as committed.
                let first = Int(text.split(separator: " ")[2].split(separator: "…")[0])!
                for (i, b) in batch.enumerated() { committed.append((first + i, b.0)) }
            }

            // Every committed statement is present at its seq.
            let data = try dir.read("ledger.jsonl")
            let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
            for c in committed {
                guard c.seq < lines.count, case .statement(let env) = try Record.parse(line: lines[c.seq]).body else {
                    Issue.record("trial \(trial): committed seq \(c.seq) is missing")
                    continue
                }
                #expect(try Statement(payload: env.payload).subject[0].name == "shipment:\(c.id)")
            }
            // verify passes or explains the torn tail; repair recovers it.
            let torn = data.last != 0x0A
            let v = try chiptrail(["ledger", "verify", ledger, "--trust", root, "--format", "json"])
            if torn {
                #expect(v.status == 1)
                #expect(v.stdout.contains("\"code\":\"torn-tail\""), "\(v.stdout)")
                let r = try chiptrail(["ledger", "repair", ledger])
                #expect(r.status == 0 && r.stdout.contains("moved"), "\(r.stdout)\(r.stderr)")
            } else {
                #expect(v.status == 0, "trial \(trial): \(v.stdout)")
            }
            // The next append continues the chain and the ledger verifies.
            let (id, next) = try envelopeFile()
            let a = try chiptrail(["ledger", "append", ledger, "--operator-key", key, next])
            try #require(a.status == 0, "\(a.stderr)")
            let first = Int(a.stdout.split(separator: " ")[2].split(separator: "…")[0])!
            committed.append((first, id))
            let after = try chiptrail(["ledger", "verify", ledger, "--trust", root])
            #expect(after.status == 0, "trial \(trial) after repair and append: \(after.stdout)")
        }
        #expect(killsMidAppend >= 1, "every trial ends in a kill; a kill can race a finishing append")
    }

    @Test func repairMovesATornTailAsideAndNothingElse() throws {
        let pki = try PartyPKI()
        let dir = TempDir()
        let ledger = dir.file("ledger.jsonl")
        try pki.initializeLedger(at: ledger)
        let root = try dir.write("root.pem", pki.root.pem)
        let committed = try dir.read("ledger.jsonl")
        // A torn tail of every length up to a few bytes past a page: verify names it, append refuses, repair cuts it.
        for length in [1, 2, 100, 4097] {
            _ = try dir.write(
                "ledger.jsonl", bytes: committed + Array(repeating: UInt8(ascii: "{"), count: length), mode: 0o644)
            let v = try chiptrail(["ledger", "verify", ledger, "--trust", root])
            #expect(v.status == 1)
            #expect(v.stdout.contains("torn-tail") && v.stdout.contains("\(committed.count)"), "\(v.stdout)")
            let key = try dir.write("operator.key", try pki.operatorParty.key.pem(passphrase: nil), mode: 0o600)
            let a = try chiptrail([
                "ledger", "append", ledger, "--operator-key", key, "--cert",
                try dir.write("ex.pem", pki.exporter.cert.pem),
            ])
            #expect(a.status == 1 && a.stderr.contains("torn-tail"), "\(a.stderr)")
            let r = try chiptrail(["ledger", "repair", ledger])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try dir.read("ledger.jsonl") == committed)
            let side = ledger + ".torn-\(committed.count)"
            #expect(try Array(Data(contentsOf: URL(fileURLWithPath: side))).count == length)
            try FileManager.default.removeItem(atPath: side)
            #expect(try chiptrail(["ledger", "repair", ledger]).stdout.contains("nothing to repair"))
            #expect(try chiptrail(["ledger", "verify", ledger, "--trust", root]).status == 0)
        }
    }

    /// Regression: a second torn tail at the same offset (repair, then another interrupted append) made repair
    /// fail with file-exists, and so did a repair interrupted between saving the side file and truncating.
    @Test func repairIsRepeatableAtTheSameOffset() throws {
        let pki = try PartyPKI()
        let dir = TempDir()
        let ledger = dir.file("ledger.jsonl")
        try pki.initializeLedger(at: ledger)
        let committed = try dir.read("ledger.jsonl")
        let side = ledger + ".torn-\(committed.count)"
        for (i, tail) in ["{\"v\":1,\"se", "{\"v\":1,\"seq\":2,\"ty", "{"].enumerated() {
            _ = try dir.write("ledger.jsonl", bytes: committed + Array(tail.utf8), mode: 0o644)
            let r = try Ledger.repair(path: ledger)
            #expect(r?.sideFile == (i == 0 ? side : side + ".\(i)"))
            #expect(try dir.read("ledger.jsonl") == committed)
            #expect(try Array(Data(contentsOf: URL(fileURLWithPath: r!.sideFile))) == Array(tail.utf8))
        }
        // Interrupted after the side file was saved: the same bytes are found saved, and the cut completes.
        _ = try dir.write("ledger.jsonl", bytes: committed + Array("{".utf8), mode: 0o644)
        let r = try chiptrail(["ledger", "repair", ledger])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try dir.read("ledger.jsonl") == committed)
        #expect(!FileManager.default.fileExists(atPath: side + ".3"))
    }

    /// Regression: Foundation's `deletingLastPathComponent` trapped on one-character relative paths, so
    /// `key generate --out k` and `ledger init L` crashed (the latter after writing the ledger).
    @Test func oneCharacterRelativePathsDoNotCrash() throws {
        let dir = TempDir()
        let r = try chiptrail(["key", "generate", "--out", "k", "--no-encrypt", "--public", "p"], cwd: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.file("k")))
        let pki = try PartyPKI()
        _ = try dir.write("o", try pki.operatorParty.key.pem(passphrase: nil), mode: 0o600)
        _ = try dir.write("c", pki.operatorParty.cert.pem)
        _ = try dir.write("i", pki.intermediate.pem)
        _ = try dir.write("r", pki.root.pem)
        let i = try chiptrail(
            [
                "ledger", "init", "L", "--origin", "x.example/l", "--operator-key", "o", "--operator-cert", "c",
                "--chain", "i",
                "--trust", "r",
            ], cwd: dir.path)
        #expect(i.status == 0, "\(i.stderr)")
        #expect(try chiptrail(["ledger", "verify", "L", "--trust", "r"], cwd: dir.path).status == 0)
        #expect(
            FileIO.directory(of: "k") == "." && FileIO.directory(of: "/k") == "/"
                && FileIO.directory(of: "a/b/c") == "a/b")
        #expect(FileIO.fileName(of: "k") == "k" && FileIO.fileName(of: "a/b/c") == "c")
    }
}
