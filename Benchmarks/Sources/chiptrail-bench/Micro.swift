import Dispatch
import Foundation
import TrailCrypto
import TrailLedger

/// Single-thread cost of the verify hot path's building blocks, for profiling.
enum Micro {
    static func run() throws {
        let message = [UInt8](repeating: 0x41, count: 1500)
        for alg in [KeyAlgorithm.ed25519, .p256] {
            let k = try PrivateKey.generate(alg)
            let sig = try k.sign(message)
            let pub = k.publicKey
            let n = 5000
            let t0 = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<n { precondition(pub.verify(signature: sig, for: message)) }
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            print(String(format: "%@ verify: %.1f µs/op (%.0f/s one core)", alg.name, dt / Double(n) * 1e6, Double(n) / dt))
        }
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<20000 { _ = Merkle.leafHash(message) }
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        print(String(format: "leafHash(1500 B): %.2f µs/op", dt / 20000 * 1e6))
    }
}

/// Single-thread cost per statement record of each step of the verify hot path, on a ledger's own lines.
enum Steps {
    static func run(ledger: String, count: Int) throws {
        var lines: [[UInt8]] = []
        LedgerReaderLines.each(ledger) { line in
            if lines.count < count, line.count > 600 { lines.append(line) }
        }
        func time(_ name: String, _ body: ([UInt8]) throws -> Void) rethrows {
            let t0 = DispatchTime.now().uptimeNanoseconds
            for l in lines { try body(l) }
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e3 / Double(lines.count)
            print(String(format: "%-28@ %8.2f µs/record", name as NSString, dt))
        }
        let records = try lines.map { try Record.parse(line: $0) }
        let envs: [Envelope] = records.compactMap { if case .statement(let e) = $0.body { e } else { nil } }
        print("\(lines.count) lines, \(envs.count) statements, avg \(lines.map(\.count).reduce(0, +) / lines.count) bytes")
        try time("JSONParser.parse(line)") { _ = try JSONParser.parse($0) }
        try time("Record.parse") { _ = try Record.parse(line: $0) }
        var i = 0
        time("leafHash+lineHash") { l in _ = Merkle.leafHash(l); _ = Digest.sha256(l) }
        i = 0
        try time("CheckedStatement") { _ in _ = try CheckedStatement(envelope: envs[i % envs.count]); i += 1 }
        i = 0
        time("duplicateKey") { _ in _ = envs[i % envs.count].statementIdentity; i += 1 }
        i = 0
        time("pae") { _ in _ = envs[i % envs.count].pae; i += 1 }
        let checked = try envs.map { try CheckedStatement(envelope: $0) }
        i = 0
        time("Statement JSON parse") { _ in _ = try? JSONParser.parse(envs[i % envs.count].payload); i += 1 }
        i = 0
        time("predicateJSON") { _ in _ = checked[i % checked.count].statement.predicateJSON; i += 1 }
        i = 0
        time("JCS.isCanonical(line)") { l in _ = JCS.isCanonical(l) }
    }
}
