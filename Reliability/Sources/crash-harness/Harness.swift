import Foundation
import TrailCrypto
import TrailLedger

/// Crash-safety harness (BENCHMARKS.md): "a crash (kill -9) at any instant of an append loses no committed
/// record and leaves a ledger that `verify` explains and `repair` recovers".
///
/// Each trial starts an appender that appends batches of signed statements in a loop and reports every
/// batch after `Ledger.append` returned (after fsync), then SIGKILLs it at a random instant. The harness then
/// checks: every reported record is in the file at its seq, with its shipment id; `verify` finds nothing but
/// a `torn-tail`; `repair` removes the torn tail and verify is clean; and a fresh append continues the chain.
///
/// The appender is either this program in `driver` mode (the library, large batches: more kills land inside
/// the write) or, with `--cli PATH`, a loop of `chiptrail ledger append` processes, one of which is killed.
@main
struct CrashHarness {
    static func main() throws {
        var args = Array(CommandLine.arguments.dropFirst())
        if args.first == "driver" {
            args.removeFirst()
            try Driver.run(dir: args[0], runID: args[1], batch: Int(args[2])!)
            return
        }
        if args.first == "concurrency" {
            args.removeFirst()
            try Concurrency.run(args)
            return
        }
        var options = Options()
        while let a = args.first {
            args.removeFirst()
            func value() -> String {
                guard let v = args.first else { fail("\(a) needs a value") }
                args.removeFirst()
                return v
            }
            switch a {
            case "--trials": options.trials = Int(value())!
            case "--batch": options.batch = Int(value())!
            case "--max-delay-ms": options.maxDelayMs = Int(value())!
            case "--trials-per-ledger": options.trialsPerLedger = Int(value())!
            case "--dir": options.dir = value()
            case "--cli": options.cli = value()
            case "--seed": options.seed = UInt64(value())!
            case "--keep": options.keep = true
            case "--inject-every": options.injectEvery = Int(value())!
            case "-h", "--help":
                print(
                    """
                    usage: crash-harness [--trials N] [--batch K] [--max-delay-ms MS] [--trials-per-ledger N]
                                         [--cli PATH-TO-chiptrail] [--dir DIR] [--seed S] [--keep] [--inject-every N]
                           crash-harness concurrency --cli PATH-TO-chiptrail [--workers 8] [--appends 100]
                    """)
                return
            default: fail("unknown argument \(a)")
            }
        }
        let stats = try Harness(options: options).run()
        print(stats.summary)
        if stats.failures > 0 { exit(1) }
    }
}

struct Options {
    var trials = 200
    var batch = 40
    var maxDelayMs = 600
    var trialsPerLedger = 20
    var dir: String?
    var cli: String?
    var seed: UInt64?
    var keep = false
    /// Every this many trials, also leave a partial write (a random prefix of a real batch's bytes) after the
    /// kill: SIGKILL lands inside the write(2) of a batch only rarely, so this exercises verify and repair on
    /// exactly what such a kill leaves. 0 turns it off.
    var injectEvery = 2
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("crash-harness: \(message)\n".utf8))
    exit(2)
}

/// What the trials saw.
struct Stats {
    var trials = 0
    var reportedBatches = 0
    var reportedRecords = 0
    /// Kills after which the file held bytes beyond the last reported batch (the kill came after a write began).
    var killsAfterWriteBegan = 0
    /// Kills that left a final line without its newline.
    var tornTails = 0
    /// Of those, left by the SIGKILL itself (the rest were injected).
    var tornTailsFromKills = 0
    /// Kills that left complete records of an unreported batch (e.g. killed between fsync and the report).
    var unreportedCompleteRecords = 0
    var repairs = 0
    var injected = 0
    var injectedOnLineBoundary = 0
    var failures = 0
    var mode = ""
    var seconds = 0.0

    var summary: String {
        """
        crash-harness (\(mode)): \(trials) trials in \(String(format: "%.0f", seconds)) s
          reported appends: \(reportedBatches) batches, \(reportedRecords) records — all present after every kill
          kills after a write began: \(killsAfterWriteBegan); torn tails: \(tornTails) (from the kill itself: \(tornTailsFromKills); repaired: \(repairs)); \
        kills leaving unreported complete records: \(unreportedCompleteRecords)
          injected partial writes: \(injected) (ending on a line boundary, so no torn tail: \(injectedOnLineBoundary))
          failures: \(failures)
        """
    }
}

/// A reported append: the seqs written and the shipment ids of its statements.
struct Reported {
    var first: Int
    var last: Int
    var ids: [String]
}

final class Harness {
    let options: Options
    let dir: String
    var rng: SplitMix
    let pki: Fixture

    init(options: Options) throws {
        self.options = options
        dir = options.dir ?? NSTemporaryDirectory() + "chiptrail-crash-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        rng = SplitMix(seed: options.seed ?? UInt64(Date().timeIntervalSince1970 * 1000))
        pki = try Fixture.create(in: dir)
    }

    deinit {
        if !options.keep { try? FileManager.default.removeItem(atPath: dir) }
    }

