import Foundation
import TrailCrypto
import TrailLedger

/// `crash-harness concurrency --cli PATH [--workers 8] [--appends 100]`: W worker threads each run A
/// `chiptrail ledger append` processes one after another, all on one ledger at once; then every statement
/// must be there exactly once and the ledger must verify (BENCHMARKS.md: "N concurrent appenders never
/// corrupt the chain").
enum Concurrency {
    static func run(_ arguments: [String]) throws {
        var args = arguments
        var cli: String?
        var workers = 8
        var appends = 100
        while let a = args.first {
            args.removeFirst()
            guard let v = args.first else { fail("\(a) needs a value") }
            args.removeFirst()
            switch a {
            case "--cli": cli = v
            case "--workers": workers = Int(v)!
            case "--appends": appends = Int(v)!
            default: fail("unknown argument \(a)")
            }
        }
        guard let cli else { fail("concurrency needs --cli PATH-TO-chiptrail") }
        let dir = NSTemporaryDirectory() + "chiptrail-concurrency-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fixture = try Fixture.create(in: dir)
        try fixture.newLedger()
        let total = workers * appends
        var files: [String] = []
        for i in 0..<total {
            let f = dir + "/env-\(i).json"
            try Data(try fixture.envelope(id: "C\(i)").jsonText.utf8).write(to: URL(fileURLWithPath: f))
            files.append(f)
        }
        let envelopeFiles = files
        let perWorker = appends
        let failures = Locked<[String]>([])
        let group = DispatchGroup()
        let start = Date()
        for w in 0..<workers {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                for j in 0..<perWorker {
                    let p = Process()
                    p.executableURL = URL(fileURLWithPath: cli)
                    p.arguments = [
                        "ledger", "append", fixture.ledger, envelopeFiles[w * perWorker + j], "--operator-key",
                        fixture.operatorKeyFile,
                    ]
                    p.standardOutput = FileHandle.nullDevice
                    p.standardError = FileHandle.nullDevice
                    do {
                        try p.run()
                        p.waitUntilExit()
                        if p.terminationStatus != 0 {
                            failures.update { $0.append("worker \(w) append \(j): exit \(p.terminationStatus)") }
                        }
                    } catch {
                        failures.update { $0.append("worker \(w) append \(j): \(error)") }
                    }
                }
            }
        }
        group.wait()
        let seconds = Date().timeIntervalSince(start)
        let report = try LedgerVerifier(path: fixture.ledger, options: VerifyOptions(trust: [fixture.root])).run()
        var ids: [String] = []
        for line in try readLines(fixture.ledger).lines {
            if case .statement(let env) = try Record.parse(line: line).body {
                ids.append(try Statement(payload: env.payload).subject[0].name)
            }
        }
        let expected = Set((0..<total).map { "shipment:C\($0)" })
        let ok = failures.value.isEmpty && report.errors.isEmpty && ids.count == total && Set(ids) == expected
        print(
            """
            concurrency: \(workers) processes × \(appends) appends in \(String(format: "%.1f", seconds)) s
              failed appends: \(failures.value.count); statements: \(ids.count) (distinct \(Set(ids).count), expected \(total))
              records: \(report.records); verify errors: \(report.errors.count); warnings: \(report.warnings.count)
              \(ok ? "OK" : "FAILED")
            """)
        for f in failures.value.prefix(5) { print("  " + f) }
        for e in report.errors.prefix(5) { print("  " + e.description) }
        if !ok { exit(1) }
    }
}

/// A value shared between threads behind a lock.
final class Locked<Value>: @unchecked Sendable {
    // Every access goes through `lock`.
    private var v: Value
    private let lock = NSLock()
    init(_ v: Value) { self.v = v }
    var value: Value { lock.withLock { v } }
    func update(_ body: (inout Value) -> Void) { lock.withLock { body(&v) } }
}
