import Foundation
import TrailCrypto

/// The sidecar index of a ledger (DESIGN.md §4): derived data that makes append O(1) in the ledger's size and
/// proofs O(log n). It is never trusted over the ledger — `ledger verify` does not read it — and whenever it is
/// missing, stale or corrupt it is rebuilt from the ledger.
///
/// Files, beside the ledger:
/// - `<ledger>.idx` — the state: how much of the ledger the index covers (records, bytes), and the verifier's
///   sequential state after it (last line hash, time, origin, compact range, trust state, operator keys,
///   checkpoints), as RFC 8785 JSON followed by a line with its SHA-256; replaced atomically.
/// - `<ledger>.idx.records` — each record's byte offset (8 bytes, little-endian).
/// - `<ledger>.idx.hashes` — every complete subtree hash in the tlog stored-hash layout (`StoredHash`); the
///   leaf hashes are the level-0 entries.
/// - `<ledger>.idx.keys` — envelope identities, statement line hashes and checkpoint seqs → offsets (`KeyTable`).
///
/// Crash safety: the ledger write and fsync is the commit point. The index is updated after it (data files
/// synced before the state is replaced), so after a crash it is at worst behind the ledger — caught up by
/// verifying the new lines — or fails validation and is rebuilt.
public final class LedgerIndex {
    public let ledgerPath: String
    let records: RecordOffsets
    /// The tree's stored hashes: roots and proofs for any size up to `recordCount` in O(log n) reads.
    public let hashes: StoredHashFile
    let history: DiskHistory
    let verifier: LedgerVerifier
    private let ledgerFD: Int32
    /// Ledger bytes the index covers.
    public private(set) var bytes: Int64

    /// Number of records the index covers.
    public var recordCount: Int { records.count }

    /// The byte offset of record `seq`'s line.
    public func offset(of seq: Int) -> Int64? { records.offset(of: seq) }

    /// The line of record `seq` (without its newline), read from the ledger.
    public func line(of seq: Int) -> [UInt8]? { offset(of: seq).flatMap { readLine(fd: ledgerFD, at: $0) } }

    static func statePath(_ ledger: String) -> String { ledger + ".idx" }
    static func filePaths(_ ledger: String) -> [String] {
        [ledger + ".idx", ledger + ".idx.records", ledger + ".idx.hashes", ledger + ".idx.keys"]
    }

    private init(
        ledgerPath: String, ledgerFD: Int32, records: RecordOffsets, hashes: StoredHashFile, history: DiskHistory,
        verifier: LedgerVerifier, bytes: Int64
    ) {
        self.ledgerPath = ledgerPath
        self.ledgerFD = ledgerFD
        self.records = records
        self.hashes = hashes
        self.history = history
        self.verifier = verifier
        self.bytes = bytes
    }

    deinit { close(ledgerFD) }

    // MARK: - Opening

    /// Brings the index of `ledger` up to date under the ledger's lock and returns it (for proofs). `trust` adds
    /// anchors to those of the genesis chain, as for append.
    public static func open(ledger: String, trust: [Certificate] = []) throws -> LedgerIndex {
        let file = try LockedFile(path: ledger)
        return try open(ledger: ledger, size: file.completeSize(), anchors: try Ledger.anchorsOf(path: ledger, extra: trust))
    }

    /// Discards the index of `ledger` and builds it again from the ledger.
    public static func rebuild(ledger: String, trust: [Certificate] = []) throws {
        let file = try LockedFile(path: ledger)
        for p in filePaths(ledger) { unlink(p) }
        _ = try open(ledger: ledger, size: file.completeSize(), anchors: try Ledger.anchorsOf(path: ledger, extra: trust))
    }

    /// Opens the index of the first `size` bytes of `ledger` (complete lines), validating it against the ledger,
    /// catching up when the ledger has lines beyond it and rebuilding it when it is missing, stale or corrupt.
    /// The caller holds the ledger's lock. Throws `ledger-invalid` when the ledger does not verify.
    static func open(ledger: String, size: Int64, anchors: [Certificate]) throws -> LedgerIndex {
        let fd = Foundation.open(ledger, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TrailError.io("cannot open \(ledger): \(FileIO.errnoText())", file: ledger) }
        let options = VerifyOptions(trust: anchors)
        let index: LedgerIndex
        if let state = loadState(ledger), let valid = try? reopen(ledger, fd: fd, state: state, size: size, options: options) {
            index = valid
        } else {
            index = try fresh(ledger, fd: fd, size: size, options: options)
        }
        let (records, hashes) = (index.records, index.hashes)
        index.verifier.onRecord = { _, offset, leaf in
            records.append(offset)
            hashes.append(leafHash: leaf)
            // While catching up (lines of the file), write as we go so memory stays flat.
            if offset < size, records.pendingCount >= 1 << 16 {
                try? records.flush()
                try? hashes.flush()
            }
        }
        if index.bytes < size { try index.catchUp(to: size) }
        return index
    }

    private static func loadState(_ ledger: String) -> VerifierState? {
        guard let data = try? FileIO.read(statePath(ledger)), let nl = data.dropLast().lastIndex(of: 0x0A),
            data.last == 0x0A
        else { return nil }
        let body = Array(data[..<nl])
        guard String(decoding: data[(nl + 1)..<(data.count - 1)], as: UTF8.self) == Digest.sha256Hex(body),
            let json = try? JSONParser.parse(body), json["index"]?.intValue == 1, let st = json["state"]
        else { return nil }
        return try? VerifierState(json: st)
    }

