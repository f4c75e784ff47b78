import Foundation
import TrailCrypto

/// Something to append to the ledger.
public enum AppendItem: Sendable {
    /// A certificate and its chain (intermediates, issuer first).
    case certificate(Certificate, chain: [Certificate])
    case crl(CRL)
    case envelope(Envelope)
    /// A cosigned checkpoint (the checkpoint record's seq, and the note with witness lines).
    case cosignature(checkpoint: Int, note: String)
}

/// What an append wrote.
public struct AppendResult: Sendable {
    /// Seqs of the records written, in order (the final one is the checkpoint unless only cosignatures were added);
    /// empty when every item was a certificate already registered (then nothing is written).
    public var seqs: [Int]
    public var checkpoint: String?
    public var treeSize: Int
    /// Certificate items that were already registered and so not written again: the item's index in `items` and
    /// the seq of the record that registered it (0: the genesis operator).
    public var alreadyRegistered: [(item: Int, seq: Int)] = []
}

/// Creating, appending to and repairing a ledger file (SPEC.md §4).
public enum Ledger {
    /// Writes a new ledger: the genesis record and a first checkpoint (size 1), in one durable write.
    ///
    /// The operator certificate must chain to one of `trust` at `time`, carry the operator role and an
    /// Ed25519 key matching `operatorKey`. The genesis `chain` lists the operator's intermediates and then the
    /// anchor it chains to, so an appender can validate later certificates from the file alone.
    public static func initialize(
        path: String, origin: String, operatorKey: PrivateKey, operatorCert: Certificate, chain: [Certificate],
        trust: [Certificate], time: LedgerTime = .now()
    ) throws {
        guard Origin.isValid(origin) else {
            throw TrailError.usage(
                "invalid-origin", "origin \"\(origin)\" must be non-empty with no whitespace and no '+'",
                remedy: "use a schema-less URL-like name such as ledger.example.gov/h200-2026")
        }
        guard !trust.isEmpty else { throw TrailError.usage("no-trust-anchor", "ledger init needs --trust ROOT.pem") }
        guard try operatorKey.publicKey.spkiDER == operatorCert.publicKey.spkiDER else {
            throw TrailError.usage("key-certificate-mismatch", "the operator key is not the key of the operator certificate")
        }
        guard operatorKey.algorithm == .ed25519 else {
            throw TrailError.usage("operator-key-not-ed25519", "the operator's checkpoint key must be Ed25519 (signed notes)")
        }
        let intermediates = chain.filter { c in !trust.contains { $0.fingerprint == c.fingerprint } }
        let validation = ChainValidator(anchors: trust).validate(
            operatorCert, intermediates: intermediates, at: time.date, role: .operator)
        if let e = validation.failures.first { throw e }
        let anchor = validation.path.last.map { [$0] } ?? []
        let genesis = Record(
            seq: 0, time: time, prev: nil,
            body: .genesis(
                Record.Genesis(
                    origin: origin, anchors: trust.map(\.fingerprint), operatorCert: operatorCert.der,
                    chain: (intermediates + anchor).map(\.der))))
        let g = genesis.line
        let root = Merkle.leafHash(g)
        let note = try Checkpoint(origin: origin, size: 1, rootHash: root).signedNote(by: operatorKey)
        let cp = Record(seq: 1, time: time, prev: Digest.sha256Hex(g), body: .checkpoint(note: note))
        let file = try LockedFile(path: path, create: true)
        do {
            try file.appendDurably(g + [0x0A] + cp.line + [0x0A])
        } catch {
            unlink(path)
            throw error
        }
        FileIO.syncDirectory(FileIO.directory(of: path))
    }

