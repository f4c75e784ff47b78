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

/// The in-memory history of one verification pass: 16-byte keys and 8-byte offsets per statement (about 60 bytes
/// each in Swift's hash tables), lines read back from the ledger file when a retraction or cosignature needs them.
final class MemoryHistory: VerifierHistory {
    private let path: String
    private var fd: Int32 = -1
    private var envelopes = Set<StatementKey>()
    private var statements: [StatementKey: Int64] = [:]
    private var checkpoints: [Int: Int64] = [:]
    private var pendingLines: [Int64: [UInt8]] = [:]

    init(path: String) { self.path = path }

    deinit { if fd >= 0 { close(fd) } }

    func containsEnvelope(_ key: StatementKey) -> Bool { envelopes.contains(key) }

    func statementLine(_ key: StatementKey) throws -> [UInt8]? {
        guard let offset = statements[key] else { return nil }
        return try line(at: offset)
    }

    func checkpointLine(seq: Int) throws -> [UInt8]? {
        guard let offset = checkpoints[seq] else { return nil }
        return try line(at: offset)
    }

    func addStatement(envelope: StatementKey, line: StatementKey, offset: Int64, pending: [UInt8]?) {
        envelopes.insert(envelope)
        statements[line] = offset
        if let pending { pendingLines[offset] = pending }
    }

    func addCheckpoint(seq: Int, offset: Int64, pending: [UInt8]?) {
        checkpoints[seq] = offset
        if let pending { pendingLines[offset] = pending }
    }

    private func line(at offset: Int64) throws -> [UInt8]? {
        if let l = pendingLines[offset] { return l }
        if fd < 0 {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw TrailError.io("cannot open \(path): \(FileIO.errnoText())", file: path) }
        }
        return readLine(fd: fd, at: offset)
    }
}
