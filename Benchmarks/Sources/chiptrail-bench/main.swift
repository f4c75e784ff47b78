import Dispatch
import Foundation
import TrailCrypto
import TrailLedger

// chiptrail-bench: writes realistic benchmark ledgers and fresh envelopes for the append benchmarks.
//
//   chiptrail-bench generate  --dir DIR --records N [--checkpoint-every K]
//   chiptrail-bench envelopes --dir DIR --count M --out OUTDIR --tag TAG
//   chiptrail-bench prove     --dir DIR [--repeat R]       (library-level proofs from the sidecar index)
//   chiptrail-bench reindex   --dir DIR                     (builds DIR/ledger.jsonl.idx, timed)
//   chiptrail-bench verify    --dir DIR                     (LedgerVerifier alone: integrity, no compliance)
//   chiptrail-bench trust-scale --dir DIR --certs N --witnesses W   (N certificates + N CRLs, W cosigning witnesses)
//
// `generate` writes DIR/ledger.jsonl (genesis and first checkpoint through `Ledger.initialize`, then
// certificate, CRL, statement and checkpoint records built with the library's record codec), DIR/root.pem,
// DIR/operator.key, DIR/parties/*.{key,pem} and DIR/meta.json (the record and signature-algorithm counts).

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("chiptrail-bench: " + message + "\n").utf8))
    exit(64)
}

enum Args { static let all = Array(CommandLine.arguments.dropFirst()) }
let args = Args.all
guard let command = args.first else { fail("usage: chiptrail-bench generate|envelopes|prove|reindex …") }
func option(_ name: String) -> String? {
    guard let i = Args.all.firstIndex(of: "--" + name), i + 1 < Args.all.count else { return nil }
    return Args.all[i + 1]
}
func intOption(_ name: String, _ def: Int? = nil) -> Int {
    guard let s = option(name) else {
        if let def { return def }
        fail("--\(name) is required")
    }
    guard let v = Int(s.replacingOccurrences(of: "_", with: "")) else { fail("--\(name) must be an integer") }
    return v
}
guard let dir = option("dir") else { fail("--dir is required") }

do {
    switch command {
    case "generate":
        try Generator(dir: dir).generate(records: intOption("records"), checkpointEvery: intOption("checkpoint-every", 1000))
    case "envelopes":
        guard let out = option("out"), let tag = option("tag") else { fail("--out and --tag are required") }
        try Generator.envelopes(dir: dir, count: intOption("count"), out: out, tag: tag)
    case "prove":
        try ProofBench.run(dir: dir, repeats: intOption("repeat", 200))
    case "verify":
        // Integrity verification through the library, without the compliance layer.
        let root = try Certificate(pem: try String(contentsOfFile: dir + "/root.pem", encoding: .utf8))
        let t0 = DispatchTime.now().uptimeNanoseconds
        let report = try LedgerVerifier(path: dir + "/ledger.jsonl", options: VerifyOptions(trust: [root])).run()
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        print(String(format: "verify_seconds=%.3f records=%d errors=%d", dt, report.records, report.errors.count))
        if !report.integrityOK { exit(1) }
    case "trust-scale":
        try TrustScale.generate(dir: dir, certs: intOption("certs"), witnesses: intOption("witnesses"))
    case "micro":
        try Micro.run()
    case "steps":
        try Steps.run(ledger: dir + "/ledger.jsonl", count: intOption("count", 3000))
    case "reindex":
        let t0 = DispatchTime.now().uptimeNanoseconds
        try LedgerIndex.rebuild(ledger: dir + "/ledger.jsonl")
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        print(String(format: "reindex_seconds=%.3f", dt))
    default:
        fail("unknown command \(command)")
    }
} catch {
    fail("\(error)")
}
