import Dispatch
import Foundation
import TrailCrypto
import TrailLedger

/// Library-level proof latency from the sidecar index: one record's line and inclusion proof against the latest
/// tree, and a consistency proof, per random record (what `ledger prove` does per bundle entry).
enum ProofBench {
    static func run(dir: String, repeats: Int) throws {
        let path = dir + "/ledger.jsonl"
        var t0 = DispatchTime.now().uptimeNanoseconds
        let index = try LedgerIndex.open(ledger: path)
        let openMs = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        let n = index.recordCount
        var total = 0.0
        var worst = 0.0
        for _ in 0..<repeats {
            let seq = Int.random(in: 0..<n)
            t0 = DispatchTime.now().uptimeNanoseconds
            guard let line = index.line(of: seq) else { fail("no line \(seq)") }
            let proof = try index.hashes.inclusionProof(index: seq, size: n)
            let root = try index.hashes.root(size: n)
            _ = try index.hashes.consistencyProof(from: max(1, n / 2), to: n)
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
            guard Merkle.verifyInclusion(leafHash: Merkle.leafHash(line), index: seq, size: n, proof: proof, root: root) else {
                fail("proof of \(seq) does not verify")
            }
            total += dt
            worst = max(worst, dt)
        }
        print(String(format: "index_open_ms=%.2f proof_avg_ms=%.3f proof_max_ms=%.3f records=%d", openMs, total / Double(repeats), worst, n))
    }
}
