import Foundation
import TrailCrypto

/// The verifier's history kept in the sidecar index: envelope identities, statement line hashes and checkpoint
/// seqs in the on-disk `KeyTable`, each pointing at its line in the ledger.
///
/// Records of the ledger file go to the table at once; candidate records (not yet written) stay in memory until
/// `commit()`, after the ledger write is durable, so a refused batch leaves no trace.
final class DiskHistory: VerifierHistory {
    let table: KeyTable
    private let ledgerFD: Int32
    /// Lookups ignore table entries at or beyond this offset: not part of the ledger the index describes. Such
    /// entries can be left by an append killed after its ledger write but before the index state was saved;
    /// while catching up, the records at those offsets are found through `recent` once they are seen again.
    var limit: Int64
    private var recent: [KeyTable.Kind: [StatementKey: Int64]] = [:]
    private var pendingEntries: [(StatementKey, KeyTable.Kind, Int64)] = []
    private var pendingKeys: [KeyTable.Kind: [StatementKey: Int64]] = [:]
    private var pendingLines: [Int64: [UInt8]] = [:]

    init(table: KeyTable, ledgerFD: Int32, limit: Int64) {
        self.table = table
        self.ledgerFD = ledgerFD
        self.limit = limit
    }

    private func find(_ key: StatementKey, _ kind: KeyTable.Kind) -> Int64? {
        if let o = pendingKeys[kind]?[key] { return o }
        if let o = recent[kind]?[key] { return o }
        return table.lookup(key, kind, below: limit)
    }

    private func line(at offset: Int64) -> [UInt8]? {
        if let l = pendingLines[offset] { return l }
        return readLine(fd: ledgerFD, at: offset)
    }

    func containsEnvelope(_ key: StatementKey) -> Bool { find(key, .envelope) != nil }

    func statementLine(_ key: StatementKey) -> [UInt8]? { find(key, .statement).flatMap(line(at:)) }

    func checkpointLine(seq: Int) -> [UInt8]? { find(StatementKey(checkpoint: seq), .checkpoint).flatMap(line(at:)) }

    func addStatement(envelope: StatementKey, line: StatementKey, offset: Int64, pending: [UInt8]?) throws {
        try add(envelope, .envelope, offset, pending)
        try add(line, .statement, offset, pending)
    }

    func addCheckpoint(seq: Int, offset: Int64, pending: [UInt8]?) throws {
        try add(StatementKey(checkpoint: seq), .checkpoint, offset, pending)
    }

    private func add(_ key: StatementKey, _ kind: KeyTable.Kind, _ offset: Int64, _ pending: [UInt8]?) throws {
        if let pending {
            pendingEntries.append((key, kind, offset))
            pendingKeys[kind, default: [:]][key] = offset
            pendingLines[offset] = pending
        } else {
            try table.insert(key, kind, offset: offset)
            if offset >= limit { recent[kind, default: [:]][key] = offset }
        }
    }

    /// Writes the candidate records' entries (call once their lines are durable in the ledger).
    func commit(limit newLimit: Int64) throws {
        for (k, kind, o) in pendingEntries { try table.insert(k, kind, offset: o) }
        pendingEntries = []
        pendingKeys = [:]
        pendingLines = [:]
        recent = [:]
        limit = newLimit
    }
}
