import Foundation
import TrailCrypto

/// Streaming verification of a ledger file (SPEC.md §10): every finding with its seq, line and stable code.
///
/// Lines are processed in batches: parsing, hashing and statement decoding run in parallel; the hash chain,
/// tree and ledger-time trust state advance sequentially; signature checks run in parallel again. Memory is
/// bounded by the batch plus compact per-statement state (duplicate keys and retraction targets), kept by a
/// `VerifierHistory`: in memory for `ledger verify`, in the sidecar index for append.
public final class LedgerVerifier {
    public let path: String
    public let options: VerifyOptions
    /// Called for every statement record, in ledger order.
    public var onStatement: ((VerifiedStatement) -> Void)?
    /// Called with the byte offset reached, after each batch.
    public var onProgress: ((Int64) -> Void)?
    /// Called for every decoded statement in the parallel phase; its result reaches `onStatement` as `prepared`
    /// (work a consumer would otherwise do in the sequential phase, e.g. the compliance layer's facts).
    public var prepare: (@Sendable (CheckedStatement) -> (any Sendable)?)?

    // Sequential state.
    var report = VerificationReport()
    private var trust: TrustState?
    var origin: String?
    private var prevLineHash: [UInt8]?
    private var lastTime: LedgerTime?
    private var tree = MerkleAccumulator()
    private var operatorKeys: [String] = []  // fingerprints of operator-role Ed25519 certificates
    private var lastCheckpointSeq: Int?
    private var sawCheckpointRecord = false
    private var lastNonCosignatureSeq = -1
    var sinceCheckpoint: Checkpoint?
    var sinceRoot: MerkleHash?
    /// The latest checkpoint's note with the witness lines merged so far (derived from `report.latestCheckpoint`;
    /// rebuilt from it after a resume).
    private var mergedNote: (seq: Int, note: SignedNote)?
    /// Where the records after the restored state start (0 for a whole file).
    var resumeOffset: Int64 = 0
    /// Records after a genesis that could not be trusted (not checked, counted once at the end).
    var unverifiable = 0
    /// What `snapshot()` needs beyond the sequential state (VerifierSnapshot.swift); nil unless asked for.
    var capture: PrefixCapture?
    /// The report after the last complete batch: without the end-of-file findings (`finish`, a torn tail, a line
    /// over the reader's limit), which a run resumed from a snapshot finds again.
    var prefixReport: VerificationReport?
    /// Envelope identities, retraction targets and checkpoints of earlier records.
    let history: VerifierHistory
    /// Called for every record in order with its seq, byte offset and leaf hash (the index's tree and offsets).
    var onRecord: ((Int, Int64, MerkleHash) -> Void)?

    public init(path: String, options: VerifyOptions) {
        self.path = path
        self.options = options
        self.history = MemoryHistory(path: path)
    }

    /// A verifier that continues after a saved state (records before `state.bytes` are not read again).
    init(path: String, options: VerifyOptions, history: VerifierHistory, state: VerifierState? = nil) {
        self.path = path
        self.options = options
        self.history = history
        if let state { restore(state) }
    }

    /// Verifies the whole file (or, after a restored state, the rest of it). Throws only for I/O failure; every
    /// problem in the content is a finding.
    ///
    /// A pipeline: a reader thread reads the next batch and runs its parallel phase while this thread runs the
    /// sequential phases of the batch before, so no core waits on the sequential steps.
    public func run() throws -> VerificationReport {
        if let since = options.since, sinceCheckpoint == nil { try parseSince(since) }
        let reader = try LineReader(
            path: path, startOffset: resumeOffset, startIndex: report.records,
            hardLimit: max(options.maxLineLength * 4, 1 << 22))
        resumeOffset = try pipeline(.file(reader), reportProgress: true) ?? resumeOffset
        if capture != nil, prefixReport == nil { prefixReport = report }
        finish()
        return report
    }

