import Foundation
import TrailCrypto

/// A reader of a published log (C2SP tlog-tiles, SPEC.md §15): its checkpoint, its hash tiles as a
/// `MerkleHashSource`, and its entries, every one checked against the tree before it is returned.
public final class TileLog: @unchecked Sendable {
    // @unchecked: a TileLog is used from one thread at a time (the CLI's command); the lock guards the counters.
    public let fetcher: any TileFetcher
    private let lock = NSLock()
    private var fetchedPaths: [String] = []
    private var tiles: [String: [MerkleHash]] = [:]

    public init(fetcher: any TileFetcher) { self.fetcher = fetcher }

    /// Every path fetched so far, in order (a proof needs O(log n) of them).
    public var fetched: [String] { lock.withLock { fetchedPaths } }

    func get(_ path: String) throws -> [UInt8] {
        lock.withLock { fetchedPaths.append(path) }
        return try fetcher.fetch(path)
    }

    /// The published checkpoint note and its parsed body. Errors: `tiles-missing`, `tiles-fetch-failed`,
    /// `malformed-note`, `malformed-checkpoint`.
    public func checkpoint() throws -> (note: String, checkpoint: Checkpoint) {
        let bytes = try get(TileLayout.checkpointPath)
        let note = try SignedNote(parsing: bytes)
        return (String(decoding: bytes, as: UTF8.self), try Checkpoint(text: note.text))
    }

    /// The hash tiles of the tree of `size` leaves.
    public func hashSource(size: Int) -> TileHashSource { TileHashSource(log: self, size: size) }

    /// The hashes of tile (level, index) of the tree of `size` leaves. Errors: `tiles-malformed` when the tile is
    /// not exactly its width × 32 bytes.
    func tile(level: Int, index: Int, size: Int) throws -> [MerkleHash] {
        let width = TileLayout.width(level: level, index: index, size: size)
        let path = TileLayout.tilePath(level: level, index: index, width: width)
        if let cached = lock.withLock({ tiles[path] }) { return cached }
        let bytes = try get(path)
        guard bytes.count == width * MerkleHash.byteCount else {
            throw EntryBundle.malformed(path, "a tile of width \(width) is \(width * 32) bytes, this one \(bytes.count)")
        }
        let hashes = (0..<width).map { MerkleHash(bytes[($0 * 32)..<($0 * 32 + 32)])! }
        // Each tile is fetched once per reader (32 bytes per entry in memory).
        lock.withLock { tiles[path] = hashes }
        return hashes
    }

    /// The lines of entry bundle `index` of the tree of `size` leaves, large entries resolved, each checked against
    /// the level-0 tile's leaf hash. Errors: `tiles-mismatch`, `tiles-malformed`, `tiles-missing`.
    public func bundle(index: Int, size: Int) throws -> [[UInt8]] {
        let width = TileLayout.width(level: 0, index: index, size: size)
        let path = TileLayout.entriesPath(index: index, width: width)
        let entries = try EntryBundle.decode(try get(path), count: width, path: path)
        let hashes = try tile(level: 0, index: index, size: size)
        var lines: [[UInt8]] = []
        lines.reserveCapacity(width)
        for (i, e) in entries.enumerated() {
            let seq = index * TileLayout.width + i
            let line: [UInt8]
            switch e {
            case .inline(let b): line = b
            case .reference(let h):
                let large = TileLayout.largeEntryPath(h)
                line = try get(large)
                guard Digest.sha256(line) == h else {
                    throw TrailError("tiles-mismatch", "\(large) does not hash to its name (entry \(seq))", file: large, seq: seq)
                }
            }
            guard Merkle.leafHash(line) == hashes[i] else {
                throw TrailError(
                    "tiles-mismatch", "entry \(seq) in \(path) does not hash to leaf \(seq) of the level-0 tile",
                    remedy: "the publication is inconsistent: publish again, or report it to the log's operator",
                    file: path, seq: seq)
            }
            lines.append(line)
        }
        return lines
    }

    /// Writes the published lines `from..<checkpoint.size` to `out` (an open file), each followed by LF, feeding
    /// every line to `accumulator`; at the end the accumulator's root must be the checkpoint's
    /// (`tiles-mismatch` otherwise). `accumulator` must hold the first `from` lines.
    public func reassemble(
        checkpoint: Checkpoint, from: Int, accumulator: inout MerkleAccumulator, write: ([UInt8]) throws -> Void
    ) throws {
        precondition(accumulator.size == from)
        var next = from
        while next < checkpoint.size {
            let index = next / TileLayout.width
            let lines = try bundle(index: index, size: checkpoint.size)
            for line in lines.dropFirst(next - index * TileLayout.width) {
                accumulator.append(entry: line)
                try write(line + [0x0A])
                next += 1
            }
        }
        guard accumulator.root == checkpoint.rootHash else {
            throw TrailError(
                "tiles-mismatch",
                "the \(checkpoint.size) published entries hash to \(accumulator.root.hex.prefix(16))…, the checkpoint signs \(checkpoint.rootHash.hex.prefix(16))…",
                remedy: "the publication is not the tree its checkpoint signs")
        }
    }

