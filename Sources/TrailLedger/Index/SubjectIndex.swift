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
    /// Per record, 1 + the seq of the next statement with the same subject (0: none).
    private let links: WordColumn
    let table: KeyTable
    /// First and latest statement per subject key, not yet in the table.
    private var heads: [StatementKey: Int] = [:]

    var file: IndexFile { links.file }
    /// Records covered, including those not yet flushed.
    var count: Int { links.count }

    init(file: IndexFile, table: KeyTable, count: Int) {
        links = WordColumn(file: file, count: count)
        self.table = table
    }

    static func firstKey(_ subject: String) -> StatementKey {
        StatementKey(Digest.sha256(Array("chiptrail subject first \(subject)".utf8)))
    }

    static func latestKey(_ subject: String) -> StatementKey {
        StatementKey(Digest.sha256(Array("chiptrail subject latest \(subject)".utf8)))
    }

    /// Reserves the link slot of the next record.
    func appendRecord() { links.append(0) }

    /// The seq of the statement after `seq` with the same subject, as stored (unchecked).
    func next(of seq: Int) -> Int? {
        guard seq >= 0, let raw = links.word(seq) else { return nil }
        return raw == 0 || raw > UInt64(Int.max) ? nil : Int(raw - 1)
    }

    private func setNext(of seq: Int, _ next: Int?) { links.set(seq, next.map { UInt64($0) + 1 } ?? 0) }

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
    func flush() throws { try links.flush() }

    /// Writes the first and latest statement of the subjects seen since the last call into the key table (after the
    /// links they lead to are written).
    func commitHeads() throws {
        for (k, seq) in heads { try table.insert(k, .subject, offset: Int64(seq)) }
        heads.removeAll()
    }

    /// Pending heads: bounded while indexing a long file.
    var pendingHeads: Int { heads.count }
}
