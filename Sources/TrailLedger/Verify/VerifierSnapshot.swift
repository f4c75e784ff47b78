import Foundation
import TrailCrypto

/// What a `LedgerVerifier` holds after the last record of a verified prefix, so that a later run verifies only the
/// records appended since (incremental verification, SPEC.md §10.4): the compact range, chain head, ledger-time
/// trust state, duplicate and retraction history (sorted 16-byte key blobs), checkpoints, and the prefix's findings —
/// bound to the anchors, the options that change findings, and the prefix itself (byte length, SHA-256, and an
/// 8-byte leaf-hash prefix per record to name the first record that changed).
///
/// A snapshot is never trusted over the ledger for anything it cannot check: resuming re-hashes the prefix bytes
/// (streamed, not parsed) and refuses a snapshot that does not match them, with the seq of the first changed record.
public struct VerifierSnapshot: Sendable {
    /// The version of the encoding; another version is refused (`state-version-unsupported`).
    public static let formatVersion = 1

    /// Records in the verified prefix.
    public let records: Int
    /// Bytes of the verified prefix (complete lines).
    public let bytes: Int64
    /// SHA-256 of the prefix bytes.
    public let prefixSHA256: [UInt8]
    public let origin: String?
    /// Fingerprints of the trust anchors the prefix was verified with, sorted.
    public let anchors: [String]

    /// Everything else, as RFC 8785 JSON: state, findings, options.
    let header: JSONValue
    /// Sorted envelope identities of intact statements: 16 bytes each (two little-endian words).
    let envelopes: ArraySlice<UInt8>
    /// Sorted line keys of intact statements with their offsets: 24 bytes each.
    let lines: ArraySlice<UInt8>
    /// First 8 bytes of each record's leaf hash, in seq order.
    let leaves: ArraySlice<UInt8>

    static let magic = Array("ctsnap\u{0}\u{1}".utf8)

    /// The snapshot's bytes (a section of a STATE file).
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        try! write { out.append(contentsOf: $0) }
        return out
    }

    /// The number of bytes `write` writes.
    public var encodedCount: Int { Self.magic.count + 8 + 8 + JCS.serialize(header).count + 24 + envelopes.count + lines.count + leaves.count }

    /// Writes the snapshot's bytes in pieces (the tables are not copied).
    public func write(_ out: (UnsafeRawBufferPointer) throws -> Void) throws {
        var w = SnapshotWriter()
        w.raw(Self.magic)
        w.u64(UInt64(Self.formatVersion))
        w.blob(JCS.serialize(header))
        try w.bytes.withUnsafeBytes(out)
        for t in [envelopes, lines, leaves] {
            var n = SnapshotWriter()
            n.u64(UInt64(t.count))
            try n.bytes.withUnsafeBytes(out)
            try t.withUnsafeBytes(out)
        }
    }

    /// Decodes `bytes`; `state-corrupt` or `state-version-unsupported` when they are not a snapshot of this version.
    public init(encoded data: ArraySlice<UInt8>) throws {
        var r = SnapshotReader(data)
        guard try r.raw(Self.magic.count).elementsEqual(Self.magic) else { throw Self.corrupt("not a verifier snapshot") }
        let v = try r.u64()
        guard v == UInt64(Self.formatVersion) else {
            throw TrailError.malformed(
                "state-version-unsupported", "the verifier snapshot has format version \(v); this chiptrail reads version \(Self.formatVersion)",
                remedy: "delete the state file and run a full verification to write it again")
        }
        let head: JSONValue
        do { head = try JSONParser.parse(try r.blob()) } catch { throw Self.corrupt("its header is not JSON") }
        header = head
        envelopes = try r.blob()
        lines = try r.blob()
        leaves = try r.blob()
        guard r.atEnd else { throw Self.corrupt("bytes after its end") }
        guard let n = head["records"]?.intValue, n >= 0, let b = head["bytes"]?.intValue, b >= 0,
            let h = head["prefixSHA256"]?.stringValue.flatMap(Hex.decode), h.count == 32,
            let a = head["anchors"]?.arrayValue, head["state"] != nil
        else { throw Self.corrupt("its header lacks the prefix or the state") }
        records = Int(n)
        bytes = b
        prefixSHA256 = h
        origin = head["origin"]?.stringValue
        anchors = a.compactMap(\.stringValue)
        guard anchors.count == a.count, envelopes.count % 16 == 0, lines.count % 24 == 0, leaves.count == records * 8 else {
            throw Self.corrupt("its tables have the wrong sizes")
        }
    }

    init(
        records: Int, bytes: Int64, prefixSHA256: [UInt8], origin: String?, anchors: [String], header: JSONValue,
        envelopes: ArraySlice<UInt8>, lines: ArraySlice<UInt8>, leaves: ArraySlice<UInt8>
    ) {
        self.records = records
        self.bytes = bytes
        self.prefixSHA256 = prefixSHA256
        self.origin = origin
        self.anchors = anchors
        self.header = header
        self.envelopes = envelopes
        self.lines = lines
        self.leaves = leaves
    }

    /// A snapshot of nothing (to release a written snapshot's tables).
    public static let empty = VerifierSnapshot(
        records: 0, bytes: 0, prefixSHA256: [], origin: nil, anchors: [], header: .null, envelopes: [], lines: [], leaves: [])

    static func corrupt(_ why: String) -> TrailError {
        TrailError.malformed(
            "state-corrupt", "the state file is damaged: \(why)",
            remedy: "delete the state file and run a full verification to write it again")
    }
}