    /// The existing index, if it matches the ledger: same anchors, the last record it covers ends at its byte
    /// count, hashes to its last leaf and to its last line hash, the genesis line to the first leaf, and the stored
    /// hashes hold its compact range.
    private static func reopen(
        _ ledger: String, fd: Int32, state st: VerifierState, size: Int64, options: VerifyOptions
    ) throws -> LedgerIndex? {
        guard st.records >= 1, st.tree.size == st.records, st.bytes <= size,
            st.anchors.sorted() == options.trust.map(\.fingerprint).sorted()
        else { return nil }
        let paths = filePaths(ledger)
        let recordsFile = try IndexFile(path: paths[1], create: false)
        let hashesFile = try IndexFile(path: paths[2], create: false)
        guard recordsFile.size >= Int64(st.records) * 8, hashesFile.size >= Int64(StoredHash.count(st.records)) * 32,
            let table = KeyTable.open(path: paths[3], used: 0)
        else { return nil }
        let records = RecordOffsets(file: recordsFile, count: st.records)
        let hashes = StoredHashFile(file: hashesFile, size: st.records, peaks: st.tree.peaks)
        guard let lastOffset = records.offset(of: st.records - 1), let last = readLine(fd: fd, at: lastOffset),
            lastOffset + Int64(last.count) + 1 == st.bytes, try hashes.subtreeHash(level: 0, index: st.records - 1) == Merkle.leafHash(last),
            Digest.sha256(last) == st.prevLineHash, let first = readLine(fd: fd, at: 0),
            try hashes.subtreeHash(level: 0, index: 0) == Merkle.leafHash(first),
            try MerkleAccumulator(source: hashes, size: st.records).peaks == st.tree.peaks
        else { return nil }
        table.setUsed(st.keysUsed)
        // Entries at or beyond the bytes the state covers may come from an append that was killed after its
        // ledger write but before the state was saved: they count only once catching up reaches them.
        let history = DiskHistory(table: table, ledgerFD: fd, limit: st.bytes)
        let verifier = LedgerVerifier(path: ledger, options: options, history: history, state: st)
        return LedgerIndex(
            ledgerPath: ledger, ledgerFD: fd, records: records, hashes: hashes, history: history, verifier: verifier,
            bytes: st.bytes)
    }

    /// An empty index (every file replaced), to be filled by `catchUp`.
    private static func fresh(_ ledger: String, fd: Int32, size: Int64, options: VerifyOptions) throws -> LedgerIndex {
        let paths = filePaths(ledger)
        unlink(paths[0])
        let records = RecordOffsets(file: try IndexFile(path: paths[1], truncate: true), count: 0)
        let hashes = StoredHashFile(file: try IndexFile(path: paths[2], truncate: true), size: 0, peaks: [])
        // About two entries per statement (envelope and line keys), at most half full; statement lines are about
        // 1 KB (the table doubles when that guess is low).
        let table = try KeyTable.create(path: paths[3], minimumSlots: Int(size / 1024) * 4)
        let history = DiskHistory(table: table, ledgerFD: fd, limit: .max)  // a new table holds no stale entries
        let verifier = LedgerVerifier(path: ledger, options: options, history: history)
        return LedgerIndex(
            ledgerPath: ledger, ledgerFD: fd, records: records, hashes: hashes, history: history, verifier: verifier,
            bytes: 0)
    }

    /// Verifies the ledger's lines after the covered bytes, indexing them, and saves the state.
    private func catchUp(to size: Int64) throws {
        let report = try verifier.run()
        if let bad = report.errors.first {
            throw TrailError(
                "ledger-invalid", "the ledger does not verify (line \(bad.line), \(bad.code): \(bad.message)); refusing to append",
                remedy: "run `chiptrail ledger verify` and resolve the findings", file: ledgerPath, line: bad.line, seq: bad.seq)
        }
        try commit(bytes: size)
    }

    // MARK: - Committing

    /// Records that the ledger now holds `bytes` bytes of complete lines — every record the verifier has seen,
    /// including candidates — and saves the index. Call only after the ledger write is durable.
    func commit(bytes newBytes: Int64) throws {
        try records.flush()
        try hashes.flush()
        try history.commit(limit: newBytes)
        try records.file.sync()
        try hashes.file.sync()
        try history.table.sync()
        var st = verifier.state(bytes: newBytes)
        st.keysUsed = history.table.used
        let body = JCS.serialize(.object(["index": 1, "state": st.json]))
        try FileIO.writeAtomically(body + [0x0A] + Array(Digest.sha256Hex(body).utf8) + [0x0A], to: LedgerIndex.statePath(ledgerPath), overwrite: true)
        bytes = newBytes
    }
}

extension LockedFile {
    /// The size up to and including the last newline (a torn tail is not part of the ledger).
    func completeSize() throws -> Int64 {
        var end = size
        let chunk: Int64 = 1 << 16
        while end > 0 {
            let start = max(0, end - chunk)
            var buf = [UInt8](repeating: 0, count: Int(end - start))
            let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(start)) }
            guard n == buf.count else { throw TrailError.io("cannot read \(path)", file: path) }
            if let i = buf.lastIndex(of: 0x0A) { return start + Int64(i) + 1 }
            end = start
        }
        return 0
    }
}