    /// Runs batches from `source` through both phases: a second thread prepares the next batch (parallel phase)
    /// while this one completes the batch before. Returns the byte offset after the last batch completed.
    private func pipeline(_ source: BatchProducer.Source, reportProgress: Bool) throws -> Int64? {
        let handoff = Handoff<Stage>(capacity: 2)
        let known = Locked(trust?.certificates ?? [:])
        let producer = BatchProducer(source: source, options: options, prepare: prepare, handoff: handoff, known: known)
        let thread = Thread { producer.run() }
        thread.stackSize = 8 << 20
        thread.start()
        defer { handoff.close() }
        var offsetReached: Int64?
        while let stage = handoff.take() {
            switch stage {
            case .batch(var batch, let reached):
                try complete(&batch)
                known.set(trust?.certificates ?? [:])
                offsetReached = reached
                if reportProgress { onProgress?(reached) }
            case .tornTail(let offset, let length):
                if capture != nil, prefixReport == nil { prefixReport = report }
                report.tornTailOffset = offset
                add(
                    Finding(
                        seq: report.records, code: "torn-tail",
                        message: "the last \(length) bytes at byte offset \(offset) have no final newline (an interrupted append); they are not part of the ledger",
                        remedy: "run `chiptrail ledger repair \(path)` to move them aside", offset: offset))
            case .lineTooLong(let e):
                if capture != nil, prefixReport == nil { prefixReport = report }
                add(Finding(seq: report.records, e))
            case .failure(let e):
                throw e
            }
        }
        return offsetReached
    }

    // MARK: - Continuing with candidate records (append)

    /// The state after `run()`, for an appender that checks new records with exactly the rules of verification.
    public var treeSize: Int { tree.size }
    public var currentRoot: MerkleHash { tree.root }
    public var lastLineHash: [UInt8]? { prevLineHash }
    public var latestTime: LedgerTime? { lastTime }
    public var ledgerOrigin: String? { origin }
    public var trustState: TrustState? { trust }

    /// Feeds `lines` as if they followed the file at byte `offset` and returns the findings they raise (none =
    /// acceptable). Call after `run()` or a restore; the verifier's state then includes them.
    public func check(candidates lines: [[UInt8]], at offset: Int64) throws -> [Finding] {
        let before = report.findings.count
        checkingCandidates = true
        defer { checkingCandidates = false }
        var at = offset
        var slots: [Slot] = []
        for (i, l) in lines.enumerated() {
            var slot = Slot(index: report.records + i, offset: at, line: l)
            slot.pending = true
            slots.append(slot)
            at += Int64(l.count) + 1
        }
        let size = max(1, options.batchSize)
        let batches = stride(from: 0, to: slots.count, by: size).map { Array(slots[$0..<min(slots.count, $0 + size)]) }
        _ = try pipeline(.batches(batches), reportProgress: false)
        return Array(report.findings[before...])
    }

    // MARK: - Saved state (the sidecar index)

    /// The sequential state after the records seen so far; `bytes` is the offset just after them.
    func state(bytes: Int64) -> VerifierState {
        VerifierState(
            records: report.records, bytes: bytes, origin: origin, prevLineHash: prevLineHash, lastTime: lastTime,
            tree: tree, operatorKeys: operatorKeys, lastCheckpointSeq: lastCheckpointSeq,
            sawCheckpointRecord: sawCheckpointRecord, lastNonCosignatureSeq: lastNonCosignatureSeq,
            latestCheckpoint: report.latestCheckpoint, trust: trust, anchors: options.trust.map(\.fingerprint))
    }

    func restore(_ s: VerifierState) {
        report.records = s.records
        report.origin = s.origin
        report.latestCheckpoint = s.latestCheckpoint
        resumeOffset = s.bytes
        origin = s.origin
        prevLineHash = s.prevLineHash
        lastTime = s.lastTime
        tree = s.tree
        operatorKeys = s.operatorKeys
        lastCheckpointSeq = s.lastCheckpointSeq
        sawCheckpointRecord = s.sawCheckpointRecord
        lastNonCosignatureSeq = s.lastNonCosignatureSeq
        trust = s.trust
    }

    // MARK: - Batches