// MARK: - Capturing (the run that writes a snapshot)

/// What a capturing verifier collects as records pass: the running SHA-256 of the prefix bytes and each leaf's
/// first 8 bytes.
final class PrefixCapture {
    let digest: StreamingDigest
    var leaves: [UInt8]

    init(digest: StreamingDigest = StreamingDigest(.sha256), leaves: [UInt8] = []) {
        self.digest = digest
        self.leaves = leaves
    }

    func add(line: [UInt8], leaf: MerkleHash) {
        digest.update(line)
        digest.update([0x0A] as [UInt8])
        leaf.withUnsafeBytes { leaves.append(contentsOf: $0.prefix(8)) }
    }
}

extension LedgerVerifier {
    /// Makes `run()` collect what `snapshot()` needs (the prefix's SHA-256 and leaf prefixes). Set before `run()`.
    public func captureSnapshot() {
        if capture == nil { capture = PrefixCapture() }
    }

    /// The verifier's state after `run()` (requires `captureSnapshot()` before it). Call once.
    public func snapshot() throws -> VerifierSnapshot {
        guard let capture, let prefix = prefixReport else {
            throw TrailError("internal-error", "snapshot() needs captureSnapshot() before run()")
        }
        let st = state(bytes: resumeOffset)
        // Findings of the prefix, with the per-code counts that bound them.
        func int(_ i: Int) -> JSONValue { .number(JSONNumber(Int64(i))) }
        let findings: [JSONValue] = prefix.findings.map { f in
            var o: JSONObject = [
                "seq": int(f.seq), "code": .string(f.code.rawValue), "message": .string(f.message),
                "severity": .string(f.severity.rawValue),
            ]
            if let r = f.remedy { o["remedy"] = .string(r) }
            if let off = f.offset { o["offset"] = .number(JSONNumber(off)) }
            return .object(o)
        }
        func counts(_ d: [String: Int]) -> JSONValue {
            .object(JSONObject(d.keys.sorted().map { JSONObject.Member(key: $0, value: int(d[$0]!)) }))
        }
        var head: JSONObject = [
            "records": int(st.records), "bytes": .number(JSONNumber(st.bytes)),
            "prefixSHA256": .string(Hex.encode(capture.digest.copy().finalize())),
            "anchors": .array(options.trust.map(\.fingerprint).sorted().map { .string($0) }),
            "options": Self.optionsJSON(options),
            "state": st.json, "unverifiable": int(unverifiable),
            "findings": .array(findings), "omitted": counts(prefix.omitted), "kept": counts(prefix.keptPerCode),
            "omittedErrorCodes": .array(prefix.omittedErrorCodes.sorted().map { .string($0) }),
        ]
        if let o = origin { head["origin"] = .string(o) }
        if let c = recentCheckpoint {
            head["recentCheckpoint"] = .object([
                "seq": int(c.seq),
                "verified": .array(
                    c.verified.map { .object(["name": .string($0.name), "keyID": int(Int($0.keyID)), "sig": .string(Base64.encode($0.signature))]) }),
            ])
        }
        let (envelopes, lines, checkpoints) = try historyTables()
        head["checkpoints"] = .array(checkpoints.sorted { $0.key < $1.key }.map { .array([int($0.key), .number(JSONNumber($0.value))]) })
        return VerifierSnapshot(
            records: st.records, bytes: st.bytes, prefixSHA256: Hex.decode(head["prefixSHA256"]!.stringValue!)!,
            origin: origin, anchors: options.trust.map(\.fingerprint).sorted(), header: .object(head),
            envelopes: envelopes[...], lines: lines[...], leaves: capture.leaves[...])
    }

