import Foundation
import TrailCrypto

extension ProofBundle {
    /// Builds the bundle for shipment `id` from the ledger at `path` against the checkpoint record at
    /// `checkpointSeq` (the latest checkpoint when nil), as SPEC.md §11 lists its entries:
    /// genesis; every statement about the shipment and the export licenses they name; the certificate
    /// records of their signers, of the witnesses and of the operator key that signed the checkpoint; every
    /// CRL record before the checkpoint with a certificate record of the CA that signed it.
    ///
    /// The ledger is read, not verified: `bundle verify` checks everything the bundle holds. With the sidecar index
    /// (`source` `.automatic` or `.index`) only the records the bundle needs are read; see `ProofSource`.
    /// Errors: `unknown-checkpoint`, `no-checkpoint`, `unknown-shipment`, `io-error`; with `.index`, `index-unusable`.
    public static func build(
        ledger path: String, shipment id: String, checkpointSeq: Int? = nil, source: ProofSource = .automatic
    ) throws -> ProofBundle {
        let (scan, index) = try LedgerScan.load(
            path: path, shipment: id, keepSeq: nil, checkpointSeq: checkpointSeq, source: source)
        let (cpSeq, note) = try scan.checkpoint(checkpointSeq, path: path)
        let cp = try Checkpoint(text: try SignedNote(parsing: note).text)
        let size = cp.size
        guard let genesis = scan.genesis else {
            throw TrailError("missing-genesis", "the first record of \(path) is not genesis", file: path, line: 1, seq: 0)
        }
        var included: Set<Int> = [0]
        let statements = scan.shipmentStatements.filter { $0.seq < size }
        guard !statements.isEmpty else {
            throw TrailError.usage(
                "unknown-shipment", "no statement before the checkpoint at seq \(cpSeq) is about shipment \(id)",
                remedy: "check the shipment id with `chiptrail ledger show \(path)`")
        }
        // Statements and the licenses they name.
        var licenses = Set<String>()
        for s in statements {
            included.insert(s.seq)
            if let checked = try? CheckedStatement(envelope: s.envelope),
                case .supplySufficiency(let p, let manifest, _) = checked.predicate
            {
                licenses.insert(p.license)
                licenses.insert(manifest.license)
            }
        }
        var signed = statements
        for l in licenses.sorted() {
            for s in scan.licenseStatements[l, default: []] where s.seq < size {
                included.insert(s.seq)
                signed.append(s)
            }
        }
        // Their signers' certificate records.
        for s in signed {
            for sig in s.envelope.signatures {
                if let c = scan.firstCertificate[sig.keyid.lowercased()], c < s.seq { included.insert(c) }
            }
        }
        // Every CRL before the checkpoint, with a record that registers the CA that signed it.
        let genesisCAs = ((try? Certificate(der: genesis.operatorCert)).map { [$0] } ?? [])
            + genesis.chain.compactMap { try? Certificate(der: $0) }
        for crl in scan.crls where crl.seq < size {
            included.insert(crl.seq)
            if genesisCAs.contains(where: { $0.subject == crl.crl.issuer && crl.crl.isSignature(validUnder: $0) }) {
                continue
            }
            if let rec = scan.certificates.first(where: { rec in
                rec.seq < crl.seq
                    && ([rec.cert] + rec.chain).contains { $0.subject == crl.crl.issuer && crl.crl.isSignature(validUnder: $0) }
            }) {
                included.insert(rec.seq)
            }
        }
        // The operator key and the witnesses that signed the checkpoint note.
        let signedNote = try SignedNote(parsing: note)
        for rec in scan.certificates where rec.seq < size {
            guard let key = try? rec.cert.publicKey, key.algorithm == .ed25519 else { continue }
            let roles = rec.cert.roles
            if roles.contains(.operator), let v = try? NoteVerifier(name: genesis.origin, publicKey: key),
                signedNote.signatures.contains(where: { $0.name == v.name && $0.keyID == v.keyID })
            {
                included.insert(rec.seq)
            }
            if roles.contains(.auditor), let name = WitnessName.of(rec.cert),
                let v = try? CosignatureV1.Verifier(name: name, publicKey: key),
                signedNote.signatures.contains(where: { v.matches($0) })
            {
                included.insert(rec.seq)
            }
        }
        let source = try LedgerProofs.hashSource(forLedger: path, index: index, upTo: size)
        var entries: [Entry] = []
        for seq in included.sorted() {
            guard let line = scan.lines[seq] else { continue }
            entries.append(Entry(seq: seq, line: line, proof: try source.inclusionProof(index: seq, size: size)))
        }
        return ProofBundle(origin: genesis.origin, checkpoint: note, treeSize: size, subject: "shipment:\(id)", entries: entries)
    }
}

