import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// Bundles and tlog proofs read through the sidecar index (statements by subject, the seqs of certificate, CRL and
/// cosignature records) are byte for byte those of a full scan, and an index that points anywhere wrong is not
/// believed.
@Suite struct IndexedProofTests {
    /// `withShipment`, plus a retraction of SHP-0001's lab test and a passing re-test, a second license and a
    /// shipment that names it, and a cosigned latest checkpoint.
    static func richLedger() throws -> LedgerFixture {
        let f = try LedgerFixture.withShipment()
        let p = f.pki
        let labLine = try #require(try f.records().first { r in
            guard case .statement(let env) = r.record.body else { return false }
            return (try? CheckedStatement(envelope: env))?.kind == .labTest
        }.map { try f.lines[$0.seq] })
        try f.append([
            .envelope(try Samples.envelope(.retraction, predicate: Samples.retraction(of: Hex.encode(Digest.sha256(labLine))), signers: [p.lab])),
            .envelope(try Samples.envelope(.labTest, predicate: Samples.labTest(tpp: 15000), signers: [p.lab])),
        ])
        let third = Samples.manifest(id: "SHP-0003", license: "LIC-2026-002")
        try f.append([
            .envelope(try Samples.envelope(.exportLicense, predicate: Samples.license("LIC-2026-002"), signers: [p.regulator])),
            .envelope(
                try Samples.envelope(.supplySufficiency, manifest: third, predicate: Samples.supply(license: "LIC-2026-002"), signers: [p.exporter])),
        ])
        let cosigned = try Witness.cosign(ledger: f.path, key: p.auditor.key, cert: p.auditor.cert, trust: [p.root])
        try f.append([.cosignature(checkpoint: try Witness.checkpointSeq(ledger: f.path, note: cosigned), note: cosigned)])
        return f
    }

    /// Every checkpoint record's seq.
    static func checkpointSeqs(_ f: LedgerFixture) throws -> [Int] {
        try f.records().filter { $0.record.type == .checkpoint }.map(\.seq)
    }

    /// The index path and the scan path agree on every shipment, against every checkpoint.
    static func expectBothPathsAgree(_ f: LedgerFixture, shipments: [String] = ["SHP-0001", "SHP-0002", "SHP-0003"]) throws {
        for cp in [nil] + (try checkpointSeqs(f)).map(Optional.some) {
            for id in shipments {
                let scanned = Result { try ProofBundle.build(ledger: f.path, shipment: id, checkpointSeq: cp, source: .scan) }
                let indexed = Result { try ProofBundle.build(ledger: f.path, shipment: id, checkpointSeq: cp, source: .index) }
                switch (scanned, indexed) {
                case (.success(let s), .success(let i)):
                    #expect(i.serialized == s.serialized, "\(id) at checkpoint \(cp.map(String.init) ?? "latest")")
                case (.failure(let s as TrailError), .failure(let i as TrailError)):
                    #expect(s.code == "unknown-shipment", "\(id) at \(cp.map(String.init) ?? "latest"): \(s)")
                    #expect(i.code == s.code, "\(id) at \(cp.map(String.init) ?? "latest"): \(i)")
                default:
                    Issue.record("\(id) at checkpoint \(cp.map(String.init) ?? "latest"): scan \(scanned), index \(indexed)")
                }
            }
        }
    }

    @Test func indexedBundlesAreTheScannedBundles() throws {
        let f = try IndexedProofTests.richLedger()
        try IndexedProofTests.expectBothPathsAgree(f)
        // The shipment with the retraction carries it, the re-test, the license and the cosigned checkpoint.
        let b = try ProofBundle.build(ledger: f.path, shipment: "SHP-0001", source: .index)
        let v = BundleVerifier(bundle: b, trust: [f.pki.root]).run()
        #expect(v.integrityOK, "\(v.findings)")
        #expect(v.statements.count == 6)
        #expect(v.witnessNames == ["Independent_Auditor"])
        #expect(try ProofBundle.build(ledger: f.path, shipment: "SHP-0003", source: .index).entries.count > 0)
        // The default path is the index path.
        #expect(try ProofBundle.build(ledger: f.path, shipment: "SHP-0001").serialized == b.serialized)
        // Unknown shipments and checkpoints are refused with the scan's codes.
        #expect(thrownCode { try ProofBundle.build(ledger: f.path, shipment: "SHP-9999") } == "unknown-shipment")
        #expect(thrownCode { try ProofBundle.build(ledger: f.path, shipment: "SHP-0001", checkpointSeq: 3) } == "unknown-checkpoint")
    }

    @Test func indexedTlogProofsAreTheScannedOnes() throws {
        let f = try IndexedProofTests.richLedger()
        let count = try f.lines.count
        for cp in [nil] + (try IndexedProofTests.checkpointSeqs(f)).map(Optional.some) {
            for seq in [0, 1, 5, 12, count - 3, count - 1] {
                let s = Result { try TlogProof.make(ledger: f.path, seq: seq, checkpointSeq: cp, source: .scan).text }
                let i = Result { try TlogProof.make(ledger: f.path, seq: seq, checkpointSeq: cp, source: .index).text }
                switch (s, i) {
                case (.success(let a), .success(let b)): #expect(a == b, "seq \(seq) at \(cp.map(String.init) ?? "latest")")
                case (.failure(let a as TrailError), .failure(let b as TrailError)): #expect(a.code == b.code)
                default: Issue.record("seq \(seq) at \(cp.map(String.init) ?? "latest"): scan \(s), index \(i)")
                }
            }
        }
    }

    /// The subject lists and record lists are kept across appends (each reopens the index), across a catch-up after
    /// an append whose index state was lost, and across a rebuild.
    @Test func subjectListsSurviveReopenCatchUpAndRebuild() throws {
        let f = try LedgerFixture.withShipment()
        let p = f.pki
        try IndexedProofTests.expectBothPathsAgree(f)
        let stateBefore = try f.dir.read("ledger.jsonl.idx")
        try f.append([.envelope(try Samples.envelope(.customsDecision, predicate: Samples.customs("held"), signers: [p.customs]))])
        // As if the append had died before saving the index state: the next open catches up over it.
        _ = try f.dir.write("ledger.jsonl.idx", bytes: stateBefore, mode: 0o644)
        try IndexedProofTests.expectBothPathsAgree(f)
        let other = Samples.manifest(id: "SHP-0002")
        try f.append([
            .certificate(try p.party(roles: [.lab], subject: "CN=Lab Two,O=Lab Two,C=US").cert, chain: [p.intermediate]),
            .envelope(try Samples.envelope(.customsDecision, manifest: other, predicate: Samples.customs(), signers: [p.customs])),
            .crl(try p.crl(revoking: [], number: 2)),
        ])
        try f.append([.envelope(try Samples.envelope(.customsDecision, predicate: Samples.customs("inspect"), signers: [p.customs]))])
        try IndexedProofTests.expectBothPathsAgree(f)
        // Rolled back again, and then the index removed: rebuilt from the ledger.
        _ = try f.dir.write("ledger.jsonl.idx", bytes: stateBefore, mode: 0o644)
        try IndexedProofTests.expectBothPathsAgree(f)
        for suffix in ["", ".records", ".hashes", ".keys", ".subjects"] { unlink(f.path + ".idx" + suffix) }
        try IndexedProofTests.expectBothPathsAgree(f)
        #expect(try f.verify().errors.isEmpty)
    }

    /// An index whose entries point at the wrong records is caught by the reads' checks: the index path refuses,
    /// and the default path falls back to the scan and still writes the right bundle.
    @Test func mismatchingIndexEntriesFallBackToTheScan() throws {
        let f = try IndexedProofTests.richLedger()
        let expected = try ProofBundle.build(ledger: f.path, shipment: "SHP-0001", source: .scan).serialized
        let records = try f.records()
        func subject(_ r: Record) -> String? {
            guard case .statement(let env) = r.body else { return nil }
            return try? CheckedStatement(envelope: env).subjectName
        }
        let mine = records.filter { subject($0.record) == "shipment:SHP-0001" }.map(\.seq)
        let theirs = try #require(records.first { subject($0.record) == "shipment:SHP-0002" }?.seq)
        let cert = try #require(records.first { $0.record.type == .certificate }?.seq)
        func patch(_ suffix: String, at seq: Int, _ value: UInt64) throws {
            let fd = open(f.path + ".idx" + suffix, O_WRONLY)
            #expect(fd >= 0)
            defer { close(fd) }
            var v = value.littleEndian
            #expect(pwrite(fd, &v, 8, off_t(seq * 8)) == 8)
        }
        func original(_ suffix: String, at seq: Int) throws -> UInt64 {
            let bytes = try f.dir.read("ledger.jsonl.idx" + suffix)
            return bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: seq * 8, as: UInt64.self)) }
        }
        let cases: [(String, Int, UInt64)] = [
            (".subjects", mine[0], UInt64(theirs + 1)),  // SHP-0001's list leads into SHP-0002's
            (".subjects", mine[1], UInt64(mine[0] + 1)),  // a loop back
            (".subjects", mine[1], UInt64(records.count + 5)),  // beyond the ledger
            (".records", cert, try original(".records", at: theirs)),  // a certificate's offset → a statement's line
            (".records", mine[0], try original(".records", at: mine[0]) + 1),  // not the start of a line
        ]
        for (suffix, seq, value) in cases {
            let saved = try original(suffix, at: seq)
            try patch(suffix, at: seq, value)
            #expect(thrownCode { try ProofBundle.build(ledger: f.path, shipment: "SHP-0001", source: .index) } == "index-unusable", "\(suffix) \(seq)")
            #expect(try ProofBundle.build(ledger: f.path, shipment: "SHP-0001").serialized == expected, "\(suffix) \(seq)")
            try patch(suffix, at: seq, saved)
            #expect(try ProofBundle.build(ledger: f.path, shipment: "SHP-0001", source: .index).serialized == expected)
        }
        // A state file that fails its checksum is rebuilt; the bundle is the same.
        var state = try f.dir.read("ledger.jsonl.idx")
        state[10] ^= 0x01
        _ = try f.dir.write("ledger.jsonl.idx", bytes: state, mode: 0o644)
        #expect(try ProofBundle.build(ledger: f.path, shipment: "SHP-0001", source: .index).serialized == expected)
    }
}
