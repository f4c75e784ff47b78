import TrailCrypto

/// Everything an openssl recipe for one record needs, gathered from a ledger file or from a proof bundle
/// (SPEC.md §12). The recipe re-derives every verdict itself; this only decides what to embed.
struct RecipeInput {
    /// Where the record's own line comes from when the script runs.
    enum Source {
        /// `$1`, default the ledger the script was made from; the previous line is read from it too.
        case ledger(path: String)
        /// Embedded: the bundle's entry (and, when the bundle holds it, the entry before it).
        case bundle(path: String)
    }

    /// One record the recipe may use: its line and, when it lies inside the checkpoint's tree, its proof.
    struct Item {
        var seq: Int
        var record: Record
        var line: [UInt8]
        var proof: [MerkleHash]?
    }

    /// The latest checkpoint (or the bundle's), in its most cosigned form.
    struct LatestCheckpoint {
        var note: String
        var checkpoint: Checkpoint
        /// The checkpoint record's seq and time (unknown for a bundle: that record lies beyond its tree).
        var seq: Int?
        var time: LedgerTime?
        /// For each witness line (`name base64`), the seq and time of the first cosignature record holding it.
        var cosignatureRecords: [String: (seq: Int, time: LedgerTime)]
    }

    var source: Source
    var target: Item
    /// The record before the target, when the recipe can hash it (ledger: read from the file at run time).
    var previous: Item?
    var genesis: Item
    /// Certificate and CRL records (of any seq: the checkpoint's keys may be registered after the target) and
    /// the checkpoint record a cosignature record names, by seq.
    var items: [Int: Item]
    var latest: LatestCheckpoint?
    /// For a checkpoint record at seq c: the inclusion proof of line c−1 in the tree of size c.
    var tailProof: [MerkleHash]?
    /// The trust anchor the recipe embeds (the user may pass another as `$2`).
    var anchor: Certificate
    /// For a retraction: the earlier record whose line hash it names, when the ledger or bundle holds one.
    var retracted: Item? = nil

    var certificateRecords: [(seq: Int, cert: Certificate, chain: [Certificate])] {
        items.keys.sorted().compactMap { seq in
            guard case .certificate(let der, let chainDER) = items[seq]!.record.body, let c = try? Certificate(der: der)
            else { return nil }
            return (seq, c, chainDER.compactMap { try? Certificate(der: $0) })
        }
    }

    var crlRecords: [(seq: Int, crl: CRL)] {
        items.keys.sorted().compactMap { seq in
            guard case .crl(let der) = items[seq]!.record.body, let c = try? CRL(der: der) else { return nil }
            return (seq, c)
        }
    }

    var genesisBody: Record.Genesis? {
        if case .genesis(let g) = genesis.record.body { return g }
        return nil
    }
}

extension RecipeInput {
    /// Gathers a recipe's input from the ledger at `path` for record `seq`, against the latest checkpoint.
    /// Errors: `seq-out-of-range`, `missing-genesis`, `no-trust-anchor`, and those of reading the ledger.
    static func fromLedger(path: String, seq: Int, trust: [Certificate]) throws -> RecipeInput {
        var target: (Record, [UInt8])?
        var genesis: (Record, [UInt8])?
        var kept: [Int: (Record, [UInt8])] = [:]
        var checkpoints: [(seq: Int, time: LedgerTime, note: String, line: [UInt8])] = []
        var cosignatures: [(seq: Int, time: LedgerTime, checkpoint: Int, note: String)] = []
        try LedgerReader.forEach(path: path) { r, bytes in
            if r.seq == seq { target = (r, bytes) }
            switch r.body {
            case .genesis where r.seq == 0: genesis = (r, bytes)
            case .certificate, .crl: kept[r.seq] = (r, bytes)
            case .checkpoint(let note): checkpoints.append((r.seq, r.time, note, bytes))
            case .cosignature(let cp, let note): cosignatures.append((r.seq, r.time, cp, note))
            default: break
            }
        }
        guard let (record, line) = target else {
            throw TrailError.usage(
                "seq-out-of-range", "\(path) holds no parseable record at seq \(seq)",
                remedy: "`chiptrail ledger show \(path)` lists the records")
        }
        guard let (gRecord, gLine) = genesis else {
            throw TrailError("missing-genesis", "\(path) has no genesis record at seq 0", file: path, seq: 0)
        }
        // A cosignature record's checkpoint record is embedded so its text can be compared.
        if case .cosignature(let cp, _) = record.body, let c = checkpoints.first(where: { $0.seq == cp }),
            let r = try? Record.parse(line: c.line)
        {
            kept[cp] = (r, c.line)
        }
        var latest: LatestCheckpoint?
        var source: (any MerkleHashSource)?
        if let last = checkpoints.last, var merged = try? SignedNote(parsing: last.note),
            let cp = try? Checkpoint(text: merged.text)
        {
            var firstRecord: [String: (seq: Int, time: LedgerTime)] = [:]
            for c in cosignatures where c.checkpoint == last.seq {
                guard let n = try? SignedNote(parsing: c.note), n.text == merged.text else { continue }
                for s in n.signatures {
                    if !merged.signatures.contains(s) { merged.signatures.append(s) }
                    let key = s.name + " " + s.base64
                    if firstRecord[key] == nil { firstRecord[key] = (c.seq, c.time) }
                }
            }
            latest = LatestCheckpoint(
                note: merged.serialized, checkpoint: cp, seq: last.seq, time: last.time, cosignatureRecords: firstRecord
            )
            source = try LedgerProofs.hashSource(forLedger: path, upTo: cp.size)
        }
        func proof(_ s: Int) throws -> [MerkleHash]? {
            guard let latest, let source, s < latest.checkpoint.size else { return nil }
            return try source.inclusionProof(index: s, size: latest.checkpoint.size)
        }
        var items: [Int: Item] = [:]
        for (s, (r, bytes)) in kept {
            items[s] = Item(seq: s, record: r, line: bytes, proof: try proof(s))
        }
        var tailProof: [MerkleHash]?
        if case .checkpoint = record.body, seq > 0 {
            tailProof = try LedgerProofs.hashSource(forLedger: path, upTo: seq).inclusionProof(
                index: seq - 1, size: seq)
        }
        let genesisItem = Item(seq: 0, record: gRecord, line: gLine, proof: try proof(0))
        var retracted: Item?
        if let hash = retractedHash(record) {
            var found: (Record, [UInt8])?
            try LedgerReader.forEach(path: path) { r, bytes in
                if found == nil, r.seq < seq, Digest.sha256Hex(bytes) == hash { found = (r, bytes) }
            }
            if let (r, bytes) = found { retracted = Item(seq: r.seq, record: r, line: bytes, proof: try proof(r.seq)) }
        }
        return RecipeInput(
            source: .ledger(path: path), target: Item(seq: seq, record: record, line: line, proof: try proof(seq)),
            previous: nil, genesis: genesisItem, items: items, latest: latest, tailProof: tailProof,
            anchor: try anchor(genesis: genesisItem, items: items, trust: trust, file: path), retracted: retracted)
    }

