import Foundation
import TrailCrypto

/// 16-byte truncated SHA-256 keys keep per-statement state to a few dozen bytes.
struct StatementKey: Hashable, Sendable {
    var a: UInt64
    var b: UInt64

    init(_ h: [UInt8]) {
        a = h.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self) }
        b = h.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self) }
    }

    init(a: UInt64, b: UInt64) {
        self.a = a
        self.b = b
    }

    /// The key under which the valid checkpoint record at `seq` is remembered.
    init(checkpoint seq: Int) { self.init(Digest.sha256(Array("chiptrail checkpoint \(seq)".utf8))) }
}

/// What the verifier remembers about earlier records so that later ones can refer to them: envelope identities
/// (duplicate detection), intact statements by line hash (retraction targets) and valid checkpoints (cosignatures).
///
/// Only positions are kept; a record referred to is read back from the ledger (or, for a record not yet written,
/// from the line the verifier was given). `MemoryHistory` serves `ledger verify`; `DiskHistory` (the sidecar index)
/// serves append, so that neither holds per-statement records in memory.
protocol VerifierHistory: AnyObject {
    /// Whether an intact statement with this envelope identity came earlier.
    func containsEnvelope(_ key: StatementKey) throws -> Bool
    /// The line of the earlier intact statement whose line hash is `key`.
    func statementLine(_ key: StatementKey) throws -> [UInt8]?
    /// The line of the earlier valid checkpoint record at `seq`.
    func checkpointLine(seq: Int) throws -> [UInt8]?
    /// Remembers an intact statement. `pending` is the line when it is not (yet) in the file.
    func addStatement(envelope: StatementKey, line: StatementKey, offset: Int64, pending: [UInt8]?) throws
    /// Remembers a valid checkpoint record.
    func addCheckpoint(seq: Int, offset: Int64, pending: [UInt8]?) throws
}

/// The in-memory history of one verification pass: per intact statement its two 16-byte keys and its offset (40
/// bytes, in fixed chunks that never move), found through two open-addressing tables of 4-byte indices kept at most
/// half full — about 56 bytes per statement, with no rehash of the records themselves as the ledger grows. Lines are
/// read back from the ledger file when a retraction or cosignature needs them.
final class MemoryHistory: VerifierHistory {
    private struct Item {
        var envelope: StatementKey
        var line: StatementKey
        var offset: Int64
    }

    private static let chunkSize = 1 << 16
    private let path: String
    private var fd: Int32 = -1
    private var chunks: [[Item]] = []
    private var count = 0
    /// Item index + 1 (0 = empty), by envelope key and by line key.
    private var byEnvelope = [Int32](repeating: 0, count: 1024)
    private var byLine = [Int32](repeating: 0, count: 1024)
    private(set) var checkpoints: [Int: Int64] = [:]
    private var pendingLines: [Int64: [UInt8]] = [:]

    init(path: String) { self.path = path }

    deinit { if fd >= 0 { close(fd) } }

    private func item(_ i: Int) -> Item { chunks[i / Self.chunkSize][i % Self.chunkSize] }

    /// The index of the item whose key (`keyOf`) is `key`, probing `table` linearly from the key's low bits.
    private func find(_ key: StatementKey, in table: [Int32], _ keyOf: (Item) -> StatementKey) -> Int? {
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: key.a) & mask
        while true {
            let v = table[slot]
            if v == 0 { return nil }
            if keyOf(item(Int(v) - 1)) == key { return Int(v) - 1 }
            slot = (slot + 1) & mask
        }
    }

    private static func insert(_ index: Int, _ key: StatementKey, into table: inout [Int32]) {
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: key.a) & mask
        while table[slot] != 0 { slot = (slot + 1) & mask }
        table[slot] = Int32(index + 1)
    }

    private func grow() {
        let size = byEnvelope.count * 2
        byEnvelope = [Int32](repeating: 0, count: size)
        byLine = [Int32](repeating: 0, count: size)
        for i in 0..<count {
            let it = item(i)
            Self.insert(i, it.envelope, into: &byEnvelope)
            Self.insert(i, it.line, into: &byLine)
        }
    }

    func containsEnvelope(_ key: StatementKey) -> Bool { find(key, in: byEnvelope, \.envelope) != nil }

    func statementLine(_ key: StatementKey) throws -> [UInt8]? {
        guard let i = find(key, in: byLine, \.line) else { return nil }
        return try line(at: item(i).offset)
    }

    func checkpointLine(seq: Int) throws -> [UInt8]? {
        guard let offset = checkpoints[seq] else { return nil }
        return try line(at: offset)
    }

    func addStatement(envelope: StatementKey, line: StatementKey, offset: Int64, pending: [UInt8]?) {
        if (count + 1) * 2 > byEnvelope.count { grow() }
        if count % Self.chunkSize == 0 {
            chunks.append([])
            chunks[chunks.count - 1].reserveCapacity(Self.chunkSize)
        }
        chunks[chunks.count - 1].append(Item(envelope: envelope, line: line, offset: offset))
        Self.insert(count, envelope, into: &byEnvelope)
        Self.insert(count, line, into: &byLine)
        count += 1
        if let pending { pendingLines[offset] = pending }
    }

    func addCheckpoint(seq: Int, offset: Int64, pending: [UInt8]?) {
        checkpoints[seq] = offset
        if let pending { pendingLines[offset] = pending }
    }

    func line(at offset: Int64) throws -> [UInt8]? {
        if let l = pendingLines[offset] { return l }
        if fd < 0 {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw TrailError.io("cannot open \(path): \(FileIO.errnoText())", file: path) }
        }
        return readLine(fd: fd, at: offset)
    }
}

extension MemoryHistory {
    /// Every remembered statement as (envelope key, line key, offset), in insertion (ledger) order.
    func forEachStatement(_ body: (StatementKey, StatementKey, Int64) -> Void) {
        for i in 0..<count {
            let it = item(i)
            body(it.envelope, it.line, it.offset)
        }
    }

    var statementCount: Int { count }
}