    /// The lines published after the tree (`tail.jsonl`: the checkpoint record and its cosignatures), checked to
    /// start with the record of `note`'s checkpoint; empty when the log publishes none. Errors: `tiles-mismatch`.
    public func tail(note: String, checkpoint: Checkpoint) throws -> [[UInt8]] {
        let bytes: [UInt8]
        do {
            bytes = try get(TileLayout.tailPath)
        } catch let e as TrailError where e.code == "tiles-missing" {
            return []
        }
        guard bytes.isEmpty || bytes.last == 0x0A else {
            throw TrailError("tiles-malformed", "\(TileLayout.tailPath) does not end with a newline")
        }
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
        guard let first = lines.first else { return [] }
        guard let r = try? Record.parse(line: first), r.seq == checkpoint.size, case .checkpoint(let own) = r.body,
            let a = try? SignedNote(parsing: own), let b = try? SignedNote(parsing: note), a.text == b.text
        else {
            throw TrailError(
                "tiles-mismatch",
                "\(TileLayout.tailPath) does not start with the record of the published checkpoint (size \(checkpoint.size))",
                remedy: "the publication may be in progress: try again")
        }
        return lines
    }

    /// The C2SP tlog-proof of entry `seq` against the published checkpoint, from O(log n) tiles.
    /// Errors: `seq-out-of-range`, `tiles-mismatch` (the proof does not reach the checkpoint's root).
    public func tlogProof(seq: Int) throws -> TlogProof {
        let (note, cp) = try checkpoint()
        guard seq >= 0, seq < cp.size else {
            throw TrailError.usage("seq-out-of-range", "seq \(seq) is not committed by the published checkpoint (tree size \(cp.size))")
        }
        let line = try bundle(index: seq / TileLayout.width, size: cp.size)[seq % TileLayout.width]
        let proof = try hashSource(size: cp.size).inclusionProof(index: seq, size: cp.size)
        guard Merkle.verifyInclusion(leafHash: Merkle.leafHash(line), index: seq, size: cp.size, proof: proof, root: cp.rootHash)
        else {
            throw TrailError("tiles-mismatch", "the published tiles do not prove entry \(seq) against the checkpoint's root")
        }
        return TlogProof(index: seq, hashes: proof, checkpoint: note, extra: line)
    }

    /// Checks that the tree of `old` is a prefix of the published tree of `new` (RFC 9162 §2.1.4), from O(log n)
    /// tiles of the new tree. Errors: `inconsistent-with-checkpoint`.
    public func proveConsistent(old: Checkpoint, new: Checkpoint) throws -> [MerkleHash] {
        guard old.origin == new.origin else {
            throw TrailError(
                "inconsistent-with-checkpoint", "the published checkpoint is for \(new.origin), the last one seen for \(old.origin)")
        }
        guard old.size <= new.size else {
            throw TrailError(
                "inconsistent-with-checkpoint",
                "the published checkpoint has size \(new.size), smaller than the \(old.size) of the last one seen: the log went back")
        }
        let source = hashSource(size: new.size)
        let proof = try source.consistencyProof(from: old.size, to: new.size)
        guard Merkle.verifyConsistency(size1: old.size, size2: new.size, root1: old.rootHash, root2: new.rootHash, proof: proof)
        else {
            throw TrailError(
                "inconsistent-with-checkpoint",
                "the tree of size \(old.size) (root \(old.rootHash.hex.prefix(16))…) is not a prefix of the published tree of size \(new.size) (root \(new.rootHash.hex.prefix(16))…): a split view or rewritten history",
                remedy: "keep both signed checkpoints as evidence")
        }
        return proof
    }
}

/// The hash tiles of a published tree as a `MerkleHashSource`: the subtree at Merkle level 8·L + r is the root of
/// 2^r consecutive hashes of a tile at tile level L. Tiles are fetched when first needed (the log keeps them).
public final class TileHashSource: MerkleHashSource, @unchecked Sendable {
    // @unchecked: used from one thread at a time.
    let log: TileLog
    public let size: Int

    init(log: TileLog, size: Int) {
        self.log = log
        self.size = size
    }

    public func subtreeHash(level: Int, index: Int) throws -> MerkleHash {
        guard level >= 0, index >= 0, (index + 1) << level <= size else {
            throw Merkle.outOfRange("no complete subtree at level \(level), index \(index) in a tree of size \(size)")
        }
        let tileLevel = level / TileLayout.height
        let r = level % TileLayout.height
        let first = index << r
        let tileIndex = first / TileLayout.width
        let hashes = try log.tile(level: tileLevel, index: tileIndex, size: size)
        var row = Array(hashes[(first % TileLayout.width)..<(first % TileLayout.width + (1 << r))])
        while row.count > 1 {
            row = stride(from: 0, to: row.count, by: 2).map { Merkle.nodeHash(row[$0], row[$0 + 1]) }
        }
        return row[0]
    }
}