/// One pass over a ledger collecting what bundles and single-entry proofs need: the lines of genesis,
/// certificate, CRL and relevant statement records, and every checkpoint with its cosigned forms.
struct LedgerScan {
    struct CertRecord {
        var seq: Int
        var cert: Certificate
        var chain: [Certificate]
    }

    struct StatementRecord {
        var seq: Int
        var envelope: Envelope
    }

    var genesis: Record.Genesis?
    var lines: [Int: [UInt8]] = [:]
    var certificates: [CertRecord] = []
    /// Fingerprint → seq of the record that first registered it.
    var firstCertificate: [String: Int] = [:]
    var crls: [(seq: Int, crl: CRL)] = []
    var shipmentStatements: [StatementRecord] = []
    /// License number → its export-license statements (subject `license:<n>`).
    var licenseStatements: [String: [StatementRecord]] = [:]
    var checkpoints: [(seq: Int, note: String)] = []
    /// Checkpoint seq → the notes of the cosignature records for it, in ledger order.
    var cosignatures: [Int: [String]] = [:]
    /// Lines kept for any seq (used by single-entry proofs).
    var keepSeq: Int?

    init(path: String, shipment: String? = nil, keepSeq: Int? = nil) throws {
        self.keepSeq = keepSeq
        let subject = shipment.map { "shipment:" + $0 }
        try LedgerReader.forEach(path: path) { r, bytes in
            if r.seq == keepSeq { lines[r.seq] = bytes }
            switch r.body {
            case .genesis(let g) where r.seq == 0:
                genesis = g
                lines[0] = bytes
            case .certificate(let der, let chainDER):
                guard let cert = try? Certificate(der: der) else { return }
                certificates.append(
                    CertRecord(seq: r.seq, cert: cert, chain: chainDER.compactMap { try? Certificate(der: $0) }))
                if firstCertificate[cert.fingerprint] == nil { firstCertificate[cert.fingerprint] = r.seq }
                lines[r.seq] = bytes
            case .crl(let der):
                guard let crl = try? CRL(der: der) else { return }
                crls.append((r.seq, crl))
                lines[r.seq] = bytes
            case .statement(let env):
                guard subject != nil, let s = try? Statement(payload: env.payload), let name = s.subject.first?.name else {
                    return
                }
                if name == subject {
                    shipmentStatements.append(StatementRecord(seq: r.seq, envelope: env))
                    lines[r.seq] = bytes
                } else if name.hasPrefix("license:") {
                    licenseStatements[String(name.dropFirst("license:".count)), default: []].append(
                        StatementRecord(seq: r.seq, envelope: env))
                    lines[r.seq] = bytes
                }
            case .checkpoint(let note):
                checkpoints.append((r.seq, note))
            case .cosignature(let cp, let note):
                cosignatures[cp, default: []].append(note)
            default:
                break
            }
        }
    }

    /// The checkpoint record at `seq` (the latest when nil) and its note in the most cosigned form the ledger
    /// holds: the operator's note with every distinct witness line of the cosignature records for it.
    func checkpoint(_ seq: Int?, path: String) throws -> (seq: Int, note: String) {
        let chosen: (seq: Int, note: String)
        if let seq {
            guard let c = checkpoints.first(where: { $0.seq == seq }) else {
                throw TrailError.usage(
                    "unknown-checkpoint", "seq \(seq) of \(path) is not a checkpoint record",
                    remedy: "`chiptrail ledger show \(path)` lists the checkpoint records")
            }
            chosen = c
        } else {
            guard let c = checkpoints.last else { throw TrailError("no-checkpoint", "\(path) holds no checkpoint", file: path) }
            chosen = c
        }
        guard var merged = try? SignedNote(parsing: chosen.note) else {
            throw TrailError("malformed-note", "the checkpoint at seq \(chosen.seq) is not a signed note", file: path, seq: chosen.seq)
        }
        for n in cosignatures[chosen.seq, default: []] {
            guard let cosigned = try? SignedNote(parsing: n), cosigned.text == merged.text else { continue }
            for sig in cosigned.signatures where !merged.signatures.contains(sig) { merged.signatures.append(sig) }
        }
        return (chosen.seq, merged.serialized)
    }
}
