import Foundation
import TrailCrypto

/// The ledger tree's complete subtree hashes in the tlog stored-hash layout (`<ledger>.idx.hashes`, 32 bytes
/// each at `StoredHash.index(level:_:)`), so a root or proof reads O(log n) hashes from disk.
///
/// Appended leaves are held in memory until `flush()` writes them (after the ledger write is durable).
public final class StoredHashFile: MerkleHashSource {
    let file: IndexFile
    /// Leaves stored, including those not yet flushed.
    public private(set) var size: Int
    /// Leaves on disk.
    private(set) var flushedSize: Int
    /// Stored hashes from index `StoredHash.count(flushedSize)` on, not yet written.
    private var pending: [MerkleHash] = []
    /// The compact range of `size` leaves: roots of the complete subtrees for the set bits of `size`, left first.
    private(set) var peaks: [MerkleHash]

    init(file: IndexFile, size: Int, peaks: [MerkleHash]) {
        self.file = file
        self.size = size
        self.flushedSize = size
        self.peaks = peaks
    }

    public func subtreeHash(level: Int, index: Int) throws -> MerkleHash {
        guard level >= 0, level < Int.bitWidth - 1, index >= 0, (index + 1) << level <= size else {
            throw Merkle.outOfRange("no complete subtree at level \(level), index \(index) in a tree of size \(size)")
        }
        return try hash(at: StoredHash.index(level: level, index))
    }

    /// The stored hash at position `i`.
    func hash(at i: Int) throws -> MerkleHash {
        let base = StoredHash.count(flushedSize)
        if i >= base { return pending[i - base] }
        guard let b = file.read(at: Int64(i) * 32, count: 32), let h = MerkleHash(b) else {
            throw TrailError("index-corrupt", "the index's stored hash \(i) is missing", file: file.path)
        }
        return h
    }

    /// Appends one leaf: its hash and the hash of every subtree it completes (tlog.StoredHashesForRecordHash).
    func append(leafHash: MerkleHash) {
        var h = leafHash
        pending.append(h)
        var s = size
        while s & 1 == 1 {
            h = Merkle.nodeHash(peaks.removeLast(), h)
            pending.append(h)
            s >>= 1
        }
        peaks.append(h)
        size += 1
    }

    /// Writes the appended hashes.
    func flush() throws {
        guard !pending.isEmpty else { return }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pending.count * 32)
        for h in pending { h.withUnsafeBytes { bytes += $0 } }
        try file.write(bytes, at: Int64(StoredHash.count(flushedSize)) * 32)
        pending.removeAll()
        flushedSize = size
    }
}

/// A file of 8-byte little-endian words, one per record: words of new records are buffered until `flush`, changes
/// to words already written are kept as patches until then.
final class WordColumn {
    let file: IndexFile
    /// Records covered, including those not yet flushed.
    private(set) var count: Int
    private var flushedCount: Int
    private var pending: [UInt64] = []
    private var patches: [Int: UInt64] = [:]

    init(file: IndexFile, count: Int) {
        self.file = file
        self.count = count
        self.flushedCount = count
    }

    var pendingCount: Int { pending.count }

    func append(_ word: UInt64) {
        pending.append(word)
        count += 1
    }

    /// The word of record `i`; nil outside the column or when it cannot be read.
    func word(_ i: Int) -> UInt64? {
        guard i >= 0 && i < count else { return nil }
        if i >= flushedCount { return pending[i - flushedCount] }
        if let p = patches[i] { return p }
        guard let b = file.read(at: Int64(i) * 8, count: 8) else { return nil }
        return b.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    func set(_ i: Int, _ word: UInt64) {
        if i >= flushedCount { pending[i - flushedCount] = word } else { patches[i] = word }
    }

    func flush() throws {
        for (i, w) in patches { try withUnsafeBytes(of: w.littleEndian) { try file.write($0, at: Int64(i) * 8) } }
        patches.removeAll()
        guard !pending.isEmpty else { return }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pending.count * 8)
        for w in pending { withUnsafeBytes(of: w.littleEndian) { bytes += $0 } }
        try file.write(bytes, at: Int64(flushedCount) * 8)
        pending.removeAll()
        flushedCount = count
    }
}

/// Byte offsets of the ledger's lines (`<ledger>.idx.records`, 8 bytes little-endian per record).
final class RecordOffsets {
    private let column: WordColumn
    var file: IndexFile { column.file }
    var count: Int { column.count }
    var pendingCount: Int { column.pendingCount }

    init(file: IndexFile, count: Int) { column = WordColumn(file: file, count: count) }

    func offset(of seq: Int) -> Int64? { column.word(seq).map { Int64(bitPattern: $0) } }
    func append(_ offset: Int64) { column.append(UInt64(bitPattern: offset)) }
    func flush() throws { try column.flush() }
}