    func run() throws -> Stats {
        var stats = Stats()
        stats.mode =
            options.cli == nil ? "library driver, batches of \(options.batch)" : "CLI `chiptrail ledger append`"
        let start = Date()
        for trial in 0..<options.trials {
            if trial % options.trialsPerLedger == 0 { try pki.newLedger() }
            do {
                try runTrial(trial, &stats)
            } catch {
                stats.failures += 1
                print("trial \(trial): FAILED: \(error)")
                try pki.newLedger()
            }
            stats.trials += 1
            if (trial + 1) % 20 == 0 {
                print(
                    "… \(trial + 1) trials: \(stats.reportedRecords) records reported, \(stats.tornTails) torn tails, \(stats.failures) failures"
                )
            }
        }
        stats.seconds = Date().timeIntervalSince(start)
        return stats
    }

    func runTrial(_ trial: Int, _ stats: inout Stats) throws {
        let ledger = pki.ledger
        let sizeBefore = fileSize(ledger)
        let linesBefore = try readLines(ledger).lines.count
        let delay = Double(rng.next() % UInt64(options.maxDelayMs * 1000)) / 1_000_000
        let reported: [Reported]
        if let cli = options.cli {
            reported = try cliLoop(cli: cli, trial: trial, killAfter: delay)
        } else {
            reported = try driverRun(trial: trial, killAfter: delay)
        }
        stats.reportedBatches += reported.count
        stats.reportedRecords += reported.reduce(0) { $0 + $1.last - $1.first + 1 }

        // 1. Every reported record is present, at its seq, with its shipment.
        let (lines, tornAfterKill) = try readLines(ledger)
        for r in reported {
            guard r.last < lines.count else {
                throw HarnessError("reported seqs \(r.first)…\(r.last) but the ledger has \(lines.count) lines")
            }
            for (i, id) in r.ids.enumerated() {
                let record = try Record.parse(line: lines[r.first + i])
                guard case .statement(let env) = record.body, record.seq == r.first + i,
                    (try? Statement(payload: env.payload))?.subject.first?.name == "shipment:\(id)"
                else { throw HarnessError("seq \(r.first + i) is not the reported statement for \(id)") }
            }
            guard case .checkpoint = try Record.parse(line: lines[r.last]).body else {
                throw HarnessError("seq \(r.last) is not the reported batch's checkpoint")
            }
        }
        let reportedEnd = reported.last.map { $0.last + 1 } ?? linesBefore
        if lines.count > reportedEnd { stats.unreportedCompleteRecords += 1 }
        if tornAfterKill != nil { stats.tornTailsFromKills += 1 }
        var reportedBytes = sizeBefore
        if reported.last != nil { reportedBytes = byteOffset(afterLine: reportedEnd, lines) }
        if fileSize(ledger) > reportedBytes { stats.killsAfterWriteBegan += 1 }
        if tornAfterKill == nil, options.injectEvery > 0, trial % options.injectEvery == options.injectEvery - 1 {
            let onBoundary = try injectPartialWrite(trial: trial)
            stats.injected += 1
            if onBoundary { stats.injectedOnLineBoundary += 1 }
        }
        let (_, tornNow) = try readLines(ledger)
        let torn = tornNow

        // 2. Verify finds nothing but a torn tail, and names it.
        let report = try verify()
        let errors = report.errors.map(\.code)
        if torn != nil {
            stats.tornTails += 1
            let complete = try readLines(ledger).lines
            guard errors == ["torn-tail"],
                report.tornTailOffset == Int64(byteOffset(afterLine: complete.count, complete))
            else {
                throw HarnessError("torn tail, but verify reports \(report.errors)")
            }
            // 3. Repair recovers it.
            guard let r = try Ledger.repair(path: ledger), r.bytes == torn else {
                throw HarnessError("repair did not remove the \(torn!) torn bytes")
            }
            stats.repairs += 1
            unlink(r.sideFile)
            let again = try verify()
            guard again.errors.isEmpty else { throw HarnessError("after repair verify reports \(again.errors)") }
        } else if !errors.isEmpty {
            throw HarnessError("no torn tail, yet verify reports \(report.errors)")
        }

        // 4. The next append continues the chain, and the whole ledger verifies.
        let next = try pki.envelope(id: "T\(trial)-after")
        let result = try Ledger.append(path: ledger, operatorKey: pki.operatorKey, items: [.envelope(next)])
        let final = try verify()
        guard final.errors.isEmpty, final.records == result.treeSize else {
            throw HarnessError("after the continuing append verify reports \(final.errors)")
        }
    }