    struct Slot {
        var index: Int
        var offset: Int64
        var line: [UInt8]
        var leaf = Merkle.emptyRoot
        var lineHash: [UInt8] = []
        var record: Record?
        var parseError: TrailError?
        var checked: CheckedStatement?
        var checkError: TrailError?
        var canonical = true
        /// The envelope identity (duplicate detection), computed in the parallel phase.
        var envelopeKey: StatementKey?
        /// The in-toto statement of a statement whose predicate did not decode.
        var undecoded: Statement?
        /// A certificate record's parsed certificates and chain validation, from the parallel phase.
        var certificate: CertificateRule.Prepared?
        /// A candidate line not (yet) in the file.
        var pending = false
        /// After an untrusted genesis: nothing in the record was checked, so it is never intact.
        var unverifiable = false
        /// What `prepare` made of the statement.
        var prepared: (any Sendable)?
        /// Signature results computed in the parallel phase with the key the signature's keyid names (a keyid is
        /// the certificate's SHA-256, so the key is fixed); nil where the keyid was not yet registered.
        var early: [Bool?] = []
        // Filled sequentially:
        var findings: [Finding] = []
        var jobs: [Job] = []
        var signers: [SignerInfo] = []
    }

    struct Job {
        var key: PublicKey
        var signature: [UInt8]
        var keyid: String
        var number: Int
        /// The result from the parallel phase, when the key was known then.
        var early: Bool?
    }

    /// Phase 1 (parallel): hash, parse, decode statements, check signatures by keys registered before the batch
    /// (`known`). Whether a signer may sign at the record's time is still decided sequentially; only the
    /// arithmetic moves. Reads nothing of the verifier's state, so it can run while an earlier batch completes.
    static func prepareBatch(
        _ batch: [Slot], options: VerifyOptions, prepare: (@Sendable (CheckedStatement) -> (any Sendable)?)?,
        known: [String: RegisteredCertificate]
    ) -> [Slot] {
        let strict = options.strict
        let maxLine = options.maxLineLength
        let validator = ChainValidator(anchors: options.trust)
        return parallelMap(batch.count, parallel: options.parallel) { i in
            var s = batch[i]
            s.leaf = Merkle.leafHash(s.line)
            s.lineHash = Digest.sha256(s.line)
            do {
                let r = try Record.parse(line: s.line, maxLineLength: maxLine)
                s.record = r
                if case .statement(let env) = r.body {
                    s.envelopeKey = StatementKey(env.statementIdentity)
                    do {
                        s.checked = try CheckedStatement(envelope: env)
                    } catch {
                        s.checkError = TrailError.wrap(error)
                        // Best effort, for the subject only: the finding above is the statement's verdict.
                        s.undecoded = try? Statement(payload: env.payload)
                    }
                    if let prepare, let c = s.checked { s.prepared = prepare(c) }
                    let keys = env.signatures.map { known[$0.keyid.lowercased()]?.publicKey }
                    if keys.contains(where: { $0 != nil }) {
                        let pae = env.pae
                        s.early = zip(env.signatures, keys).map { sig, key in key?.verify(signature: sig.sig, for: pae) }
                    }
                }
                if case .certificate(let der, let chainDER) = r.body {
                    // The X.509 work of a certificate record depends only on the record and the anchors; whether the
                    // path is still unrevoked at this position is decided sequentially (TrustState.validate).
                    s.certificate = CertificateRule.prepare(der, chain: chainDER, time: r.time, validator: validator)
                }
                if strict { s.canonical = JCS.isCanonical(s.line) }
            } catch {
                s.parseError = TrailError.wrap(error)
            }
            return s
        }
    }

