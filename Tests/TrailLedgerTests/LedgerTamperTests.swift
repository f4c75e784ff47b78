import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// Every tamper of the ledger file is caught, with its stable code and the seq/line it concerns.
@Suite struct LedgerTamperTests {
    /// genesis, checkpoint, 5 certificates, checkpoint, CRL, checkpoint.
    func standardLedger() throws -> LedgerFixture {
        let f = try LedgerFixture()
        try f.registerParties()
        let other = try f.pki.party(roles: [.lab], subject: "CN=Retired Lab,O=Old Lab,C=US")
        try f.append([.certificate(other.cert, chain: [f.pki.intermediate]), .crl(try f.pki.crl(revoking: [other.cert]))])
        return f
    }

    @Test func intactLedgerVerifies() throws {
        let f = try standardLedger()
        let r = try f.verify()
        #expect(r.errors.isEmpty, "\(r.findings)")
        #expect(r.records == 11)
        #expect(r.latestCheckpoint?.seq == 10)
        #expect(r.latestCheckpoint?.size == 10)
        #expect(r.warnings.isEmpty)
    }

    @Test func flippedByte() throws {
        let f = try standardLedger()
        var lines = try f.lines
        // Flip one base64 character inside the certificate of seq 3 (the line stays valid JSON).
        var bytes = lines[3]
        let at = bytes.count / 2
        bytes[at] = bytes[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(bytes != lines[3])
        lines[3] = bytes
        try f.write(lines: lines)
        let c = codes(try f.verify())
        #expect(c.contains("prev-mismatch@4"))
        #expect(c.contains("checkpoint-root-mismatch@7"))
    }

    @Test func deletedLine() throws {
        let f = try standardLedger()
        var lines = try f.lines
        lines.remove(at: 3)
        try f.write(lines: lines)
        let c = codes(try f.verify())
        #expect(c.contains("seq-mismatch@3"))
        #expect(c.contains("prev-mismatch@3"))
    }

    @Test func swappedLines() throws {
        let f = try standardLedger()
        var lines = try f.lines
        lines.swapAt(3, 4)
        try f.write(lines: lines)
        let c = codes(try f.verify())
        #expect(c.contains("seq-mismatch@3"))
        #expect(c.contains("seq-mismatch@4"))
    }

    @Test func duplicatedLine() throws {
        let f = try standardLedger()
        var lines = try f.lines
        lines.insert(lines[4], at: 5)
        try f.write(lines: lines)
        let c = codes(try f.verify())
        #expect(c.contains("seq-mismatch@5"))
        #expect(c.contains("prev-mismatch@5"))
    }

    @Test func tornTail() throws {
        let f = try standardLedger()
        let lines = try f.lines
        let full = try f.dir.read("ledger.jsonl")
        try f.write(lines: lines, tail: Array("{\"v\":1,\"seq\":11,\"ty".utf8))
        let r = try f.verify()
        let torn = r.errors.first { $0.code == "torn-tail" }
        #expect(torn?.offset == Int64(full.count))
        #expect(torn?.seq == 11)
        #expect(r.records == 11)
        // Append refuses; repair moves exactly the torn bytes aside; append then continues the chain.
        #expect(thrownCode { try f.append([.certificate(f.pki.exporter.cert, chain: [])]) } == "torn-tail")
        let repaired = try Ledger.repair(path: f.path)
        #expect(repaired?.bytes == "{\"v\":1,\"seq\":11,\"ty".utf8.count)
        #expect(try f.dir.read("ledger.jsonl") == full)
        #expect(try String(contentsOfFile: repaired!.sideFile, encoding: .utf8) == "{\"v\":1,\"seq\":11,\"ty")
        let extra = try f.pki.party(roles: [.lab], subject: "CN=New Lab,O=New Lab,C=US")
        try f.append([.certificate(extra.cert, chain: [f.pki.intermediate])])
        #expect(try f.verify().errors.isEmpty)
    }

    @Test func timeGoingBackwards() throws {
        let pki = try PartyPKI()
        var forge = try LedgerForger(pki: pki)
        forge.add(.certificate(cert: pki.lab.cert.der, chain: [pki.intermediate.der]), time: Samples.time(10))
        forge.add(.certificate(cert: pki.customs.cert.der, chain: [pki.intermediate.der]), time: Samples.time(5))
        try forge.checkpoint(time: Samples.time(11))
        let f = try LedgerFixture(pki: pki)
        try forge.write(to: f.path)
        #expect(codes(try f.verify()) == ["time-regression@2"])
    }

    @Test func checkpointWithWrongRoot() throws {
        let pki = try PartyPKI()
        var forge = try LedgerForger(pki: pki)
        forge.add(.certificate(cert: pki.lab.cert.der, chain: [pki.intermediate.der]), time: Samples.time(1))
        try forge.checkpoint(time: Samples.time(2), root: Merkle.leafHash([UInt8]("forged".utf8)))
        let f = try LedgerFixture(pki: pki)
        try forge.write(to: f.path)
        #expect(codes(try f.verify()) == ["checkpoint-root-mismatch@2"])
    }

    @Test func forgedRecordWithRecomputedChain() throws {
        let f = try standardLedger()
        var lines = try f.lines
        // Replace the lab certificate record (seq 4) by a certificate of the attacker's choosing and recompute
        // every later prev: the chain is consistent again, but the signed checkpoint is not.
        let forged = try f.pki.party(roles: [.lab], subject: "CN=Forged Lab,O=Forgers,C=US")
        let r4 = try Record.parse(line: lines[4])
        lines[4] = Record(seq: 4, time: r4.time, prev: r4.prev, body: .certificate(cert: forged.cert.der, chain: [f.pki.intermediate.der])).line
        for i in 5..<lines.count {
            let r = try Record.parse(line: lines[i])
            lines[i] = Record(seq: i, time: r.time, prev: Digest.sha256Hex(lines[i - 1]), body: r.body).line
        }
        try f.write(lines: lines)
        // Both later checkpoints commit to the original tree.
        #expect(codes(try f.verify()) == ["checkpoint-root-mismatch@7", "checkpoint-root-mismatch@10"])
    }

    @Test func anchorsThatDoNotMatchTrust() throws {
        let f = try standardLedger()
        let stranger = try PartyPKI()
        let c = codes(try f.verify(trust: [stranger.root]))
        #expect(c.contains("anchor-not-in-genesis@0"))
        #expect(c.contains("untrusted-ledger@0"))
    }

    @Test func certificateThatDoesNotChainToTheAnchor() throws {
        let pki = try PartyPKI()
        let stranger = try PartyPKI()
        var forge = try LedgerForger(pki: pki)
        forge.add(.certificate(cert: stranger.lab.cert.der, chain: [stranger.intermediate.der]), time: Samples.time(1))
        try forge.checkpoint(time: Samples.time(2))
        let f = try LedgerFixture(pki: pki)
        try forge.write(to: f.path)
        #expect(codes(try f.verify()) == ["unknown-issuer@1"])
        // Append refuses it too, and writes nothing.
        let g = try LedgerFixture(pki: pki)
        let before = try g.lines
        #expect(thrownCode { try g.append([.certificate(stranger.lab.cert, chain: [stranger.intermediate])]) } == "unknown-issuer")
        #expect(try g.lines == before)
    }

    @Test func certificateWhoseIssuerWasRevokedEarlier() throws {
        let pki = try PartyPKI()
        // A second issuing CA under the same root (the operator's CA stays valid).
        let caKey = try PrivateKey.generate(.ed25519)
        let ca2 = try CertificateBuilder.caCertificate(
            subject: try DistinguishedName(parsing: "CN=Second Issuing CA,O=Chiptrail Test,C=US"), publicKey: caKey.publicKey,
            issuer: pki.root, issuerKey: pki.rootKey, notBefore: PartyPKI.notBefore, notAfter: PartyPKI.notAfter)
        let labKey = try PrivateKey.generate(.ed25519)
        let lab = try CertificateBuilder.leaf(
            subject: try DistinguishedName(parsing: "CN=Lab B,O=Lab B,C=US"), publicKey: labKey.publicKey, roles: [.lab],
            issuer: ca2, issuerKey: caKey, notBefore: PartyPKI.notBefore, notAfter: PartyPKI.notAfter)
        var forge = try LedgerForger(pki: pki)
        forge.add(.certificate(cert: lab.der, chain: [ca2.der]), time: Samples.time(1))
        forge.add(.crl(try pki.rootCRL(revoking: [ca2]).der), time: Samples.time(2))
        forge.add(.certificate(cert: lab.der, chain: [ca2.der]), time: Samples.time(3))
        try forge.checkpoint(time: Samples.time(4))
        let f = try LedgerFixture(pki: pki)
        try forge.write(to: f.path)
        // Registered before the CRL: fine (a duplicate registration is only a warning); after it: revoked.
        #expect(codes(try f.verify()) == ["cert-revoked@3"])
    }

    @Test func sinceDetectsRewrittenHistory() throws {
        let f = try standardLedger()
        let old = try LedgerReader.latestCheckpoint(path: f.path).note
        // Extending the ledger is consistent with the old checkpoint.
        let extra = try f.pki.party(roles: [.customs], subject: "CN=Second Customs,O=GACC Tianjin,C=CN")
        try f.append([.certificate(extra.cert, chain: [f.pki.intermediate])])
        #expect(try f.verify(since: old).errors.isEmpty)
        // Same size, one line changed and the chain and checkpoints recomputed by a dishonest operator.
        var lines = Array(try f.lines.prefix(10))
        let r4 = try Record.parse(line: lines[4])
        let forged = try f.pki.party(roles: [.lab], subject: "CN=Forged Lab,O=Forgers,C=US")
        lines[4] = Record(seq: 4, time: r4.time, prev: r4.prev, body: .certificate(cert: forged.cert.der, chain: [f.pki.intermediate.der])).line
        var forge = try LedgerForger(pki: f.pki)
        forge.reset()
        var acc = MerkleAccumulator()
        for (i, l) in lines.enumerated() {
            var line = l
            if i > 0 {
                let r = try Record.parse(line: l)
                var body = r.body
                if case .checkpoint = r.body {
                    let note = try Checkpoint(origin: Samples.origin, size: i, rootHash: acc.root)
                        .signedNote(by: f.pki.operatorParty.key)
                    body = .checkpoint(note: note)
                }
                line = Record(seq: i, time: r.time, prev: Digest.sha256Hex(forge.lines[i - 1]), body: body).line
            }
            forge.add(line)
            acc.append(leafHash: Merkle.leafHash(line))
        }
        try forge.checkpoint(time: Samples.time(100))
        try forge.write(to: f.path)
        let fresh = try f.verify()
        #expect(fresh.errors.isEmpty, "the rewritten ledger is self-consistent: \(fresh.findings)")
        #expect(codes(try f.verify(since: old)).contains { $0.hasPrefix("inconsistent-with-checkpoint") })
    }

    @Test func malformedLines() throws {
        let f = try standardLedger()
        var lines = try f.lines
        lines[5] = Array("{\"v\":1,\"v\":1}".utf8)
        lines[6] = Array(" {\"v\":1}".utf8)
        lines[8] = [0x7B, 0xFF, 0x7D]
        try f.write(lines: lines)
        let c = codes(try f.verify())
        #expect(c.contains("duplicate-key@5"))
        #expect(c.contains("malformed-line@6"))
        #expect(c.contains("invalid-utf8@8"))
    }
}
