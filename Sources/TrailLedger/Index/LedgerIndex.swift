import Foundation
import TrailCrypto

/// The sidecar index of a ledger (SPEC.md §4): derived data that makes append O(1) in the ledger's size and
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
/// - `<ledger>.idx.keys` — envelope identities, statement line hashes and checkpoint seqs → offsets, and each
///   subject's first and latest statement → seq (`KeyTable`).
/// - `<ledger>.idx.subjects` — per record, the next statement with the same subject (`SubjectIndex`).
///
/// The state also lists the seqs of the few records a proof bundle may need besides statements: certificates,
/// CRLs and cosignatures (checkpoints are found through the key table and the verifier state).
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
    let subjects: SubjectIndex
    /// Seqs of the certificate, CRL and cosignature records covered.
    private(set) var kinds: RecordKinds
    /// Records seen since the last commit that were not reported as statements (seq → offset): classified by
    /// reading their lines back when committing. They are few (certificates, CRLs, checkpoints, cosignatures).
    private var unclassified: [Int: Int64] = [:]
    /// Set when indexing a statement's subject failed: the index is then not saved.
    private var subjectFailure: TrailError?
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
        [
            ledger + ".idx", ledger + ".idx.records", ledger + ".idx.hashes", ledger + ".idx.keys", ledger + ".idx.subjects",
            KeyTable.journalPath(ledger + ".idx.keys"),
        ]
    }

    /// The version of the index files; an index of another version is rebuilt.
    static let formatVersion = 3

    private init(
        ledgerPath: String, ledgerFD: Int32, records: RecordOffsets, hashes: StoredHashFile, history: DiskHistory,
        verifier: LedgerVerifier, subjects: SubjectIndex, kinds: RecordKinds, bytes: Int64
    ) {
        self.ledgerPath = ledgerPath
        self.ledgerFD = ledgerFD
        self.records = records
        self.hashes = hashes
        self.history = history
        self.verifier = verifier
        self.subjects = subjects
        self.kinds = kinds
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
        if let (state, kinds, journal) = loadState(ledger),
            let valid = try? reopen(ledger, fd: fd, state: state, kinds: kinds, journal: journal, size: size, options: options)
        {
            index = valid
        } else {
            index = try fresh(ledger, fd: fd, size: size, options: options)
        }
        let (records, hashes, subjects) = (index.records, index.hashes, index.subjects)
        index.verifier.onRecord = { [unowned index] seq, offset, leaf in
            records.append(offset)
            hashes.append(leafHash: leaf)
            subjects.appendRecord()
            index.unclassified[seq] = offset
            // While catching up (lines of the file), write as we go so memory stays flat.
            if offset < size, records.pendingCount >= 1 << 16 {
                try? records.flush()
                try? hashes.flush()
                do {
                    try subjects.flush()
                    try subjects.commitHeads()
                } catch {
                    index.subjectFailure = TrailError.wrap(error)
                }
            }
        }
        index.verifier.onStatement = { [unowned index] s in
            index.unclassified[s.seq] = nil
            if let subject = s.checked?.subjectName { subjects.addStatement(seq: s.seq, subject: subject) }
        }
        if index.bytes < size { try index.catchUp(to: size) }
        return index
    }

    private static func loadState(_ ledger: String) -> (VerifierState, RecordKinds, journal: (count: Int, replay: Bool))? {
        guard let data = try? FileIO.read(statePath(ledger)), let nl = data.dropLast().lastIndex(of: 0x0A),
            data.last == 0x0A
        else { return nil }
        let body = Array(data[..<nl])
        guard String(decoding: data[(nl + 1)..<(data.count - 1)], as: UTF8.self) == Digest.sha256Hex(body),
            let json = try? JSONParser.parse(body), json["index"]?.intValue == Int64(formatVersion), let st = json["state"],
            let kinds = json["records"].flatMap(RecordKinds.init(json:)), case let journal = json["keysJournal"]?.intValue ?? 0,
            journal >= 0, let state = try? VerifierState(json: st)
        else { return nil }
        let boot = json["keysJournalBoot"]?.stringValue
        return (state, kinds, (Int(journal), boot == nil || boot != KeyTable.bootID || KeyTable.bootID.isEmpty))
    }

    /// The existing index, if it matches the ledger: same anchors, the last record it covers ends at its byte
    /// count, hashes to its last leaf and to its last line hash, the genesis line to the first leaf, and the stored
    /// hashes hold its compact range.
    private static func reopen(
        _ ledger: String, fd: Int32, state st: VerifierState, kinds: RecordKinds, journal: (count: Int, replay: Bool), size: Int64,
        options: VerifyOptions
    ) throws -> LedgerIndex? {
        guard st.records >= 1, st.tree.size == st.records, st.bytes <= size,
            st.anchors.sorted() == options.trust.map(\.fingerprint).sorted()
        else { return nil }
        let paths = filePaths(ledger)
        let recordsFile = try IndexFile(path: paths[1], create: false)
        let hashesFile = try IndexFile(path: paths[2], create: false)
        let subjectsFile = try IndexFile(path: paths[4], create: false)
        guard recordsFile.size >= Int64(st.records) * 8, hashesFile.size >= Int64(StoredHash.count(st.records)) * 32,
            subjectsFile.size >= Int64(st.records) * 8, kinds.all.allSatisfy({ $0 > 0 && $0 < st.records }),
            let table = KeyTable.open(path: paths[3], used: 0, journalCount: journal.count, replay: journal.replay)
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
            subjects: SubjectIndex(file: subjectsFile, table: table, count: st.records), kinds: kinds, bytes: st.bytes)
    }

    /// An empty index (every file replaced), to be filled by `catchUp`.
    private static func fresh(_ ledger: String, fd: Int32, size: Int64, options: VerifyOptions) throws -> LedgerIndex {
        let paths = filePaths(ledger)
        unlink(paths[0])
        unlink(paths[5])
        let records = RecordOffsets(file: try IndexFile(path: paths[1], truncate: true), count: 0)
        let hashes = StoredHashFile(file: try IndexFile(path: paths[2], truncate: true), size: 0, peaks: [])
        // About two entries per statement (envelope and line keys) and up to two per subject, at most half full;
        // statement lines are about 1 KB (the table doubles when that guess is low).
        let table = try KeyTable.create(path: paths[3], minimumSlots: Int(size / 1024) * 6)
        let subjects = SubjectIndex(file: try IndexFile(path: paths[4], truncate: true), table: table, count: 0)
        let history = DiskHistory(table: table, ledgerFD: fd, limit: .max)  // a new table holds no stale entries
        let verifier = LedgerVerifier(path: ledger, options: options, history: history)
        return LedgerIndex(
            ledgerPath: ledger, ledgerFD: fd, records: records, hashes: hashes, history: history, verifier: verifier,
            subjects: subjects, kinds: RecordKinds(), bytes: 0)
    }

    /// Told how far a catch-up or rebuild has read (bytes done, bytes to reach), for a progress display: indexing
    /// a million-record ledger takes minutes. Set once at start-up (the CLI does, for a terminal).
    public static var catchUpProgress: ((_ done: Int64, _ total: Int64) -> Void)? {
        get { progressHook.get() }
        set { progressHook.set(newValue) }
    }
    private static let progressHook = Locked<((Int64, Int64) -> Void)?>(nil)

    /// Verifies the ledger's lines after the covered bytes, indexing them, and saves the state.
    private func catchUp(to size: Int64) throws {
        if let progress = Self.catchUpProgress {
            verifier.onProgress = { progress($0, size) }
        }
        defer { Self.catchUpProgress?(size, size) }
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
        if let e = subjectFailure { throw e }
        var kinds = self.kinds
        for (seq, offset) in unclassified.sorted(by: { $0.key < $1.key }) {
            guard let line = readLine(fd: ledgerFD, at: offset), let r = try? Record.parse(line: line), r.seq == seq else {
                throw TrailError("index-corrupt", "record \(seq) could not be read back at byte \(offset)", file: ledgerPath, seq: seq)
            }
            kinds.add(r.type, seq: seq)
        }
        try records.flush()
        try hashes.flush()
        try subjects.flush()
        // The links a subject's first and latest entries lead to are durable before those entries are written.
        try records.file.sync()
        try hashes.file.sync()
        try subjects.file.sync()
        try history.commit(limit: newBytes)
        try subjects.commitHeads()
        try history.table.sync()
        var st = verifier.state(bytes: newBytes)
        st.keysUsed = history.table.used
        let body = JCS.serialize(
            .object([
                "index": .number(JSONNumber(Int64(LedgerIndex.formatVersion))), "state": st.json, "records": kinds.json,
                "keysJournal": .number(JSONNumber(Int64(history.table.journalCount))), "keysJournalBoot": .string(KeyTable.bootID),
            ]))
        try FileIO.writeAtomically(body + [0x0A] + Array(Digest.sha256Hex(body).utf8) + [0x0A], to: LedgerIndex.statePath(ledgerPath), overwrite: true)
        bytes = newBytes
        self.kinds = kinds
        unclassified.removeAll()
    }
}

/// The seqs of the certificate, CRL and cosignature records an index covers, in ledger order.
struct RecordKinds: Equatable {
    var certificates: [Int] = []
    var crls: [Int] = []
    var cosignatures: [Int] = []

    var all: [Int] { certificates + crls + cosignatures }

    mutating func add(_ type: RecordType, seq: Int) {
        switch type {
        case .certificate: certificates.append(seq)
        case .crl: crls.append(seq)
        case .cosignature: cosignatures.append(seq)
        default: break
        }
    }

    init() {}

    init?(json v: JSONValue) {
        func seqs(_ k: String) -> [Int]? {
            guard let a = v[k]?.arrayValue else { return nil }
            let out = a.compactMap { $0.intValue.map { Int($0) } }
            return out.count == a.count ? out : nil
        }
        guard let c = seqs("certificates"), let r = seqs("crls"), let s = seqs("cosignatures") else { return nil }
        (certificates, crls, cosignatures) = (c, r, s)
    }

    var json: JSONValue {
        func seqs(_ a: [Int]) -> JSONValue { .array(a.map { .number(JSONNumber(Int64($0))) }) }
        return .object(["certificates": seqs(certificates), "crls": seqs(crls), "cosignatures": seqs(cosignatures)])
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