    /// Phases 2–4 of a prepared batch, in order, on the verifier's state.
    private func complete(_ batch: inout [Slot]) throws {
        guard !batch.isEmpty else { return }
        // Phase 2 (sequential): chain, tree, trust state; collect signature jobs.
        for i in batch.indices { try sequential(&batch[i]) }
        // Phase 3 (parallel): signatures by keys registered within this batch.
        var flat: [(slot: Int, job: Int)] = []
        for (i, s) in batch.enumerated() { for j in s.jobs.indices { flat.append((i, j)) } }
        let snapshot = batch
        let results: [Bool] = parallelMap(flat.count, parallel: options.parallel) { k in
            let (i, j) = flat[k]
            let s = snapshot[i]
            let job = s.jobs[j]
            if let early = job.early { return early }
            guard case .statement(let env)? = s.record?.body else { return false }
            return job.key.verify(signature: job.signature, for: env.pae)
        }
        for (k, ok) in results.enumerated() where !ok {
            let (i, j) = flat[k]
            let job = batch[i].jobs[j]
            batch[i].findings.append(
                Finding(
                    seq: batch[i].index, code: "signature-invalid",
                    message: "signature \(job.number) (keyid \(job.keyid.prefix(16))…) does not verify over the envelope's PAE",
                    remedy: "every signature in an envelope must verify; re-sign the statement"))
        }
        // Phase 4 (sequential): statement-level state, findings, hand-off.
        for i in batch.indices { try finishSlot(&batch[i]) }
        batch.removeAll(keepingCapacity: true)
    }

    private func add(_ f: Finding) { report.add(f, limit: checkingCandidates ? Int.max : max(1, options.maxFindingsPerCode)) }
    /// While candidate records are checked (append), every finding is kept: each one is a reason to refuse.
    private var checkingCandidates = false

    // MARK: - Sequential checks

    private func sequential(_ s: inout Slot) throws {
        let seq = s.index
        defer {
            prevLineHash = s.lineHash
            tree.append(leafHash: s.leaf)
            if let capture, !s.pending { capture.add(line: s.line, leaf: s.leaf) }
            onRecord?(seq, s.offset, s.leaf)
            report.records = seq + 1
            if let since = sinceCheckpoint, tree.size == since.size { sinceRoot = tree.root }
        }
        if seq == 0, let since = sinceCheckpoint, since.size == 0 { sinceRoot = tree.root }
        if seq > 0 && trust == nil {
            // Root cause first: without a trusted genesis (reported at seq 0) nothing after it is checked, not even
            // its syntax; the records are counted once at the end (`unverifiable-records`).
            unverifiable += 1
            s.unverifiable = true
            return
        }
        guard let r = s.record else {
            s.findings.append(Finding(seq: seq, s.parseError ?? TrailError("invalid-json", "unparseable line")))
            return
        }
        if !s.canonical {
            s.findings.append(
                Finding(seq: seq, code: "non-canonical", message: "the line is valid JSON but not in RFC 8785 (JCS) form"))
        }
        if r.seq != seq {
            s.findings.append(
                Finding(
                    seq: seq, code: "seq-mismatch",
                    message: "the record says seq \(r.seq) but stands at seq \(seq) (a line was deleted, duplicated or moved)"))
        }
        if seq == 0 {
            if r.prev != nil { s.findings.append(Finding(seq: seq, code: "prev-mismatch", message: "genesis has prev \(r.prev!); it must be null")) }
        } else if let p = prevLineHash {
            let expected = Hex.encode(p)
            if r.prev != expected {
                s.findings.append(
                    Finding(
                        seq: seq, code: "prev-mismatch",
                        message: "prev is \(r.prev.map { String($0.prefix(16)) + "…" } ?? "null"), the previous line hashes to \(expected.prefix(16))… (the previous line was altered, removed or reordered)"))
            }
        }
        if let last = lastTime, r.time < last {
            s.findings.append(
                Finding(seq: seq, code: "time-regression", message: "time \(r.time.text) is before the previous record's \(last.text)"))
        } else {
            lastTime = r.time
        }
        if r.type != .cosignature { lastNonCosignatureSeq = seq }
        if seq == 0 {
            guard case .genesis(let g) = r.body else {
                s.findings.append(Finding(seq: 0, code: "missing-genesis", message: "the first record is \(r.type.rawValue), not genesis"))
                return
            }
            genesis(g, &s)
            return
        }
        guard let trust else { return }  // seq 0 only: later records stopped above
        switch r.body {
        case .genesis:
            s.findings.append(Finding(seq: seq, code: "unexpected-genesis", message: "a genesis record may only be the first line"))
        case .certificate(let der, let chainDER):
            certificateRecord(der, chainDER, time: r.time, prepared: s.certificate, &s)
        case .crl(let der):
            s.findings += RevocationRule.apply(der, seq: seq, trust: &self.trust!)
        case .statement(let env):
            statementRecord(env, time: r.time, trust: trust, &s)
        case .checkpoint(let note):
            try checkpointRecord(note, time: r.time, &s)
        case .cosignature(let cp, let note):
            try cosignatureRecord(cp, note, time: r.time, &s)
        }
    }

