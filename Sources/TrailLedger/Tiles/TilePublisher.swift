import Foundation
import TrailCrypto

/// Publishes a ledger as a C2SP tlog-tiles directory (`ledger publish --tiles DIR`, SPEC.md §15).
///
/// The published tree is the one the ledger's latest checkpoint commits to: its first `size` lines. Every file is
/// written atomically (temporary file, fsync, rename); tiles, entry bundles and large entries are immutable, so a
/// file already present with the same bytes is left alone and one with other bytes stops the publication
/// (`tiles-mismatch`: the directory holds another history). The checkpoint is written last, after the tail.
public enum TilePublisher {
    /// What a publication wrote.
    public struct Result: Sendable, Equatable {
        /// The tree size of the published checkpoint.
        public var treeSize: Int
        /// The root of the published tree.
        public var root: MerkleHash
        /// Paths (relative to the directory) written by this run, in the order written.
        public var written: [String]
        /// Files that were already there with the same bytes.
        public var unchanged: Int
        /// Lines published by reference (`tile/entries/large/…`).
        public var largeEntries: Int
    }

    /// The latest checkpoint record of a ledger with the witness lines of every cosignature record for it, and
    /// the lines from that record to the end of the file.
    struct Latest {
        var seq: Int
        var checkpoint: Checkpoint
        var note: SignedNote
        var tail: [[UInt8]]
    }

    /// Publishes the ledger at `path` into `directory` (created when missing).
    /// Errors: `no-checkpoint`, `checkpoint-root-mismatch` (the ledger does not hold the tree its checkpoint
    /// signs), `tiles-mismatch`, `io-error`.
    public static func publish(ledger path: String, to directory: String) throws -> Result {
        let latest = try findLatest(path: path)
        let size = latest.checkpoint.size
        var result = Result(treeSize: size, root: latest.checkpoint.rootHash, written: [], unchanged: 0, largeEntries: 0)
        var tree = InMemoryMerkleTree()
        var bundle: [EntryBundle.Entry] = []
        let reader = try LineReader(path: path)
        while tree.size < size, let item = try reader.next() {
            guard case .line(_, _, let line) = item else { break }
            tree.append(entry: line)
            let entry = EntryBundle.entry(for: line)
            if case .reference(let h) = entry {
                try put(line, TileLayout.largeEntryPath(h), in: directory, &result)
                result.largeEntries += 1
            }
            bundle.append(entry)
            if bundle.count == TileLayout.width || tree.size == size {
                let index = (tree.size - 1) / TileLayout.width
                try put(EntryBundle.encode(bundle), TileLayout.entriesPath(index: index, width: bundle.count), in: directory, &result)
                bundle.removeAll(keepingCapacity: true)
            }
        }
        guard tree.size == size else {
            throw TrailError(
                "checkpoint-root-mismatch", "\(path) holds \(tree.size) lines, fewer than its checkpoint's tree size \(size)",
                file: path)
        }
        let root = try tree.root()
        guard root == latest.checkpoint.rootHash else {
            throw TrailError(
                "checkpoint-root-mismatch",
                "the first \(size) lines of \(path) hash to \(root.hex.prefix(16))…, its latest checkpoint (seq \(latest.seq)) signs \(latest.checkpoint.rootHash.hex.prefix(16))…",
                remedy: "run `chiptrail ledger verify` on the ledger", file: path)
        }
        for (level, index, width) in TileLayout.tiles(size: size) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(width * MerkleHash.byteCount)
            for i in 0..<width {
                bytes += try tree.subtreeHash(level: level * TileLayout.height, index: index * TileLayout.width + i).bytes
            }
            try put(bytes, TileLayout.tilePath(level: level, index: index, width: width), in: directory, &result)
        }
        try put(latest.tail.flatMap { $0 + [0x0A] }, TileLayout.tailPath, in: directory, &result, mutable: true)
        try put(Array(latest.note.serialized.utf8), TileLayout.checkpointPath, in: directory, &result, mutable: true)
        return result
    }

    /// Writes `bytes` at `relative` unless the same bytes are there; an immutable file with other bytes is
    /// `tiles-mismatch`.
    static func put(_ bytes: [UInt8], _ relative: String, in directory: String, _ result: inout Result, mutable: Bool = false)
        throws
    {
        let path = directory + "/" + relative
        if let old = FileManager.default.contents(atPath: path) {
            if old.elementsEqual(bytes) {
                result.unchanged += 1
                return
            }
            if !mutable {
                throw TrailError(
                    "tiles-mismatch",
                    "\(path) already holds other bytes: the directory publishes another history of this log, and published tiles never change",
                    remedy: "publish into an empty directory, and keep the old one as evidence", file: path)
            }
        }
        let dir = FileIO.directory(of: path)
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw TrailError.io("cannot create \(dir): \(error.localizedDescription)", file: dir)
        }
        try FileIO.writeAtomically(bytes, to: path, mode: 0o644, overwrite: true)
        result.written.append(relative)
    }

    /// The latest checkpoint record, cosigned with the union of the witness lines for it, and the tail after it.
    static func findLatest(path: String) throws -> Latest {
        var latest: Latest?
        let reader = try LineReader(path: path)
        while let item = try reader.next() {
            guard case .line(let index, _, let line) = item else { break }
            let record = try? Record.parse(line: line)
            switch record?.body {
            case .checkpoint(let note)?:
                if let parsed = try? SignedNote(parsing: note), let cp = try? Checkpoint(text: parsed.text), cp.size == index {
                    latest = Latest(seq: index, checkpoint: cp, note: parsed, tail: [])
                }
            case .cosignature(let seq, let note)? where seq == latest?.seq:
                if let cosigned = try? SignedNote(parsing: note), cosigned.text == latest?.note.text {
                    for s in cosigned.signatures where latest?.note.signatures.contains(s) == false {
                        latest?.note.signatures.append(s)
                    }
                }
            default: break
            }
            latest?.tail.append(line)
        }
        guard let latest else {
            throw TrailError("no-checkpoint", "\(path) holds no checkpoint record to publish", file: path)
        }
        return latest
    }
}