    /// The options that change findings: a snapshot serves only runs with the same ones.
    static func optionsJSON(_ o: VerifyOptions) -> JSONValue {
        .object([
            "strict": .bool(o.strict), "maxLineLength": .number(JSONNumber(Int64(o.maxLineLength))),
            "maxFindingsPerCode": .number(JSONNumber(Int64(o.maxFindingsPerCode))),
        ])
    }

    /// The history as sorted blobs (merging a restored snapshot's with what this run added).
    private func historyTables() throws -> (envelopes: [UInt8], lines: [UInt8], checkpoints: [Int: Int64]) {
        var env: [StatementKey] = []
        var lin: [(StatementKey, Int64)] = []
        let recent: MemoryHistory
        var old: SnapshotHistory?
        if let h = history as? SnapshotHistory {
            recent = h.recent
            old = h
        } else if let h = history as? MemoryHistory {
            recent = h
        } else {
            throw TrailError("internal-error", "snapshots need the in-memory history")
        }
        env.reserveCapacity(recent.statementCount)
        lin.reserveCapacity(recent.statementCount)
        recent.forEachStatement { e, l, o in
            env.append(e)
            lin.append((l, o))
        }
        env.sort(by: StatementKey.less)
        lin.sort { StatementKey.less($0.0, $1.0) }
        var ew = SnapshotWriter()
        var lw = SnapshotWriter()
        // Merge with the restored (already sorted) tables.
        let oldEnv = old?.envelopeCount ?? 0
        let oldLin = old?.lineCount ?? 0
        ew.bytes.reserveCapacity((oldEnv + env.count) * 16)
        lw.bytes.reserveCapacity((oldLin + lin.count) * 24)
        var i = 0
        var j = 0
        while i < oldEnv || j < env.count {
            if j == env.count || (i < oldEnv && StatementKey.less(old!.envelope(i), env[j])) {
                ew.key(old!.envelope(i))
                i += 1
            } else {
                ew.key(env[j])
                j += 1
            }
        }
        i = 0
        j = 0
        while i < oldLin || j < lin.count {
            if j == lin.count || (i < oldLin && StatementKey.less(old!.line(i).0, lin[j].0)) {
                let (k, o) = old!.line(i)
                lw.key(k)
                lw.u64(UInt64(o))
                i += 1
            } else {
                lw.key(lin[j].0)
                lw.u64(UInt64(lin[j].1))
                j += 1
            }
        }
        return (ew.bytes, lw.bytes, recent.checkpoints)
    }
}

// MARK: - Resuming