    private func genesis(_ g: Record.Genesis, _ s: inout Slot) {
        let out = GenesisRule.check(g, time: s.record!.time, given: options.trust)
        s.findings += out.findings
        if Origin.isValid(g.origin) {
            origin = g.origin
            report.origin = g.origin
        }
        if let op = out.operatorKey { operatorKeys.append(op) }
        trust = out.trust
    }

    private func certificateRecord(
        _ der: [UInt8], _ chainDER: [[UInt8]], time: LedgerTime, prepared: CertificateRule.Prepared?, _ s: inout Slot
    ) {
        s.findings += CertificateRule.register(
            der, chain: chainDER, time: time, seq: s.index, trust: &trust!, operatorKeys: &operatorKeys, prepared: prepared)
    }

    private func statementRecord(_ env: Envelope, time: LedgerTime, trust: TrustState, _ s: inout Slot) {
        if let e = s.checkError { s.findings.append(Finding(seq: s.index, e)) }
        let r = SignerRule.resolve(env, checked: s.checked, time: time, seq: s.index, trust: trust)
        s.signers = r.signers
        s.findings += r.findings.map { Finding(seq: s.index, $0) }
        for sig in r.resolved {
            let early = sig.number - 1 < s.early.count ? s.early[sig.number - 1] : nil
            s.jobs.append(
                Job(key: sig.registration.publicKey, signature: sig.signature, keyid: sig.keyid, number: sig.number, early: early))
        }
    }

    private func checkpointRecord(_ note: String, time: LedgerTime, _ s: inout Slot) throws {
        sawCheckpointRecord = true
        let checked: (Checkpoint, SignedNote, [NoteSignature])
        do {
            checked = try CheckpointRule.check(
                note, seq: s.index, time: time, origin: origin, root: tree.root, operatorKeys: operatorKeys, trust: trust!)
        } catch {
            s.findings.append(Finding(seq: s.index, TrailError.wrap(error)))
            return
        }
        let (cp, parsed, lines) = checked
        try history.addCheckpoint(seq: s.index, offset: s.offset, pending: s.pending ? s.line : nil)
        lastCheckpointSeq = s.index
        recentCheckpoint = (s.index, time, parsed, lines)
        report.latestCheckpoint = CheckpointInfo(
            seq: s.index, size: cp.size, root: cp.rootHash.hex, note: note, witnesses: [], witnessNames: [])
    }

    /// The latest valid checkpoint record, kept so that the cosignature records after it need not read it back.
    var recentCheckpoint: (seq: Int, time: LedgerTime, note: SignedNote, verified: [NoteSignature])?

    /// The valid checkpoint record at `seq`: its time, note and the operator lines that verified.
    func checkpointRecord(at seq: Int) throws -> (time: LedgerTime, note: SignedNote, verified: [NoteSignature])? {
        if let c = recentCheckpoint, c.seq == seq { return (c.time, c.note, c.verified) }
        guard let line = try history.checkpointLine(seq: seq) else { return nil }
        let r = try Record.parse(line: line)
        guard case .checkpoint(let note) = r.body else { return nil }
        return (r.time, try SignedNote(parsing: note), [])
    }

    /// Where `key` stands or would stand in the sorted `keys`, and whether it is there.
    private static func insertionPoint(of key: String, in keys: [String]) -> (Int, Bool) {
        var lo = 0
        var hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return (lo, lo < keys.count && keys[lo] == key)
    }