    /// Appends `items` and a checkpoint as one batch, under an exclusive lock, with one write and fsync.
    ///
    /// Every new record is checked with exactly the rules of `ledger verify` before anything is written; on any
    /// refusal nothing is appended and the error lists every problem, one per line, each naming its item by
    /// `labels[i]` (the envelope or certificate file; "item i+1" without labels), a duplicate statement with the seq
    /// where the same statement already stands. The error's `file` is the first refused item's label and its `seq`
    /// the seq that item would have had. A batch of only cosignatures gets no checkpoint; a batch of only
    /// certificates that are already registered writes nothing (`AppendResult.alreadyRegistered`).
    ///
    /// A certificate's `chain` is written as its validated path: from the leaf's issuer upward, without
    /// duplicates, the root left out (SPEC.md §4). The path is built from the chain given and every CA the
    /// ledger already holds (the genesis chain, earlier certificate records), so an issuer already in the ledger
    /// needs no chain.
    ///
    /// With `useIndex` (the default) the state of the existing records comes from the sidecar index
    /// (`LedgerIndex`), which is caught up or rebuilt as needed and updated after the write; without, from a full
    /// verification pass.
    public static func append(
        path: String, operatorKey: PrivateKey, items: [AppendItem], labels: [String] = [],
        trust extraTrust: [Certificate] = [], time: LedgerTime = .now(), useIndex: Bool = true
    ) throws -> AppendResult {
        guard !items.isEmpty else { throw TrailError.usage("nothing-to-append", "give at least one envelope, --cert or --crl") }
        func label(_ i: Int) -> String { i < labels.count ? labels[i] : "item \(i + 1)" }
        let file = try LockedFile(path: path)
        if let b = file.lastByte(), b != 0x0A {
            throw TrailError(
                "torn-tail", "the ledger ends with an incomplete line (an interrupted append); refusing to append after it",
                remedy: "run `chiptrail ledger repair \(path)` first", file: path)
        }
        let anchors = try anchorsOf(path: path, extra: extraTrust)
        let size = file.size
        // The verifier's state after the existing records: from the sidecar index (O(1) in the ledger's size), or
        // — without it — from a full verification pass. Either way the candidates below get exactly the same checks.
        let index: LedgerIndex?
        let verifier: LedgerVerifier
        if useIndex {
            let i = try LedgerIndex.open(ledger: path, size: size, anchors: anchors)
            (index, verifier) = (i, i.verifier)
        } else {
            index = nil
            verifier = LedgerVerifier(path: path, options: VerifyOptions(trust: anchors))
            let existing = try verifier.run()
            if let bad = existing.errors.first {
                throw TrailError(
                    "ledger-invalid", "the ledger does not verify (line \(bad.line), \(bad.code): \(bad.message)); refusing to append",
                    remedy: "run `chiptrail ledger verify` and resolve the findings", file: path, line: bad.line, seq: bad.seq)
            }
        }
        guard let origin = verifier.ledgerOrigin, var prev = verifier.lastLineHash else {
            throw TrailError("ledger-invalid", "the ledger has no valid genesis", file: path)
        }
        var now = time
        if let last = verifier.latestTime, now < last { now = last }
        var seq = verifier.treeSize
        var lines: [[UInt8]] = []
        var seqs: [Int] = []
        /// The item each candidate line comes from (nil for the checkpoint).
        var lineItems: [Int?] = []
        let registered = verifier.trustState?.certificates ?? [:]
        var registering: [String: Int] = [:]
        var alreadyRegistered: [(item: Int, seq: Int)] = []
        // CAs the ledger holds, in fingerprint order (no path may depend on a hash table's order).
        let ledgerCAs = (verifier.trustState?.authorities ?? [:]).sorted { $0.key < $1.key }.map(\.value)
        // The envelopes' canonical JSON, encoded in parallel: the rest of a statement line is a few fields, and only
        // `prev` makes the lines depend on each other.
        let envelopeJSON = parallelMap(items.count) { i -> [UInt8]? in
            guard case .envelope(let env) = items[i] else { return nil }
            return JCS.serialize(env.json)
        }
        var itemIndex = 0
        func add(_ body: Record.Body, item: Int?) {
            let line: [UInt8]
            if case .statement = body, let json = envelopeJSON[itemIndex] {
                line = Record.statementLine(envelopeJSON: json, seq: seq, time: now, prev: Hex.encode(prev))
            } else {
                line = Record(seq: seq, time: now, prev: Hex.encode(prev), body: body).line
            }
            lines.append(line)
            seqs.append(seq)
            lineItems.append(item)
            prev = Digest.sha256(line)
            seq += 1
        }
        var onlyCosignatures = true
        var onlyKnownCertificates = true
        for (i, item) in items.enumerated() {
            itemIndex = i
            switch item {
            case .certificate(let cert, let chain):
                onlyCosignatures = false
                if let reg = registered[cert.fingerprint] {
                    alreadyRegistered.append((i, reg.seq))
                    continue
                }
                if registering[cert.fingerprint] != nil { continue }
                onlyKnownCertificates = false
                registering[cert.fingerprint] = i
                let path = recordChain(cert, given: chain, ledgerCAs: ledgerCAs, anchors: anchors, at: now)
                add(.certificate(cert: cert.der, chain: path.map(\.der)), item: i)
            case .crl(let crl):
                (onlyCosignatures, onlyKnownCertificates) = (false, false)
                add(.crl(crl.der), item: i)
            case .envelope(let env):
                (onlyCosignatures, onlyKnownCertificates) = (false, false)
                add(.statement(env), item: i)
            case .cosignature(let cp, let note):
                onlyKnownCertificates = false
                add(.cosignature(checkpoint: cp, note: note), item: i)
            }
        }
        if onlyKnownCertificates {
            return AppendResult(seqs: [], checkpoint: nil, treeSize: verifier.treeSize, alreadyRegistered: alreadyRegistered)
        }
        var findings = try verifier.check(candidates: lines, at: size)
        var checkpointNote: String?
        if !onlyCosignatures && findings.allSatisfy({ $0.severity != .error }) {
            let note = try Checkpoint(origin: origin, size: verifier.treeSize, rootHash: verifier.currentRoot)
                .signedNote(by: operatorKey)
            let before = lines.count
            let at = size + Int64(lines.reduce(0) { $0 + $1.count + 1 })
            add(.checkpoint(note: note), item: nil)
            findings += try verifier.check(candidates: Array(lines[before...]), at: at)
            checkpointNote = note
        }
        let errors = findings.filter { $0.severity == .error }
        if let bad = errors.first {
            let firstSeq = seqs.first ?? 0
            func itemOf(_ f: Finding) -> Int? {
                let k = f.seq - firstSeq
                return k >= 0 && k < lineItems.count ? lineItems[k] : nil
            }
            let duplicates = errors.compactMap { f -> Int? in f.code == "duplicate-statement" ? itemOf(f) : nil }
            let standing = try duplicateSeqs(duplicates.compactMap { i in
                if case .envelope(let env) = items[i] { return env }
                return nil
            }, path: path)
            let problems = errors.map { f -> String in
                guard let i = itemOf(f) else { return "the batch's checkpoint: [\(f.code)] \(f.message)" }
                var message = f.message
                if f.code == "duplicate-statement", case .envelope(let env) = items[i] {
                    message = duplicateText(env, item: i, items: items, standing: standing, label: label)
                }
                return "\(label(i)): [\(f.code)] \(message)"
            }
            throw TrailError(
                bad.code, "refused, nothing appended (\(errors.count) problem\(errors.count == 1 ? "" : "s")):\n  "
                    + problems.joined(separator: "\n  "),
                remedy: bad.remedy, file: itemOf(bad).map(label) ?? path, seq: bad.seq)
        }
        var bytes: [UInt8] = []
        for l in lines { bytes += l + [0x0A] }
        try file.appendDurably(bytes)
        // Committed. The index follows; if this fails it is caught up or rebuilt by the next append.
        try? index?.commit(bytes: size + Int64(bytes.count))
        return AppendResult(seqs: seqs, checkpoint: checkpointNote, treeSize: seq, alreadyRegistered: alreadyRegistered)
    }

