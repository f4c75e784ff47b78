import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// `ledger prove` bundles and their offline verification (SPEC.md §11).
@Suite struct BundleTests {
    @Test func bundleHoldsExactlyWhatTheShipmentDependsOn() throws {
        let f = try LedgerFixture.withShipment()
        let b = try ProofBundle.build(ledger: f.path, shipment: "SHP-0001")
        // genesis; regulator, exporter, lab, customs certificates; the CRL; license, supply, lab test, customs.
        #expect(b.entries.map(\.seq) == [0, 2, 3, 4, 5, 9, 11, 12, 15, 17])
        #expect(b.treeSize == 18)
        #expect(b.subject == "shipment:SHP-0001")
        #expect(b.origin == Samples.origin)
        let lines = try f.lines
        for e in b.entries { #expect(e.line == lines[e.seq]) }
        #expect(b.checkpoint == (try LedgerReader.latestCheckpoint(path: f.path).note))
        // The file: the field names of SPEC.md §4, standard padded base64, a round trip.
        let json = try JSONParser.parse(b.serialized)
        #expect(json.objectValue?.keys.sorted() == ["checkpoint", "entries", "mediaType", "origin", "subject", "treeSize"])
        #expect(json["mediaType"]?.stringValue == "application/vnd.chiptrail.bundle.v1+json")
        #expect(json["entries"]?[0]?["line"]?.stringValue == Base64.encode(lines[0]))
        #expect(try ProofBundle(json: b.serialized) == b)

        let v = BundleVerifier(bundle: b, trust: [f.pki.root]).run()
        #expect(v.integrityOK, "\(v.findings)")
        #expect(v.provenEntries == 10)
        #expect(v.statements.map(\.seq) == [11, 12, 15, 17])
        #expect(v.statements.allSatisfy { $0.intact })
        #expect(v.root == (try f.verify().latestCheckpoint?.root))
    }

    @Test func olderCheckpointCanBeChosen() throws {
        let f = try LedgerFixture.withShipment()
        let b = try ProofBundle.build(ledger: f.path, shipment: "SHP-0001", checkpointSeq: 13)
        #expect(b.treeSize == 13)
        #expect(b.entries.map(\.seq) == [0, 2, 3, 9, 11, 12])
        #expect(BundleVerifier(bundle: b, trust: [f.pki.root]).run().integrityOK)
        #expect(thrownCode { try ProofBundle.build(ledger: f.path, shipment: "SHP-0001", checkpointSeq: 12) } == "unknown-checkpoint")
        #expect(thrownCode { try ProofBundle.build(ledger: f.path, shipment: "NOPE") } == "unknown-shipment")
    }

    @Test func everyTamperIsRejectedWithItsCode() throws {
        let f = try LedgerFixture.withShipment()
        let b = try ProofBundle.build(ledger: f.path, shipment: "SHP-0001")
        let root = [f.pki.root]
        func check(_ bundle: ProofBundle, _ expected: String, _ what: Comment, sourceLocation: SourceLocation = #_sourceLocation) {
            let c = codes(BundleVerifier(bundle: bundle, trust: root).run())
            #expect(c.contains { $0.hasPrefix(expected + "@") }, "\(what): \(c)", sourceLocation: sourceLocation)
        }
        // Any byte of an entry line: the statement, the genesis, a certificate.
        check(b.with(entry: 7) { $0.line = flipped($0.line) }, "bundle-inclusion-invalid", "statement line")
        check(b.with(entry: 0) { $0.line = flipped($0.line) }, "bundle-inclusion-invalid", "genesis line")
        check(b.with(entry: 0) { $0.line = flipped($0.line) }, "bundle-genesis-missing", "genesis unproven")
        check(b.with(entry: 2) { $0.line = flipped($0.line) }, "bundle-inclusion-invalid", "certificate line")
        check(b.with(entry: 2) { $0.line = flipped($0.line) }, "bundle-entry-missing", "its statements lose their signer")
        // A proof hash, a proof cut short, a seq moved.
        check(b.with(entry: 5) { $0.proof[1] = $0.proof[1].flippedBit }, "bundle-inclusion-invalid", "proof hash")
        check(b.with(entry: 5) { $0.proof.removeLast() }, "bundle-inclusion-invalid", "short proof")
        check(b.with(entry: 5) { $0.seq += 1 }, "bundle-inclusion-invalid", "seq")
        // The checkpoint text (root, size) and its signature.
        let note = try SignedNote(parsing: b.checkpoint)
        let cp = try Checkpoint(text: note.text)
        var otherRoot = b
        otherRoot.checkpoint = b.checkpoint.replacingOccurrences(of: cp.rootHash.base64, with: cp.rootHash.flippedBit.base64)
        check(otherRoot, "bundle-checkpoint-invalid", "checkpoint root")
        check(otherRoot, "bundle-inclusion-invalid", "proofs against another root")
        var otherSize = b
        otherSize.checkpoint = b.checkpoint.replacingOccurrences(of: "\n\(cp.size)\n", with: "\n\(cp.size + 1)\n")
        check(otherSize, "bundle-checkpoint-invalid", "checkpoint size")
        var badSig = b
        var sigs = note.signatures
        sigs[0].signature[3] ^= 0x01
        badSig.checkpoint = try SignedNote(text: note.text, signatures: sigs).serialized
        check(badSig, "bundle-checkpoint-invalid", "checkpoint signature")
        // Removed required entries, reordering, wrong anchors.
        var noSigner = b
        noSigner.entries.remove(at: 3)  // the lab certificate
        check(noSigner, "bundle-entry-missing", "lab certificate removed")
        var noGenesis = b
        noGenesis.entries.removeFirst()
        check(noGenesis, "bundle-genesis-missing", "genesis removed")
        var noStatements = b
        noStatements.entries.removeLast(3)
        check(noStatements, "bundle-entry-missing", "every statement about the shipment removed")
        var swapped = b
        swapped.entries.swapAt(3, 4)
        check(swapped, "bundle-entry-order", "entries out of order")
        let stranger = try PartyPKI()
        let c = codes(BundleVerifier(bundle: b, trust: [stranger.root]).run())
        #expect(c.contains("untrusted-ledger@0"))
    }

    @Test func ledgerTimeRevocationAppliesInsideTheBundle() throws {
        // A lab statement appended after the CRL that revoked the lab (Ledger.append refuses; forge it).
        let pki = try PartyPKI()
        var forge = try LedgerForger(pki: pki)
        for p in [pki.regulator, pki.exporter, pki.lab] {
            forge.add(.certificate(cert: p.cert.der, chain: [pki.intermediate.der]), time: Samples.time(1))
        }
        forge.add(.statement(try Samples.envelope(.supplySufficiency, predicate: Samples.supply(), signers: [pki.exporter])), time: Samples.time(2))
        forge.add(.crl(try pki.crl(revoking: [pki.lab.cert]).der), time: Samples.time(3))
        forge.add(.statement(try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [pki.lab])), time: Samples.time(4))
        try forge.checkpoint(time: Samples.time(5))
        let dir = TempDir()
        let path = dir.file("ledger.jsonl")
        try forge.write(to: path)
        let b = try ProofBundle.build(ledger: path, shipment: "SHP-0001")
        #expect(b.entries.map(\.seq).contains(5))  // the CRL
        let v = BundleVerifier(bundle: b, trust: [pki.root]).run()
        #expect(codes(v) == ["signer-revoked@6"])
        #expect(v.statements.map(\.intact) == [true, false])
    }

