import Foundation
import TrailCrypto
import TrailLedger

/// A ledger argument that may name a published log (C2SP tlog-tiles): a directory written by `ledger publish`
/// or an http(s) base URL. Such a log is reassembled into a private temporary file — every entry checked against
/// its level-0 tile, the whole tree against the checkpoint's root, the tail against the checkpoint — which then
/// gets exactly the verdict of the ledger file.
enum TilesInput {
    /// Per-request timeout (seconds) and retries of HTTP fetches (`CHIPTRAIL_TILES_TIMEOUT`, default 30).
    static var timeout: Double {
        ProcessInfo.processInfo.environment["CHIPTRAIL_TILES_TIMEOUT"].flatMap(Double.init) ?? 30
    }

    /// The log at `argument`, or nil when it names a file (or `-`).
    static func log(_ argument: String) throws -> TileLog? {
        guard isTilesLocation(argument) else { return nil }
        return TileLog(fetcher: try TileFetcherFactory.at(argument, timeout: timeout))
    }

    /// `InputFile(argument)`, or the reassembled copy of the log `argument` names.
    static func open(_ argument: String, what: String = "ledger") throws -> InputFile {
        guard let log = try log(argument) else { return try InputFile(argument, what: what) }
        return try reassemble(log, name: argument)
    }

    static func reassemble(_ log: TileLog, name: String) throws -> InputFile {
        let base = (ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
        var template = Array((base + "/chiptrail-tiles-XXXXXX").utf8CString)
        guard let dirPointer = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TrailError.io("cannot make a temporary directory in \(base): \(FileIO.errnoText())", remedy: "set TMPDIR to a writable directory")
        }
        let directory = String(cString: dirPointer)
        let path = directory + "/ledger.jsonl"
        let input = InputFile(adopting: path, directory: directory, name: name)
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let out = FileHandle(forWritingAtPath: path)
        else { throw TrailError.io("cannot create \(path)", file: path) }
        defer { try? out.close() }
        let (note, cp) = try log.checkpoint()
        var acc = MerkleAccumulator()
        try log.reassemble(checkpoint: cp, from: 0, accumulator: &acc) { out.write(Data($0)) }
        for line in try log.tail(note: note, checkpoint: cp) { out.write(Data(line + [0x0A])) }
        return input
    }
}

/// `TileFetcher.at` under a name the CLI can call (a protocol's static factory needs a concrete type).
enum TileFetcherFactory {
    static func at(_ location: String, timeout: Double) throws -> any TileFetcher {
        if location.hasPrefix("http://") || location.hasPrefix("https://") {
            return try HTTPTileFetcher(base: location, timeout: timeout, retries: 2)
        }
        return DirectoryTileFetcher(directory: location)
    }
}

extension LedgerProve {
    /// `--tlog-proof --seq N` from a published log: the checkpoint, one entry bundle and the O(log n) hash tiles
    /// of the proof.
    static func writeFromTiles(_ log: TileLog, seq: Int, out: String, format: OutputFormat) throws {
        let proof = try log.tlogProof(seq: seq)
        try FileIO.writeAtomically(Array(proof.text.utf8), to: out, mode: 0o644, overwrite: true)
        if format == .json {
            printJSON(["out": out, "index": seq, "proofLength": proof.hashes.count, "fetched": log.fetched])
        } else {
            print("wrote \(out): tlog-proof of seq \(seq), \(proof.hashes.count) proof hashes (\(log.fetched.count) resources fetched)")
        }
    }
}