extension LedgerVerifier {
    /// A verifier that continues after `snapshot`: checks that `path` still begins with exactly the verified prefix
    /// (same origin, same bytes) and that the anchors and options are the snapshot's, then restores the state, so
    /// that `run()` verifies only the records after the prefix and reports exactly what a full run would.
    ///
    /// Throws `state-anchors-mismatch`, `state-options-mismatch`, `state-origin-mismatch` (usage),
    /// `state-prefix-mismatch` or `state-prefix-truncated` (integrity, with the seq of the first record that differs
    /// or is missing), `state-corrupt` (malformed).
    public convenience init(path: String, options: VerifyOptions, resuming snap: VerifierSnapshot) throws {
        guard options.trust.map(\.fingerprint).sorted() == snap.anchors else {
            throw TrailError.usage(
                "state-anchors-mismatch",
                "the state was written for other trust anchors (\(snap.anchors.map { String($0.prefix(16)) + "…" }.joined(separator: ", ")))",
                remedy: "pass the --trust anchors the state was written with, or another --state file")
        }
        guard snap.header["options"].map(JCS.serialize) == JCS.serialize(Self.optionsJSON(options)) else {
            throw TrailError.usage(
                "state-options-mismatch", "the state was written with other verification options (\(snap.header["options"].map { "\($0)" } ?? "none"))",
                remedy: "use the same --strict and --max-findings as the run that wrote the state, or another --state file")
        }
        var since: Checkpoint?
        if let s = options.since {
            do { since = try Checkpoint(text: try SignedNote(parsing: s).text) } catch let e as TrailError {
                throw TrailError.malformed("malformed-checkpoint", "the --since checkpoint does not parse: \(e.message)")
            }
            guard since!.size >= snap.records else {
                throw TrailError.usage(
                    "state-options-mismatch",
                    "the --since checkpoint (size \(since!.size)) lies inside the \(snap.records) records the state covers",
                    remedy: "run without --state to check it, or pass a newer checkpoint")
            }
        }
        let digest = try Self.checkPrefix(path: path, snapshot: snap, maxLineLength: options.maxLineLength)
        let state: VerifierState
        do { state = try VerifierState(json: snap.header["state"]!) } catch {
            throw VerifierSnapshot.corrupt("its verifier state does not decode (\(TrailError.wrap(error).message))")
        }
        guard state.records == snap.records, state.bytes == snap.bytes, state.tree.size == snap.records else {
            throw VerifierSnapshot.corrupt("its state does not cover its prefix")
        }
        let history = SnapshotHistory(snapshot: snap, recent: MemoryHistory(path: path))
        for c in snap.header["checkpoints"]?.arrayValue ?? [] {
            guard let seq = c[0]?.intValue, let off = c[1]?.intValue else { throw VerifierSnapshot.corrupt("checkpoints") }
            history.recent.addCheckpoint(seq: Int(seq), offset: off, pending: nil)
        }
        self.init(path: path, options: options, history: history, state: state)
        try restoreReport(snap)
        sinceCheckpoint = since
        if let since, since.size == snap.records { sinceRoot = state.tree.root }
        // Keep hashing from the end of the prefix, so that this run can write the next snapshot.
        capture = PrefixCapture(digest: digest, leaves: Array(snap.leaves))
    }

    private func restoreReport(_ snap: VerifierSnapshot) throws {
        let h = snap.header
        guard let fs = h["findings"]?.arrayValue, let omitted = h["omitted"]?.objectValue, let kept = h["kept"]?.objectValue,
            let oec = h["omittedErrorCodes"]?.arrayValue, let unv = h["unverifiable"]?.intValue
        else { throw VerifierSnapshot.corrupt("its findings") }
        var findings: [Finding] = []
        for f in fs {
            guard let seq = f["seq"]?.intValue, let name = f["code"]?.stringValue, let code = TrailError.Code(name: name),
                let msg = f["message"]?.stringValue, let sev = f["severity"]?.stringValue.flatMap({ Finding.Severity(rawValue: $0) })
            else { throw VerifierSnapshot.corrupt("a finding") }
            findings.append(
                Finding(seq: Int(seq), code: code, message: msg, severity: sev, remedy: f["remedy"]?.stringValue, offset: f["offset"]?.intValue))
        }
        report.findings = findings
        for m in omitted.members { report.omitted[m.key] = Int(m.value.intValue ?? 0) }
        for m in kept.members { report.keptPerCode[m.key] = Int(m.value.intValue ?? 0) }
        report.omittedErrorCodes = Set(oec.compactMap(\.stringValue))
        unverifiable = Int(unv)
        if let rc = h["recentCheckpoint"], let seq = rc["seq"]?.intValue {
            var verified: [NoteSignature] = []
            for v in rc["verified"]?.arrayValue ?? [] {
                guard let n = v["name"]?.stringValue, let k = v["keyID"]?.intValue, let sig = v["sig"]?.stringValue.flatMap(Base64.decodeStandard)
                else { throw VerifierSnapshot.corrupt("the latest checkpoint") }
                verified.append(NoteSignature(name: n, keyID: UInt32(truncatingIfNeeded: k), signature: sig))
            }
            // The checkpoint's line is read back from the (re-hashed) prefix; only which operator lines verified is kept.
            if let c = try checkpointRecord(at: Int(seq)) {
                recentCheckpoint = (Int(seq), c.time, c.note, verified)
            }
        }
    }