    private func cosignatureRecord(_ cpSeq: Int, _ note: String, time: LedgerTime, _ s: inout Slot) throws {
        do {
            guard cpSeq < s.index, let target = try checkpointRecord(at: cpSeq) else {
                throw TrailError("cosignature-invalid", "seq \(cpSeq) is not an earlier valid checkpoint record")
            }
            let parsed = try SignedNote(parsing: note)
            guard parsed.text.utf8.elementsEqual(target.note.text.utf8) else {
                throw TrailError("cosignature-invalid", "the cosigned text differs from the checkpoint at seq \(cpSeq)")
            }
            _ = try CheckpointRule.verifyOperatorNote(
                note, operatorKeys: operatorKeys, trust: trust!, at: nil, verifiedBefore: target.verified)
            let out = CosignatureRule.check(
                parsed, checkpointSeq: cpSeq, checkpointTime: target.time, at: time, seq: s.index, trust: trust!,
                requireOne: true)
            s.findings += out.findings
            guard out.findings.isEmpty, report.latestCheckpoint?.seq == cpSeq else { return }
            // Cosignatures of one checkpoint accumulate over its cosignature records, counted by key: each key is
            // inserted into the sorted list in place (binary search), so n cosignature records cost O(n log n)
            // comparisons, not a re-sort of every earlier witness per record.
            for (k, n) in zip(out.witnessKeys, out.witnessNames) {
                let (at, present) = Self.insertionPoint(of: k, in: report.latestCheckpoint!.witnesses)
                if present { continue }
                report.latestCheckpoint!.witnesses.insert(k, at: at)
                report.latestCheckpoint!.witnessNames.insert(n, at: at)
            }
            // The note shown and put in bundles carries the witness lines too, up to the signed-note limit (the count
            // above is not limited); it is parsed once per checkpoint and written again only when a line is added.
            if mergedNote?.seq != cpSeq { mergedNote = (cpSeq, try SignedNote(parsing: report.latestCheckpoint!.note)) }
            var added = false
            for line in parsed.signatures where mergedNote!.note.signatures.count < SignedNote.maxSignatures {
                if mergedNote!.note.signatures.contains(line) { continue }
                mergedNote!.note.signatures.append(line)
                added = true
            }
            if added { report.latestCheckpoint!.note = mergedNote!.note.serialized }
        } catch {
            s.findings.append(Finding(seq: s.index, TrailError.wrap(error)))
        }
    }

    // MARK: - Statement state

    private func finishSlot(_ s: inout Slot) throws {
        guard let r = s.record, case .statement(let env) = r.body else {
            for f in s.findings { add(f) }
            return
        }
        if s.unverifiable {
            for f in s.findings { add(f) }
            onStatement?(
                VerifiedStatement(
                    seq: s.index, time: r.time, lineHash: Hex.encode(s.lineHash), checked: s.checked, signers: [],
                    intact: false, findingCodes: ["unverifiable-records"], prepared: s.prepared, undecoded: s.undecoded,
                    offset: s.pending ? -1 : s.offset))
            return
        }
        let key = s.envelopeKey ?? StatementKey(env.statementIdentity)
        if try history.containsEnvelope(key) { s.findings.append(DuplicateRule.finding(seq: s.index)) }
        if s.findings.isEmpty, let checked = s.checked, case .retraction(let p) = checked.predicate {
            let target = try target(StatementKey(Hex.decode(p.retracts) ?? []))
            if let f = RetractionRule.check(p, checked, signers: s.signers, target: target, seq: s.index) {
                s.findings.append(f)
            }
        }
        for f in s.findings { add(f) }
        let intact = s.findings.allSatisfy { $0.severity != .error }
        if intact {
            // An intact statement parsed (a checkError is a finding), so it is a possible retraction target.
            try history.addStatement(
                envelope: key, line: StatementKey(s.lineHash), offset: s.offset, pending: s.pending ? s.line : nil)
        }
        onStatement?(
            VerifiedStatement(
                seq: s.index, time: r.time, lineHash: Hex.encode(s.lineHash), checked: s.checked, signers: s.signers,
                intact: intact, findingCodes: s.findings.map(\.code.rawValue), prepared: s.prepared, undecoded: s.undecoded,
                    offset: s.pending ? -1 : s.offset))
    }