    /// Gathers a recipe's input from a proof bundle for its entry `seq`.
    /// Errors: `seq-out-of-range` (no such entry), `bundle-genesis-missing`, `no-trust-anchor`, `bundle-malformed`.
    static func fromBundle(_ bundle: ProofBundle, path: String, seq: Int, trust: [Certificate]) throws -> RecipeInput {
        var items: [Int: Item] = [:]
        var target: Item?
        var previous: Item?
        var genesis: Item?
        for e in bundle.entries {
            guard let r = try? Record.parse(line: e.line), r.seq == e.seq else {
                throw ProofBundle.malformed("entry seq \(e.seq) is not a ledger record with that seq")
            }
            let item = Item(seq: e.seq, record: r, line: e.line, proof: e.proof)
            if e.seq == seq { target = item }
            if e.seq == seq - 1 { previous = item }
            if e.seq == 0, r.type == .genesis { genesis = item }
            if r.type == .certificate || r.type == .crl { items[e.seq] = item }
        }
        var retracted: Item?
        if let t = target, let hash = retractedHash(t.record),
            let e = bundle.entries.first(where: { $0.seq < seq && Digest.sha256Hex($0.line) == hash }),
            let r = try? Record.parse(line: e.line)
        {
            retracted = Item(seq: e.seq, record: r, line: e.line, proof: e.proof)
        }
        guard let target else {
            throw TrailError.usage(
                "seq-out-of-range",
                "\(path) holds no entry with seq \(seq) (entries: \(bundle.entries.map { String($0.seq) }.joined(separator: ", ")))"
            )
        }
        guard let genesis else {
            throw TrailError("bundle-genesis-missing", "\(path) holds no genesis entry at seq 0", file: path, seq: 0)
        }
        let note = try SignedNote(parsing: bundle.checkpoint)
        let latest = LatestCheckpoint(
            note: bundle.checkpoint, checkpoint: try Checkpoint(text: note.text), seq: nil, time: nil,
            cosignatureRecords: [:])
        return RecipeInput(
            source: .bundle(path: path), target: target, previous: previous, genesis: genesis, items: items,
            latest: latest, tailProof: nil,
            anchor: try anchor(genesis: genesis, items: items, trust: trust, file: path),
            retracted: retracted)
    }

    /// The lowercase hex line hash a retraction statement names; nil for any other record.
    static func retractedHash(_ r: Record) -> String? {
        guard case .statement(let env) = r.body, let checked = try? CheckedStatement(envelope: env),
            case .retraction(let p) = checked.predicate
        else { return nil }
        return p.retracts.lowercased()
    }

    /// The given trust anchor listed in genesis, else the self-signed certificate of the genesis chain (or of a
    /// certificate record's chain) that genesis lists.
    private static func anchor(genesis: Item, items: [Int: Item], trust: [Certificate], file: String) throws
        -> Certificate
    {
        guard case .genesis(let g) = genesis.record.body else {
            throw TrailError("missing-genesis", "seq 0 of \(file) is not a genesis record", file: file, seq: 0)
        }
        let listed = Set(g.anchors.map { $0.lowercased() })
        if let t = trust.first(where: { listed.contains($0.fingerprint) }) { return t }
        guard trust.isEmpty else {
            throw TrailError(
                "untrusted-ledger", "no --trust certificate is listed in the genesis anchors of \(file)",
                remedy: "pass the root certificate whose SHA-256 genesis lists (\(g.anchors.joined(separator: ", ")))",
                file: file, seq: 0)
        }
        var candidates = g.chain
        for seq in items.keys.sorted() {
            if case .certificate(_, let chain) = items[seq]!.record.body { candidates += chain }
        }
        for der in candidates {
            if let c = try? Certificate(der: der), c.isSelfSigned, listed.contains(c.fingerprint) { return c }
        }
        throw TrailError.usage(
            "no-trust-anchor", "\(file) carries no copy of its trust anchor; give it with --trust ROOT.pem",
            remedy: "pass the root certificate the ledger's genesis lists")
    }
}