    /// The chain a certificate record carries: the validated path from the leaf's issuer upward, without duplicates
    /// and without the anchor, built from `given` and the CAs the ledger holds. When no path validates, the given
    /// chain without duplicates and self-issued certificates (the record's check then says why it is refused).
    static func recordChain(
        _ cert: Certificate, given: [Certificate], ledgerCAs: [Certificate], anchors: [Certificate], at time: LedgerTime
    ) -> [Certificate] {
        var seen = Set<String>()
        let candidates = (given + ledgerCAs).filter { !$0.isSelfIssued && seen.insert($0.fingerprint).inserted }
        let result = ChainValidator(anchors: anchors).validate(cert, intermediates: candidates, at: time.date)
        if result.isValid, result.path.count >= 2 {
            return Array(result.path.dropFirst().dropLast())
        }
        var given1 = Set<String>()
        return given.filter { !$0.isSelfIssued && given1.insert($0.fingerprint).inserted }
    }

    /// Where the statement of item `i` already stands: its seq in the ledger (`standing`), else the earlier item of
    /// this batch it repeats.
    static func duplicateText(
        _ env: Envelope, item i: Int, items: [AppendItem], standing: [[UInt8]: Int], label: (Int) -> String
    ) -> String {
        if let seq = standing[statementKey(env)] {
            return "the same statement (payload and signer certificates) already stands at seq \(seq)"
        }
        for j in 0..<i {
            if case .envelope(let other) = items[j], sameStatement(other, env) {
                return "the same statement (payload and signer certificates) is also \(label(j)) in this batch"
            }
        }
        return "the same statement (payload and signer certificates) is already in the ledger"
    }

    /// The seq of the first statement in the ledger that is the same statement as one of `envelopes`, by
    /// `statementKey`. One scan of the ledger, only on the refusal path.
    static func duplicateSeqs(_ envelopes: [Envelope], path: String) throws -> [[UInt8]: Int] {
        guard !envelopes.isEmpty else { return [:] }
        let wanted = Set(envelopes.map(statementKey))
        var found: [[UInt8]: Int] = [:]
        let marker = Array("\"type\":\"statement\"".utf8)
        let reader = try LineReader(path: path)
        while found.count < wanted.count, let item = try reader.next() {
            guard case .line(let index, _, let bytes) = item, contains(bytes, marker),
                case .statement(let e)? = try? Record.parse(line: bytes).body
            else { continue }
            let key = statementKey(e)
            if wanted.contains(key), found[key] == nil { found[key] = index }
        }
        return found
    }