    /// Appends a random prefix of the bytes a real batch would add (computed on a copy of the ledger), as
    /// a kill inside that batch's write(2) would leave them. Returns true when the prefix ends on a newline.
    func injectPartialWrite(trial: Int) throws -> Bool {
        let copy = dir + "/inject.jsonl"
        unlink(copy)
        try FileManager.default.copyItem(atPath: pki.ledger, toPath: copy)
        defer { unlink(copy) }
        let before = fileSize(copy)
        let items = try (0..<options.batch).map {
            AppendItem.envelope(try pki.envelope(id: "T\(trial)-injected-\($0)"))
        }
        _ = try Ledger.append(path: copy, operatorKey: pki.operatorKey, items: items)
        let batch = [UInt8](try Data(contentsOf: URL(fileURLWithPath: copy)))[before...]
        let cut = 1 + Int(rng.next() % UInt64(batch.count - 1))
        let prefix = Array(batch.prefix(cut))
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: pki.ledger))
        try h.seekToEnd()
        try h.write(contentsOf: prefix)
        try h.close()
        return prefix.last == 0x0A
    }

    func verify() throws -> VerificationReport {
        try LedgerVerifier(path: pki.ledger, options: VerifyOptions(trust: [pki.root])).run()
    }

    // MARK: appenders

    /// Runs this program in driver mode and kills it after `delay` seconds.
    func driverRun(trial: Int, killAfter delay: Double) throws -> [Reported] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = ["driver", dir, "T\(trial)", String(options.batch)]
        let out = Pipe()
        p.standardOutput = out
        let collector = Collector(out.fileHandleForReading)
        try p.run()
        Thread.sleep(forTimeInterval: delay)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        return parseReports(collector.finish())
    }

    /// Runs `chiptrail ledger append` processes one after another, each with a batch of envelope files,
    /// and kills whichever is running after `delay` seconds.
    func cliLoop(cli: String, trial: Int, killAfter delay: Double) throws -> [Reported] {
        var reported: [Reported] = []
        let deadline = Date().addingTimeInterval(delay)
        var n = 0
        while true {
            let ids = (0..<options.batch).map { "T\(trial)-\(n)-\($0)" }
            n += 1
            var files: [String] = []
            for id in ids {
                let f = dir + "/env-\(id).json"
                try Data(try pki.envelope(id: id).jsonText.utf8).write(to: URL(fileURLWithPath: f))
                files.append(f)
            }
            defer { for f in files { unlink(f) } }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: cli)
            p.arguments = ["ledger", "append", pki.ledger, "--operator-key", pki.operatorKeyFile] + files
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            let collector = Collector(out.fileHandleForReading)
            try p.run()
            var killed = false
            while p.isRunning {
                if Date() >= deadline {
                    kill(p.processIdentifier, SIGKILL)
                    killed = true
                    break
                }
                usleep(500)
            }
            p.waitUntilExit()
            let text = collector.finish()
            if killed || p.terminationReason == .uncaughtSignal { return reported }
            guard p.terminationStatus == 0 else {
                throw HarnessError("chiptrail ledger append exited \(p.terminationStatus)")
            }
            // "appended seq A…B to LEDGER; tree size N"
            guard let r = text.range(of: "appended seq ") else { throw HarnessError("unexpected output \(text)") }
            let parts = text[r.upperBound...].prefix { $0 != " " }.components(separatedBy: "…")
            reported.append(Reported(first: Int(parts[0])!, last: Int(parts[1])!, ids: ids))
            if Date() >= deadline { return reported }
        }
    }

    func parseReports(_ text: String) -> [Reported] {
        // Only complete lines count: the driver writes each report with one write(2) after the append returned.
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().compactMap { line in
            let f = line.split(separator: " ")
            guard f.count == 4, f[0] == "ok", let a = Int(f[1]), let b = Int(f[2]) else { return nil }
            return Reported(first: a, last: b, ids: f[3].split(separator: ",").map(String.init))
        }
    }
}

/// The appender: appends batches of fresh statements forever, reporting each after it is durable.
enum Driver {
    static func run(dir: String, runID: String, batch: Int) throws {
        let fixture = try Fixture.load(from: dir)
        var n = 0
        while true {
            let ids = (0..<batch).map { "\(runID)-\(n)-\($0)" }
            n += 1
            let items = try ids.map { AppendItem.envelope(try fixture.envelope(id: $0)) }
            let r = try Ledger.append(path: fixture.ledger, operatorKey: fixture.operatorKey, items: items)
            let line = "ok \(r.seqs.first!) \(r.seqs.last!) \(ids.joined(separator: ","))\n"
            _ = line.withCString { write(1, $0, strlen($0)) }
        }
    }
}

/// Reads a pipe to its end on another thread (so a chatty child never blocks on a full pipe).
final class Collector: @unchecked Sendable {
    // Written by the reading thread before `done` is signalled, read after: the semaphore orders them.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func finish() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// The complete lines of a file and the length of a torn tail, if any.
func readLines(_ path: String) throws -> (lines: [[UInt8]], torn: Int?) {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var parts = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    let last = parts.removeLast()
    return (parts, last.isEmpty ? nil : last.count)
}

func byteOffset(afterLine n: Int, _ lines: [[UInt8]]) -> Int {
    lines.prefix(n).reduce(0) { $0 + $1.count + 1 }
}

func fileSize(_ path: String) -> Int {
    var st = stat()
    return stat(path, &st) == 0 ? Int(st.st_size) : 0
}

/// A small deterministic PRNG (so a failing run can be replayed with --seed).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
