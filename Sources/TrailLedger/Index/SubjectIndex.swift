import Foundation
import TrailCrypto

/// Statement records by subject (`shipment:<id>`, `license:<n>`), so a bundle reads only the statements it needs.
///
/// Each subject's statements form a forward-linked list in ledger order:
/// - `<ledger>.idx.subjects` holds, per record, 8 bytes little-endian: 1 + the seq of the next statement with the
///   same subject (0: none, or not a statement);
/// - the key table (`KeyTable.Kind.subject`) maps a subject to the seq of its first statement and, under a second
///   key, to the seq of its latest statement (a hint that saves walking the list on append).
///
/// Entries are never trusted blindly. While indexing record k, a first, latest or next seq ≥ k can only be left by an
/// append killed before its index state was saved, so it counts as absent and is overwritten. Readers check every
/// statement they follow (its seq and subject) and treat a seq beyond the covered records as the end of the list.
final class SubjectIndex {
    let file: IndexFile
    let table: KeyTable
    /// Records covered, including those not yet flushed.
    private(set) var count: Int
    private var flushedCount: Int
    private var pending: [UInt64] = []
    /// Links of flushed records changed since the last flush.
    private var patches: [Int: UInt64] = [:]
    /// First and latest statement per subject key, not yet in the table.
    private var heads: [StatementKey: Int] = [:]

    init(file: IndexFile, table: KeyTable, count: Int) {
        self.file = file
        self.table = table
        self.count = count
        self.flushedCount = count
    }

    static func firstKey(_ subject: String) -> StatementKey {
        StatementKey(Digest.sha256(Array("chiptrail subject first \(subject)".utf8)))
    }

    static func latestKey(_ subject: String) -> StatementKey {
        StatementKey(Digest.sha256(Array("chiptrail subject latest \(subject)".utf8)))
    }

    /// Reserves the link slot of the next record.
    func appendRecord() {
        pending.append(0)
        count += 1
    }

    /// The seq of the statement after `seq` with the same subject, as stored (unchecked).
    func next(of seq: Int) -> Int? {
        let raw: UInt64
        if seq >= flushedCount {
            guard seq - flushedCount < pending.count else { return nil }
            raw = pending[seq - flushedCount]
        } else if let p = patches[seq] {
            raw = p
        } else {
            guard let b = file.read(at: Int64(seq) * 8, count: 8) else { return nil }
            raw = b.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        }
        return raw == 0 || raw > UInt64(Int.max) ? nil : Int(raw - 1)
    }

    private func setNext(of seq: Int, _ next: Int?) {
        let raw = next.map { UInt64($0) + 1 } ?? 0
        if seq >= flushedCount { pending[seq - flushedCount] = raw } else { patches[seq] = raw }
    }

    private func lookup(_ key: StatementKey) -> Int? {
        if let s = heads[key] { return s }
        return table.lookup(key, .subject).map { Int($0) }
    }

    /// The first statement about `subject`, as stored (unchecked).
    func first(_ subject: String) -> Int? { lookup(SubjectIndex.firstKey(subject)) }

    /// Links statement `seq` (the latest record indexed) into its subject's list.
    func addStatement(seq: Int, subject: String) {
        let fk = SubjectIndex.firstKey(subject)
        let lk = SubjectIndex.latestKey(subject)
        setNext(of: seq, nil)
        guard let first = lookup(fk), first < seq else {
            heads[fk] = seq
            heads[lk] = seq
            return
        }
        var tail = first
        if let hint = lookup(lk), hint > first, hint < seq { tail = hint }
        // Only forward, and only to records before this one: anything else is stale.
        while let n = next(of: tail), n > tail, n < seq { tail = n }
        setNext(of: tail, seq)
        heads[lk] = seq
    }

    /// Writes the links of appended records and changed links.
    func flush() throws {
        if !patches.isEmpty {
            for (seq, raw) in patches { try withUnsafeBytes(of: raw.littleEndian) { try file.write($0, at: Int64(seq) * 8) } }
            patches.removeAll()
        }
        guard !pending.isEmpty else { return }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pending.count * 8)
        for o in pending { withUnsafeBytes(of: o.littleEndian) { bytes += $0 } }
        try file.write(bytes, at: Int64(flushedCount) * 8)
        pending.removeAll()
        flushedCount = count
    }

    /// Writes the first and latest statement of the subjects seen since the last call into the key table (after the
    /// links they lead to are written).
    func commitHeads() throws {
        for (k, seq) in heads { try table.insert(k, .subject, offset: Int64(seq)) }
        heads.removeAll()
    }

    /// Pending heads: bounded while indexing a long file.
    var pendingHeads: Int { heads.count }
}