    /// Checks that `path` begins with exactly the snapshot's prefix: the genesis origin first (a state of another
    /// ledger), then the SHA-256 of the prefix bytes, streamed; on a mismatch, the first record whose leaf hash
    /// differs from the snapshot's. Returns the digest of the prefix, to be continued over the records after it.
    static func checkPrefix(path: String, snapshot snap: VerifierSnapshot, maxLineLength: Int) throws -> StreamingDigest {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TrailError.io("cannot open \(path): \(FileIO.errnoText())", file: path) }
        defer { close(fd) }
        var st = stat()
        fstat(fd, &st)
        let size = Int64(st.st_size)
        // A state of another ledger: its genesis names another origin.
        if snap.records > 0, let first = readLine(fd: fd, at: 0, limit: max(maxLineLength * 4, 1 << 22)),
            !Merkle.leafHash(first).bytes.prefix(8).elementsEqual(snap.leaves.prefix(8)),
            let r = try? Record.parse(line: first), case .genesis(let g) = r.body, let origin = snap.origin,
            !g.origin.utf8.elementsEqual(origin.utf8)
        {
            throw TrailError.usage(
                "state-origin-mismatch", "the state was written for the ledger \(origin); this ledger is \(g.origin)",
                remedy: "pass the state file of this ledger, or none to verify it in full")
            .at(file: path, line: 1, seq: 0)
        }
        let digest = StreamingDigest(.sha256)
        if size >= snap.bytes, let mapped = hashMapped(fd: fd, count: snap.bytes, into: digest) {
            guard mapped else { throw TrailError.io("cannot map \(path): \(FileIO.errnoText())", file: path) }
            if digest.copy().finalize() == snap.prefixSHA256 { return digest }
        } else if size >= snap.bytes {
            var buf = [UInt8](repeating: 0, count: 4 << 20)
            var at: Int64 = 0
            while at < snap.bytes {
                let want = Int(min(Int64(buf.count), snap.bytes - at))
                let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, want, off_t(at)) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw TrailError.io("cannot read \(path): \(FileIO.errnoText())", file: path) }
                buf.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0.prefix(n))) }
                at += Int64(n)
            }
            if digest.copy().finalize() == snap.prefixSHA256 { return digest }
        }
        throw try locateChange(path: path, snapshot: snap, size: size)
    }

    /// Feeds the first `count` bytes of `fd` to `digest` from read-only mappings of 64 MiB windows, each unmapped once
    /// hashed: the page cache is read without copying it and the resident size stays one window. Nil (nothing fed)
    /// when the file cannot be mapped. (The prefix of an append-only file does not shrink while it is read; `ledger
    /// repair` only cuts a torn tail, after the last newline.)
    private static func hashMapped(fd: Int32, count: Int64, into digest: StreamingDigest) -> Bool? {
        let window: Int64 = 64 << 20
        var at: Int64 = 0
        while at < count {
            let n = Int(min(window, count - at))
            #if canImport(Glibc)
                let flags = MAP_PRIVATE | MAP_POPULATE
            #else
                let flags = MAP_PRIVATE
            #endif
            guard let map = mmap(nil, n, PROT_READ, flags, fd, off_t(at)), map != MAP_FAILED else {
                return at == 0 ? nil : false
            }
            digest.update(UnsafeRawBufferPointer(start: map, count: n))
            munmap(map, n)
            at += Int64(n)
        }
        return true
    }

    /// The first record of the prefix that is missing or differs (re-hashed line by line against the snapshot's leaf
    /// prefixes), as the error to report.
    private static func locateChange(path: String, snapshot snap: VerifierSnapshot, size: Int64) throws -> TrailError {
        let reader = try LineReader(path: path, hardLimit: Int(min(max(snap.bytes, 1 << 22), 1 << 31)))
        var seq = 0
        func changed(_ seq: Int, _ why: String) -> TrailError {
            TrailError(
                "state-prefix-mismatch",
                "record \(seq) (line \(seq + 1)) differs from the prefix of \(snap.records) records the state verified: \(why); the ledger's history was rewritten",
                remedy: "investigate the change; a ledger is append-only, so a changed prefix is an integrity failure, not a reason to re-verify",
                file: path, line: seq + 1, seq: seq)
        }
        while seq < snap.records {
            guard case .line(_, _, let bytes)? = try? reader.next() else { break }
            let leaf = Merkle.leafHash(bytes).bytes.prefix(8)
            let at = snap.leaves.startIndex + seq * 8
            if !leaf.elementsEqual(snap.leaves[at..<(at + 8)]) { return changed(seq, "its bytes hash differently") }
            seq += 1
        }
        if seq < snap.records || size < snap.bytes {
            return TrailError(
                "state-prefix-truncated",
                "the ledger ends (\(size) bytes) inside the prefix of \(snap.records) records (\(snap.bytes) bytes) the state verified: record \(seq) and later are gone",
                remedy: "a ledger is append-only: restore it from a copy, and investigate the truncation",
                file: path, line: seq + 1, seq: seq)
        }
        return changed(snap.records - 1, "the prefix's SHA-256 differs")
    }
}

