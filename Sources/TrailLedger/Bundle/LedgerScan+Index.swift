import Foundation
import TrailCrypto

extension LedgerScan {
    /// What a proof needs from the ledger at `path`, from the sidecar index when `source` allows it (with the index,
    /// so its stored hashes serve the proofs) or from a full scan.
    static func load(
        path: String, shipment: String?, keepSeq: Int?, checkpointSeq: Int?, source: ProofSource
    ) throws -> (LedgerScan, LedgerIndex?) {
        if source != .scan {
            do {
                let index = try LedgerIndex.open(ledger: path)
                return (
                    try LedgerScan(index: index, shipment: shipment, keepSeq: keepSeq, checkpointSeq: checkpointSeq),
                    index
                )
            } catch let e as TrailError where source == .index {
                throw TrailError("index-unusable", "the index of \(path) cannot serve this proof: [\(e.code)] \(e.message)", file: path)
            } catch {
                // The full scan below gives the same result (or the error that explains why there is none).
            }
        }
        return (try LedgerScan(path: path, shipment: shipment, keepSeq: keepSeq), nil)
    }

    /// The same collection as a scan, read through the index: genesis, the chosen checkpoint (the latest when nil)
    /// and the cosignature records for it, every certificate and CRL record, the statements about `shipment` and
    /// the export licenses they name, and the line of `keepSeq`.
    ///
    /// Every record read must be the record at its seq (parsed seq, leaf hash in the index's tree) of the expected
    /// type and subject; otherwise this throws `index-mismatch` and the caller scans the file instead. What the index
    /// leaves out it cannot be checked for here: it is derived from a ledger that verified when it was built.
    init(index: LedgerIndex, shipment: String?, keepSeq: Int?, checkpointSeq: Int?) throws {
        self.keepSeq = keepSeq
        let count = index.recordCount
        func mismatch(_ seq: Int, _ why: String) -> TrailError {
            TrailError("index-mismatch", "the index's record \(seq) \(why)", file: index.ledgerPath, seq: seq)
        }
        func record(_ seq: Int) throws -> (Record, [UInt8]) {
            guard seq >= 0, seq < count, let line = index.line(of: seq) else { throw mismatch(seq, "cannot be read") }
            guard let r = try? Record.parse(line: line), r.seq == seq,
                try index.hashes.subtreeHash(level: 0, index: seq) == Merkle.leafHash(line)
            else { throw mismatch(seq, "is not the line the index's tree holds at that seq") }
            return (r, line)
        }

        let (first, firstLine) = try record(0)
        guard case .genesis(let g) = first.body else { throw mismatch(0, "is not genesis") }
        genesis = g
        lines[0] = firstLine
        if let keepSeq, keepSeq >= 0, keepSeq < count { lines[keepSeq] = try record(keepSeq).1 }

        // The checkpoint: a checkpoint record the verifier accepted (the key table holds exactly those).
        guard let cpSeq = checkpointSeq ?? index.verifier.state(bytes: index.bytes).lastCheckpointSeq,
            let at = index.history.table.lookup(StatementKey(checkpoint: cpSeq), .checkpoint, below: index.bytes),
            at == index.offset(of: cpSeq)
        else { throw TrailError("index-mismatch", "the index knows no such checkpoint", file: index.ledgerPath) }
        guard case .checkpoint(let note) = try record(cpSeq).0.body else { throw mismatch(cpSeq, "is not a checkpoint") }
        checkpoints = [(cpSeq, note)]
        for seq in index.kinds.cosignatures {
            guard case .cosignature(let cp, let note) = try record(seq).0.body else { throw mismatch(seq, "is not a cosignature") }
            cosignatures[cp, default: []].append(note)
        }

        for seq in index.kinds.certificates {
            let (r, line) = try record(seq)
            guard case .certificate(let der, let chainDER) = r.body else { throw mismatch(seq, "is not a certificate record") }
            guard let cert = try? Certificate(der: der) else { continue }
            certificates.append(CertRecord(seq: seq, cert: cert, chain: chainDER.compactMap { try? Certificate(der: $0) }))
            if firstCertificate[cert.fingerprint] == nil { firstCertificate[cert.fingerprint] = seq }
            lines[seq] = line
        }
        for seq in index.kinds.crls {
            let (r, line) = try record(seq)
            guard case .crl(let der) = r.body else { throw mismatch(seq, "is not a CRL record") }
            guard let crl = try? CRL(der: der) else { continue }
            crls.append((seq, crl))
            lines[seq] = line
        }

        /// The statements about `subject`, following the index's list and checking each one.
        func statements(about subject: String) throws -> [StatementRecord] {
            var out: [StatementRecord] = []
            var next = index.subjects.first(subject)
            while let seq = next {
                guard seq > (out.last?.seq ?? 0) else { throw mismatch(seq, "breaks the order of the statements about \(subject)") }
                let (r, line) = try record(seq)
                guard case .statement(let env) = r.body, let s = try? Statement(payload: env.payload),
                    s.subject.first?.name == subject
                else { throw mismatch(seq, "is not a statement about \(subject)") }
                out.append(StatementRecord(seq: seq, envelope: env))
                lines[seq] = line
                next = index.subjects.next(of: seq)
            }
            return out
        }
        guard let shipment else { return }
        shipmentStatements = try statements(about: "shipment:" + shipment)
        var licenses = Set<String>()
        for s in shipmentStatements {
            if let checked = try? CheckedStatement(envelope: s.envelope),
                case .supplySufficiency(let p, let manifest, _) = checked.predicate
            {
                licenses.insert(p.license)
                licenses.insert(manifest.license)
            }
        }
        for l in licenses.sorted() {
            let found = try statements(about: "license:" + l)
            if !found.isEmpty { licenseStatements[l] = found }
        }
    }
}