    /// The statement identity of DuplicateRule (payload and signer set), the same key verify uses.
    static func statementKey(_ e: Envelope) -> [UInt8] { e.statementIdentity }

    static func sameStatement(_ a: Envelope, _ b: Envelope) -> Bool { a.statementIdentity == b.statementIdentity }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return needle.isEmpty }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// Trust anchors for an appender: the genesis chain's certificates listed as anchors, plus `extra`.
    static func anchorsOf(path: String, extra: [Certificate]) throws -> [Certificate] {
        // Only the first line: a LineReader's buffer would read megabytes for a few kilobytes.
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TrailError.io("cannot open \(path): \(FileIO.errnoText())", file: path) }
        defer { close(fd) }
        guard let bytes = readLine(fd: fd, at: 0, limit: Record.defaultMaxLineLength) else {
            throw TrailError("empty-ledger", "\(path) holds no record", file: path)
        }
        let genesis = try Record.parse(line: bytes)
        guard case .genesis(let g) = genesis.body else {
            throw TrailError("missing-genesis", "the first record of \(path) is not genesis", file: path, line: 1, seq: 0)
        }
        let listed = Set(g.anchors)
        var out = extra.filter { listed.contains($0.fingerprint) }
        for der in g.chain {
            if let c = try? Certificate(der: der), listed.contains(c.fingerprint), !out.contains(where: { $0.fingerprint == c.fingerprint }) {
                out.append(c)
            }
        }
        guard !out.isEmpty else {
            throw TrailError.usage("no-trust-anchor", "the genesis chain holds no anchor certificate", remedy: "pass --trust ROOT.pem")
        }
        return out
    }

    /// True when the file at `path` begins with a complete line that parses as a genesis record.
    public static func startsWithGenesis(path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return startsWithGenesis(fd: fd)
    }

    static func startsWithGenesis(fd: Int32) -> Bool {
        guard let bytes = readLine(fd: fd, at: 0, limit: Record.defaultMaxLineLength),
            case .genesis? = try? Record.parse(line: bytes).body
        else { return false }
        return true
    }

    /// Moves a torn final line (bytes after the last newline) to `<ledger>.torn-<offset>` and truncates the
    /// ledger to its last complete line. Committed lines are never touched. Returns the side file, or nil
    /// when there was nothing to repair.
    ///
    /// Refuses (`not-a-ledger`, malformed input) a file whose first line is not a complete genesis record: cutting
    /// anything else back to its last newline would destroy a file that was never a ledger (a PNG, say).
    public static func repair(path: String) throws -> (sideFile: String, bytes: Int, offset: Int64)? {
        let file = try LockedFile(path: path)
        guard startsWithGenesis(fd: file.fd) else {
            throw TrailError.malformed(
                "not-a-ledger", "\(path) does not start with a genesis record: it is not a chiptrail ledger; nothing was changed",
                remedy: "check the path; `ledger repair` only removes a torn final line from a ledger"
            ).at(file: path, line: 1)
        }
        let size = file.size
        guard size > 0, file.lastByte() != 0x0A else { return nil }
        // Find the last newline by scanning backwards in chunks.
        var end = size
        var cut: Int64 = 0
        let chunk: Int64 = 1 << 16
        outer: while end > 0 {
            let start = max(0, end - chunk)
            var buf = [UInt8](repeating: 0, count: Int(end - start))
            let n = buf.withUnsafeMutableBytes { pread(file.fd, $0.baseAddress, $0.count, off_t(start)) }
            guard n == buf.count else { throw TrailError.io("cannot read \(path)", file: path) }
            if let i = buf.lastIndex(of: 0x0A) {
                cut = start + Int64(i) + 1
                break outer
            }
            end = start
        }
        var torn = [UInt8](repeating: 0, count: Int(size - cut))
        _ = torn.withUnsafeMutableBytes { pread(file.fd, $0.baseAddress, $0.count, off_t(cut)) }
        // Never overwrite an earlier side file: a later torn tail at the same offset gets `.torn-<offset>.<n>`.
        // One that already holds exactly these bytes is from a repair interrupted before the truncate.
        var side = path + ".torn-\(cut)"
        var saved = false
        for n in 1... {
            guard let existing = FileManager.default.contents(atPath: side) else { break }
            if [UInt8](existing) == torn {
                saved = true
                break
            }
            side = path + ".torn-\(cut).\(n)"
        }
        if !saved { try FileIO.writeAtomically(torn, to: side, mode: 0o644, overwrite: false) }
        guard ftruncate(file.fd, off_t(cut)) == 0, fsync(file.fd) == 0 else {
            throw TrailError.io("cannot truncate \(path): \(FileIO.errnoText())", file: path)
        }
        return (side, torn.count, cut)
    }
}
