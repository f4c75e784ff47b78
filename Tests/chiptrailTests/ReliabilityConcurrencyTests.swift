import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// BENCHMARKS.md: "N concurrent appenders never corrupt the chain". Separate `chiptrail ledger append`
/// processes contend for the ledger's exclusive lock.
///
/// 8 × 100 by default (about 40 s on 2 cores now that append reads only the sidecar index);
/// `CHIPTRAIL_STRESS_APPENDS=N` changes the appends per process.
@Suite struct ReliabilityConcurrencyTests {
    static let workers = 8
    static let appendsPerWorker =
        ProcessInfo.processInfo.environment["CHIPTRAIL_STRESS_APPENDS"].flatMap { Int($0) } ?? 100

    @Test func eightProcessesAppendingConcurrentlyLoseAndDuplicateNothing() throws {
        let fx = try CLILedgerFixture()
        let (pki, dir, ledger, key, root) = (fx.pki, fx.dir, fx.ledger, fx.operatorKey, fx.root)

        // 8 × appendsPerWorker distinct signed envelopes, made up front.
        let total = Self.workers * Self.appendsPerWorker
        var files: [String] = []
        for i in 0..<total {
            let env = try Samples.envelope(
                .supplySufficiency, manifest: Samples.manifest(id: "SHP-C\(i)"), predicate: Samples.supply(),
                signers: [pki.exporter])
            files.append(try dir.write("env-\(i).json", env.jsonText))
        }

        // 8 workers (threads, not a pool limited to the core count), each running its appends one after
        // another; the workers run at once, so 8 `chiptrail` processes contend for the lock.
        let failures = Failures()
        let group = DispatchGroup()
        let envelopeFiles = files
        for w in 0..<Self.workers {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                for j in 0..<Self.appendsPerWorker {
                    let file = envelopeFiles[w * Self.appendsPerWorker + j]
                    do {
                        let r = try chiptrail(["ledger", "append", ledger, file, "--operator-key", key])
                        if r.status != 0 { failures.add("worker \(w) append \(j): exit \(r.status): \(r.stderr)") }
                    } catch {
                        failures.add("worker \(w) append \(j): \(error)")
                    }
                }
            }
        }
        group.wait()
        #expect(failures.all.isEmpty, "\(failures.all.prefix(5))")

        // Every statement is there exactly once; the chain, tree and checkpoints verify.
        let report = try LedgerVerifier(path: ledger, options: VerifyOptions(trust: [pki.root])).run()
        #expect(report.errors.isEmpty, "\(report.errors.prefix(5))")
        #expect(report.warnings.isEmpty, "\(report.warnings.prefix(5))")
        let text = try String(contentsOfFile: ledger, encoding: .utf8)
        let lines = text.split(separator: "\n").map { Array($0.utf8) }
        var ids: [String] = []
        var checkpoints = 0
        for line in lines {
            let record = try Record.parse(line: line)
            switch record.body {
            case .statement(let env):
                ids.append(try Statement(payload: env.payload).subject[0].name)
            case .checkpoint: checkpoints += 1
            default: break
            }
        }
        #expect(ids.count == total)
        #expect(Set(ids) == Set((0..<total).map { "shipment:SHP-C\($0)" }))
        // Each append is one statement and its checkpoint: 2 + 2 records before, 2 per append.
        #expect(lines.count == 4 + 2 * total)
        #expect(checkpoints == 2 + total)
        #expect(report.records == lines.count)

        let cli = try chiptrail(["ledger", "verify", ledger, "--trust", root, "--format", "json"])
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(cli.stdout.contains("\"integrity\":\"ok\""))
    }
}

/// Failures collected from concurrent workers.
final class Failures: @unchecked Sendable {
    // Guarded by `lock`.
    private var list: [String] = []
    private let lock = NSLock()
    func add(_ s: String) { lock.withLock { list.append(s) } }
    var all: [String] { lock.withLock { list } }
}