    @Test func bundleOfATenThousandRecordLedgerIsSmallAndNeedsNoLedger() throws {
        let pki = try PartyPKI()
        var forge = try LedgerForger(pki: pki)
        for p in [pki.regulator, pki.exporter, pki.lab, pki.customs] {
            forge.add(.certificate(cert: p.cert.der, chain: [pki.intermediate.der]), time: Samples.time(1))
        }
        // 10,000 records: other shipments' customs decisions, with SHP-0001's trail spread among them.
        let trail: [Int: Envelope] = [
            100: try Samples.envelope(.exportLicense, predicate: Samples.license(), signers: [pki.regulator]),
            2_500: try Samples.envelope(.supplySufficiency, predicate: Samples.supply(), signers: [pki.exporter]),
            6_000: try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [pki.lab]),
            9_990: try Samples.envelope(.customsDecision, predicate: Samples.customs(), signers: [pki.customs]),
        ]
        let filler = try Samples.envelope(.customsDecision, manifest: Samples.manifest(id: "OTHER"), predicate: Samples.customs(), signers: [pki.customs])
        for i in forge.lines.count..<10_000 {
            if let env = trail[i] {
                forge.add(.statement(env), time: Samples.time(2))
            } else {
                // Distinct filler lines without a signature each: an unregistered keyid is fine for a proof's size.
                var env = filler
                env.signatures[0].keyid = String(format: "%064x", i)
                forge.add(.statement(env), time: Samples.time(2))
            }
        }
        try forge.checkpoint(time: Samples.time(3))
        let dir = TempDir()
        let path = dir.file("ledger.jsonl")
        try forge.write(to: path)
        let b = try ProofBundle.build(ledger: path, shipment: "SHP-0001")
        #expect(b.treeSize == 10_000)
        #expect(b.entries.map(\.seq) == [0, 1, 2, 3, 4, 100, 2_500, 6_000, 9_990])
        let bound = Int(ceil(log2(Double(b.treeSize)))) + 1
        #expect(b.entries.allSatisfy { $0.proof.count <= bound })
        #expect(b.serialized.count < 64 * 1024, "\(b.serialized.count) bytes")
        let file = dir.file("bundle.json")
        try Data(b.serialized).write(to: URL(fileURLWithPath: file))
        try FileManager.default.removeItem(atPath: path)
        let v = BundleVerifier(bundle: try ProofBundle(json: try dir.read("bundle.json")), trust: [pki.root]).run()
        #expect(v.integrityOK, "\(v.findings)")
        #expect(v.statements.map(\.seq) == [100, 2_500, 6_000, 9_990])
    }

    @Test func tlogProofHasTheC2SPLayout() throws {
        let f = try LedgerFixture.withShipment()
        let proof = try TlogProof.make(ledger: f.path, seq: 15)
        let lines = try f.lines
        let text = proof.text
        #expect(text.hasPrefix("c2sp.org/tlog-proof@v1\nextra \(Base64.encode(lines[15]))\nindex 15\n"))
        let note = try LedgerReader.latestCheckpoint(path: f.path).note
        #expect(text.hasSuffix("\n\n" + note))
        #expect(proof.hashes.count == 5)
        let parsed = try TlogProof(parsing: text)
        #expect(parsed == proof)
        #expect(parsed.verifiesInclusion())
        var bad = parsed
        bad.extra = flipped(lines[15])
        #expect(!bad.verifiesInclusion())
        #expect(thrownCode { try TlogProof.make(ledger: f.path, seq: 18) } == "seq-out-of-range")
    }

    @Test func consistencyBetweenSavedCheckpoints() throws {
        let f = try LedgerFixture.withShipment()
        let cps = try f.records().compactMap { r -> String? in
            if case .checkpoint(let n) = r.record.body { return n } else { return nil }
        }
        let ok = try CheckpointConsistency.check(old: cps[1], new: cps.last!, ledger: f.path)
        #expect(ok.old.size == 7 && ok.new.size == 18 && !ok.proof.isEmpty)
        #expect(thrownCode { try CheckpointConsistency.check(old: cps.last!, new: cps[1], ledger: f.path) } == "inconsistent-with-checkpoint")
        // A checkpoint signed by someone else.
        let stranger = try PartyPKI()
        let cp = try Checkpoint(text: try SignedNote(parsing: cps[2]).text)
        let foreign = try cp.signedNote(by: stranger.operatorParty.key)
        #expect(thrownCode { try CheckpointConsistency.check(old: foreign, new: cps.last!, ledger: f.path) } == "checkpoint-signature-invalid")
        // A validly signed checkpoint of a rewritten history is inconsistent with the ledger's.
        let forgedRoot = try Checkpoint(origin: Samples.origin, size: 7, rootHash: Merkle.leafHash([UInt8]("x".utf8)))
            .signedNote(by: f.pki.operatorParty.key)
        #expect(thrownCode { try CheckpointConsistency.check(old: forgedRoot, new: cps.last!, ledger: f.path) } == "inconsistent-with-checkpoint")
    }

    @Test func witnessCosignsAndTheBundleCarriesIt() throws {
        let f = try LedgerFixture.withShipment()
        let auditor = f.pki.auditor
        let cosigned = try Witness.cosign(ledger: f.path, key: auditor.key, cert: auditor.cert, trust: [f.pki.root])
        let seq = try Witness.checkpointSeq(ledger: f.path, note: cosigned)
        #expect(seq == 18)
        let result = try f.append([.cosignature(checkpoint: seq, note: cosigned)])
        #expect(result.checkpoint == nil)
        let r = try f.verify()
        #expect(r.errors.isEmpty, "\(r.findings)")
        #expect(r.latestCheckpoint?.witnessNames == ["Independent_Auditor"])
        #expect(!r.warnings.contains { $0.code == "uncheckpointed-tail" })

        let b = try ProofBundle.build(ledger: f.path, shipment: "SHP-0001")
        #expect(b.checkpoint == cosigned)
        #expect(b.entries.map(\.seq).contains(6))  // the auditor's certificate record
        let v = BundleVerifier(bundle: b, trust: [f.pki.root]).run()
        #expect(v.integrityOK, "\(v.findings)")
        #expect(v.witnessNames == ["Independent_Auditor"])
        // A flipped byte in the witness line.
        var note = try SignedNote(parsing: b.checkpoint)
        note.signatures[1].signature[20] ^= 0x01
        var bad = b
        bad.checkpoint = note.serialized
        #expect(codes(BundleVerifier(bundle: bad, trust: [f.pki.root]).run()).contains("cosignature-invalid@18"))
        // A second witness cosigns the cosigned form, keeping the first one's line.
        let second = try f.pki.party(roles: [.auditor], subject: "CN=Second Auditor,O=Audit Two,C=US")
        #expect(thrownCode { try Witness.cosign(ledger: f.path, key: second.key, cert: second.cert, trust: [f.pki.root]) } == "witness-not-registered")
        try f.append([.certificate(second.cert, chain: [f.pki.intermediate])])
        let first = try Witness.cosign(ledger: f.path, key: auditor.key, cert: auditor.cert, trust: [f.pki.root])
        try f.append([.cosignature(checkpoint: try Witness.checkpointSeq(ledger: f.path, note: first), note: first)])
        let both = try Witness.cosign(ledger: f.path, key: second.key, cert: second.cert, trust: [f.pki.root])
        #expect(try SignedNote(parsing: both).signatures.map(\.name) == [Samples.origin, "Independent_Auditor", "Second_Auditor"])
        try f.append([.cosignature(checkpoint: try Witness.checkpointSeq(ledger: f.path, note: both), note: both)])
        #expect(try f.verify().latestCheckpoint?.witnessNames.sorted() == ["Independent_Auditor", "Second_Auditor"])
    }

    @Test func cosignRefusesALedgerThatDoesNotVerify() throws {
        let f = try LedgerFixture.withShipment()
        var lines = try f.lines
        lines[12] = flipped(lines[12])
        try f.write(lines: lines)
        #expect(thrownCode { try Witness.cosign(ledger: f.path, key: f.pki.auditor.key, cert: f.pki.auditor.cert, trust: [f.pki.root]) } == "ledger-invalid")
    }
}