    /// What a retraction needs to know about its target, recomputed from the target's line: an intact statement's
    /// signers are all registered, and a registration's organisation and roles never change.
    private func target(_ key: StatementKey) throws -> RetractionRule.Target? {
        guard let line = try history.statementLine(key), let trust else { return nil }
        guard case .statement(let env) = try Record.parse(line: line).body else { return nil }
        let checked = try CheckedStatement(envelope: env)
        let regs = env.signatures.compactMap { trust.certificates[$0.keyid.lowercased()] }
        return RetractionRule.Target(checked: checked, signers: regs.map { ($0.organization, $0.roles) })
    }

    // MARK: - End

    func parseSince(_ note: String) throws {
        do {
            sinceCheckpoint = try Checkpoint(text: try SignedNote(parsing: note).text)
        } catch let e as TrailError {
            throw TrailError.malformed("malformed-checkpoint", "the --since checkpoint does not parse: \(e.message)")
        }
    }

    private func finish() {
        report.root = tree.root.hex
        if report.records == 0 {
            add(Finding(seq: 0, code: "empty-ledger", message: "the ledger has no complete record"))
            return
        }
        if trust == nil {
            if unverifiable > 0 {
                add(
                    Finding(
                        seq: 1, code: "unverifiable-records",
                        message: "the \(unverifiable) records after the genesis were not checked: without a trusted genesis no signature, certificate or checkpoint after it can be trusted",
                        remedy: "fix the genesis finding at seq 0 first"))
            }
            return
        }
        if let last = lastCheckpointSeq {
            if lastNonCosignatureSeq > last {
                add(
                    Finding(
                        seq: last + 1, code: "uncheckpointed-tail",
                        message: "records \(last + 1)…\(lastNonCosignatureSeq) are not committed by a checkpoint", severity: .warning))
            }
        } else if !sawCheckpointRecord {
            add(Finding(seq: 0, code: "no-checkpoint", message: "the ledger holds no checkpoint"))
        }
        if let since = sinceCheckpoint, let sinceNote = options.since {
            do {
                guard let trust else { throw TrailError("untrusted-ledger", "no valid genesis") }
                _ = try CheckpointRule.verifyOperatorNote(sinceNote, operatorKeys: operatorKeys, trust: trust, at: nil)
                guard let origin, CheckpointRule.exactOrigin(since.origin, origin) else {
                    throw TrailError("inconsistent-with-checkpoint", "the old checkpoint is for origin \(since.origin)")
                }
                guard since.size <= report.records, let root = sinceRoot else {
                    throw TrailError(
                        "inconsistent-with-checkpoint", "the old checkpoint has size \(since.size); the ledger has only \(report.records) records (it was truncated)")
                }
                guard root == since.rootHash else {
                    throw TrailError(
                        "inconsistent-with-checkpoint",
                        "the first \(since.size) records hash to \(root.hex.prefix(16))…, the old checkpoint says \(since.rootHash.hex.prefix(16))…: history was rewritten")
                }
                report.since = SinceCheckpoint(size: since.size, root: since.rootHash.hex)
            } catch {
                var e = TrailError.wrap(error)
                if e.code != "inconsistent-with-checkpoint" { e = TrailError("inconsistent-with-checkpoint", "the --since checkpoint: [\(e.code)] \(e.message)") }
                add(Finding(seq: since.size > 0 ? min(since.size, report.records) - 1 : 0, e))
            }
        }
    }
}

/// The cosignature key name of an auditor certificate: its subject CN with whitespace replaced by `_`;
/// nil when the CN is missing or contains `+` (SPEC.md §10).
public enum WitnessName {
    public static func of(_ cert: Certificate) -> String? {
        guard let cn = cert.subject.commonName, !cn.isEmpty, !cn.contains("+") else { return nil }
        return String(String.UnicodeScalarView(cn.unicodeScalars.map { $0.properties.isWhitespace ? "_" : $0 }))
    }
}