// MARK: - The history of a restored snapshot

/// The verifier history after a snapshot: the snapshot's sorted key tables (binary search, nothing rebuilt) and an
/// in-memory history of the records after it.
final class SnapshotHistory: VerifierHistory {
    private let envelopes: ArraySlice<UInt8>
    private let lines: ArraySlice<UInt8>
    let recent: MemoryHistory
    var envelopeCount: Int { envelopes.count / 16 }
    var lineCount: Int { lines.count / 24 }

    init(snapshot: VerifierSnapshot, recent: MemoryHistory) {
        envelopes = snapshot.envelopes
        lines = snapshot.lines
        self.recent = recent
    }

    private static func key(_ b: UnsafeRawBufferPointer, _ o: Int) -> StatementKey {
        StatementKey(
            a: UInt64(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt64.self)),
            b: UInt64(littleEndian: b.loadUnaligned(fromByteOffset: o + 8, as: UInt64.self)))
    }

    func envelope(_ i: Int) -> StatementKey { envelopes.withUnsafeBytes { Self.key($0, i * 16) } }
    func line(_ i: Int) -> (StatementKey, Int64) {
        lines.withUnsafeBytes { b in
            (Self.key(b, i * 24), Int64(bitPattern: UInt64(littleEndian: b.loadUnaligned(fromByteOffset: i * 24 + 16, as: UInt64.self))))
        }
    }

    /// The index of `key` in a sorted table of `count` entries.
    private func search(_ key: StatementKey, count: Int, _ at: (Int) -> StatementKey) -> Int? {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if StatementKey.less(at(mid), key) { lo = mid + 1 } else { hi = mid }
        }
        return lo < count && at(lo) == key ? lo : nil
    }

    func containsEnvelope(_ key: StatementKey) throws -> Bool {
        if search(key, count: envelopeCount, envelope) != nil { return true }
        return recent.containsEnvelope(key)
    }

    func statementLine(_ key: StatementKey) throws -> [UInt8]? {
        if let i = search(key, count: lineCount, { self.line($0).0 }) { return try recent.line(at: line(i).1) }
        return try recent.statementLine(key)
    }

    func checkpointLine(seq: Int) throws -> [UInt8]? { try recent.checkpointLine(seq: seq) }

    func addStatement(envelope: StatementKey, line: StatementKey, offset: Int64, pending: [UInt8]?) throws {
        recent.addStatement(envelope: envelope, line: line, offset: offset, pending: pending)
    }

    func addCheckpoint(seq: Int, offset: Int64, pending: [UInt8]?) throws {
        recent.addCheckpoint(seq: seq, offset: offset, pending: pending)
    }
}

extension StatementKey {
    static func less(_ x: StatementKey, _ y: StatementKey) -> Bool { x.a != y.a ? x.a < y.a : x.b < y.b }
}

// MARK: - Bytes

/// Little-endian words and length-prefixed blobs.
public struct SnapshotWriter: Sendable {
    public var bytes: [UInt8] = []
    public init() {}
    public mutating func raw(_ b: [UInt8]) { bytes += b }
    public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    public mutating func blob(_ b: [UInt8]) {
        u64(UInt64(b.count))
        bytes += b
    }
    mutating func key(_ k: StatementKey) {
        u64(k.a)
        u64(k.b)
    }
}

/// Reads what `SnapshotWriter` wrote; every overrun is `state-corrupt`.
public struct SnapshotReader {
    let bytes: ArraySlice<UInt8>
    public private(set) var at: Int

    public init(_ b: ArraySlice<UInt8>) {
        bytes = b
        at = b.startIndex
    }

    public var atEnd: Bool { at == bytes.endIndex }

    public mutating func raw(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.endIndex - at else { throw VerifierSnapshot.corrupt("it is truncated") }
        defer { at += n }
        return bytes[at..<(at + n)]
    }

    public mutating func u64() throws -> UInt64 {
        try raw(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    public mutating func blob() throws -> ArraySlice<UInt8> {
        let n = try u64()
        guard n <= UInt64(bytes.endIndex - at) else { throw VerifierSnapshot.corrupt("it is truncated") }
        return try raw(Int(n))
    }
}
