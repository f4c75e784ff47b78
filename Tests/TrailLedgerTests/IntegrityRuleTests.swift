import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// The integrity rules of issue 13, each from a hand-written (forged) ledger that isolates one lie, checked by the
/// same verifier for a ledger and for a bundle cut from it.
@Suite struct IntegrityRuleTests {
    let pki: PartyPKI
    init() throws { pki = try PartyPKI() }

    func verify(_ forge: LedgerForger, requiredWitnesses: Int = 0) throws -> VerificationReport {
        let dir = TempDir()
        let path = dir.file("l.jsonl")
        try forge.write(to: path)
        return try LedgerVerifier(path: path, options: VerifyOptions(trust: [pki.root])).run()
    }

    /// A forger whose ledger registers `certs` (with the intermediate as chain) at seq 1….
    func forger(registering certs: [Certificate], chain: [Certificate]? = nil) throws -> LedgerForger {
        var f = try LedgerForger(pki: pki)
        for (i, c) in certs.enumerated() {
            f.add(.certificate(cert: c.der, chain: (chain ?? [pki.intermediate]).map(\.der)), time: Samples.time(1 + i))
        }
        return f
    }

    /// The intermediate renewed: same key and name, new serial.
    func renewedIntermediate() throws -> Certificate {
        try CertificateBuilder.caCertificate(
            subject: pki.intermediate.subject, publicKey: pki.intermediateKey.publicKey, issuer: pki.root,
            issuerKey: pki.rootKey, notBefore: PartyPKI.notBefore, notAfter: PartyPKI.notAfter)
    }

    func crl(by issuer: Certificate, key: PrivateKey, revoking certs: [Certificate]) throws -> CRL {
        try CRLBuilder.build(
            issuer: issuer, issuerKey: key,
            revoked: certs.map { CRL.Entry(serialHex: $0.serialHex, revocationDate: PartyPKI.notBefore, reason: nil) },
            crlNumber: 7, thisUpdate: PartyPKI.notBefore, nextUpdate: PartyPKI.notAfter)
    }

    @Test(arguments: [false, true])
    func aCRLOfARenewedCARevokesTheLeafWhicheverCertificateIsOnItsPath(leafChainsThroughRenewal: Bool) throws {
        #expect(codes(try verify(try renewalLedger(leafChainsThroughRenewal))) == ["signer-revoked@4"])
    }

    func renewalLedger(_ leafChainsThroughRenewal: Bool) throws -> LedgerForger {
        let renewed = try renewedIntermediate()
        #expect(renewed.serialHex != pki.intermediate.serialHex)
        #expect(renewed.publicKeyID == pki.intermediate.publicKeyID)
        // Both CA certificates are registered; the lab's chain names one of them, the CRL is signed as the other.
        var f = try forger(registering: [renewed], chain: [])
        f.add(
            .certificate(cert: pki.lab.cert.der, chain: [leafChainsThroughRenewal ? renewed.der : pki.intermediate.der]),
            time: Samples.time(2))
        let signerCA = leafChainsThroughRenewal ? pki.intermediate : renewed
        f.add(.crl(try crl(by: signerCA, key: pki.intermediateKey, revoking: [pki.lab.cert]).der), time: Samples.time(3))
        let env = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [pki.lab])
        f.add(.statement(env), time: Samples.time(4))
        try f.checkpoint(time: Samples.time(5))
        return f
    }

    @Test func aStatementSignerMustBeALeaf() throws {
        #expect(codes(try verify(try notLeafLedger())) == ["signer-not-leaf@2"])
    }

    func notLeafLedger() throws -> LedgerForger {
        let caKey = try PrivateKey.generate(.ed25519)
        let ca = try CertificateBuilder.caCertificate(
            subject: try DistinguishedName(parsing: "CN=Lab CA,O=Qualified Test Lab Inc,C=US"), publicKey: caKey.publicKey,
            issuer: pki.root, issuerKey: pki.rootKey, pathLength: 0, roles: [.lab], notBefore: PartyPKI.notBefore,
            notAfter: PartyPKI.notAfter)
        var f = try forger(registering: [ca], chain: [])
        let env = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [TestParty(key: caKey, cert: ca)])
        f.add(.statement(env), time: Samples.time(3))
        try f.checkpoint(time: Samples.time(4))
        return f
    }

    @Test func aCRLSignedByALeafIsNotACRL() throws {
        #expect(codes(try verify(try crlByLeafLedger())) == ["crl-issuer-not-ca@3"])
    }

    func crlByLeafLedger() throws -> LedgerForger {
        // The lab's key signs a CRL "issued" under its own name: the signature verifies, but the lab is no CA.
        var f = try forger(registering: [pki.lab.cert, pki.exporter.cert])
        f.add(.crl(try crl(by: pki.lab.cert, key: pki.lab.key, revoking: [pki.exporter.cert]).der), time: Samples.time(4))
        try f.checkpoint(time: Samples.time(5))
        return f
    }

    /// A checkpoint at the end of `f`, then one cosignature record per signer set in `cosigners`.
    func cosign(_ f: inout LedgerForger, _ cosigners: [[CosignatureV1.Signer]], timestamp: UInt64? = nil) throws -> Int {
        try f.checkpoint(time: Samples.time(30))
        let cpSeq = f.lines.count - 1
        guard case .checkpoint(let note) = try Record.parse(line: f.lines[cpSeq]).body else { fatalError() }
        for (i, set) in cosigners.enumerated() {
            var n = try SignedNote(parsing: note)
            for s in set { n = try s.cosign(n, timestamp: timestamp ?? UInt64(Samples.time(31).seconds)) }
            f.add(.cosignature(checkpoint: cpSeq, note: n.serialized), time: Samples.time(31 + i))
        }
        return cpSeq
    }

    @Test func witnessesAreKeysAndAccumulateAcrossRecords() throws {
        let second = try pki.party(roles: [.auditor], subject: "CN=Second Auditor,O=Other Audit LLP,C=US")
        // The auditor's key under a second certificate and a second name.
        let alias = try CertificateBuilder.leaf(
            subject: try DistinguishedName(parsing: "CN=Alias Auditor,O=Audit Partners,C=US"),
            publicKey: pki.auditor.key.publicKey, roles: [.auditor], issuer: pki.intermediate,
            issuerKey: pki.intermediateKey, notBefore: PartyPKI.notBefore, notAfter: PartyPKI.notAfter)
        let a = try CosignatureV1.Signer(name: "Independent_Auditor", key: pki.auditor.key)
        let aAlias = try CosignatureV1.Signer(name: "Alias_Auditor", key: pki.auditor.key)
        let b = try CosignatureV1.Signer(name: "Second_Auditor", key: second.key)

        // One key under two names, in one record and in two: one witness.
        for sets in [[[a, aAlias]], [[a], [aAlias]]] {
            var f = try forger(registering: [pki.auditor.cert, alias, second.cert])
            _ = try cosign(&f, sets)
            let r = try verify(f)
            #expect(codes(r) == [])
            #expect(r.latestCheckpoint?.witnesses == [pki.auditor.cert.publicKeyID])
        }
        // Two keys that cosigned in separate records: two witnesses, and the note carries both lines.
        var f = try forger(registering: [pki.auditor.cert, second.cert])
        _ = try cosign(&f, [[a], [b]])
        let r = try verify(f)
        #expect(codes(r) == [])
        #expect(r.latestCheckpoint?.witnesses == [pki.auditor.cert.publicKeyID, second.cert.publicKeyID].sorted())
        #expect(try SignedNote(parsing: r.latestCheckpoint!.note).signatures.count == 3)
    }

    @Test func aCosignatureDatedBeforeItsCheckpointIsInvalid() throws {
        let a = try CosignatureV1.Signer(name: "Independent_Auditor", key: pki.auditor.key)
        var f = try forger(registering: [pki.auditor.cert])
        _ = try cosign(&f, [[a]], timestamp: UInt64(Samples.time(29).seconds))
        let r = try verify(f)
        #expect(codes(r) == ["cosignature-invalid@3"])
        #expect(r.latestCheckpoint?.witnesses == [])
    }

    @Test func aRevokedWitnessCannotCosign() throws {
        let a = try CosignatureV1.Signer(name: "Independent_Auditor", key: pki.auditor.key)
        var f = try forger(registering: [pki.auditor.cert])
        try f.checkpoint(time: Samples.time(20))
        f.add(.crl(try pki.crl(revoking: [pki.auditor.cert]).der), time: Samples.time(21))
        _ = try cosign(&f, [[a]])
        let r = try verify(f)
        #expect(codes(r) == ["cosignature-invalid@5"])
    }

    @Test func aCosignatureRecordWithoutARegisteredWitnessIsInvalid() throws {
        let stranger = try CosignatureV1.Signer(name: "Stranger", key: try PrivateKey.generate(.ed25519))
        var f = try forger(registering: [pki.auditor.cert])
        _ = try cosign(&f, [[stranger]])
        #expect(codes(try verify(f)) == ["cosignature-invalid@3"])
    }

    @Test func theSamePayloadSignedAfreshIsADuplicate() throws {
        #expect(codes(try verify(try duplicateLedger())) == ["duplicate-statement@3", "duplicate-statement@4"])
    }

    func duplicateLedger() throws -> LedgerForger {
        let p256 = try pki.party(roles: [.lab], subject: "CN=Lab P-256,O=Qualified Test Lab Inc,C=US", alg: .p256)
        var f = try forger(registering: [p256.cert])
        let first = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [p256])
        let again = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [p256])
        #expect(first.signatures != again.signatures)  // ECDSA signatures are randomised
        var twice = first
        twice.signatures += first.signatures  // one signature listed twice
        f.add(.statement(first), time: Samples.time(2))
        f.add(.statement(again), time: Samples.time(3))
        f.add(.statement(twice), time: Samples.time(4))
        try f.checkpoint(time: Samples.time(5))
        return f
    }

    /// A bundle holding every record before the ledger's final checkpoint, proven against it.
    func bundle(of f: LedgerForger) throws -> ProofBundle {
        let cpSeq = f.lines.count - 1
        guard case .checkpoint(let note) = try Record.parse(line: f.lines[cpSeq]).body else { fatalError("no checkpoint") }
        let tree = InMemoryMerkleTree(leafHashes: f.lines[..<cpSeq].map { Merkle.leafHash($0) })
        let entries = try (0..<cpSeq).map { ProofBundle.Entry(seq: $0, line: f.lines[$0], proof: try tree.inclusionProof(index: $0, size: cpSeq)) }
        return ProofBundle(origin: f.origin, checkpoint: note, treeSize: cpSeq, subject: "shipment:SHP-0001", entries: entries)
    }

    /// One rule set: for each hostile ledger, a bundle cut from it reports the same findings for its records.
    @Test func aBundleCutFromALedgerGetsTheLedgersFindings() throws {
        let other = try pki.party(roles: [.lab], subject: "CN=Other Lab,O=Rival Lab Inc,C=US")
        for f in [
            try renewalLedger(false), try renewalLedger(true), try notLeafLedger(), try crlByLeafLedger(),
            try duplicateLedger(), try retractionLedger(target: pki.lab, retractor: other).0,
        ] {
            let ledger = try verify(f)
            let b = try bundle(of: f)
            let bundled = BundleVerifier(bundle: b, trust: [pki.root]).run()
            #expect(!ledger.errors.isEmpty)
            #expect(ledger.errors.map { "\($0.code)@\($0.seq): \($0.message)" } == bundled.errors.filter { !$0.code.rawValue.hasPrefix("bundle-") }.map { "\($0.code)@\($0.seq): \($0.message)" })
        }
    }

    func retractionLedger(target: TestParty, retractor: TestParty, manifest: [UInt8] = Samples.manifest()) throws
        -> (LedgerForger, Int)
    {
        var f = try forger(registering: [target.cert, retractor.cert].uniqued())
        let env = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [target])
        f.add(.statement(env), time: Samples.time(5))
        let hash = Digest.sha256Hex(f.lines.last!)
        let rseq = f.lines.count
        let r = try Samples.envelope(.retraction, manifest: manifest, predicate: Samples.retraction(of: hash), signers: [retractor])
        f.add(.statement(r), time: Samples.time(6))
        try f.checkpoint(time: Samples.time(7))
        return (f, rseq)
    }

    @Test func retractionsNeedTheSameOrganisationAndSubject() throws {
        let noOrgLab = try pki.party(roles: [.lab], subject: "CN=Lab Without Org,C=US")
        let otherLab = try pki.party(roles: [.lab], subject: "CN=Other Lab,O=Rival Lab Inc,C=US")
        let renewedLab = try pki.party(roles: [.lab], subject: "CN=Lab Signer 2,O=Qualified Test Lab Inc,C=US")
        func ledger(target: TestParty, retractor: TestParty, manifest: [UInt8] = Samples.manifest()) throws -> [String] {
            let (f, rseq) = try retractionLedger(target: target, retractor: retractor, manifest: manifest)
            return codes(try verify(f)).map { $0.replacingOccurrences(of: "@\(rseq)", with: "@R") }
        }
        let at = "R"
        #expect(try ledger(target: pki.lab, retractor: renewedLab) == [])
        #expect(try ledger(target: pki.lab, retractor: otherLab) == ["retraction-invalid@\(at)"])
        #expect(try ledger(target: noOrgLab, retractor: noOrgLab) == ["retraction-invalid@\(at)"])
        #expect(
            try ledger(target: pki.lab, retractor: renewedLab, manifest: Samples.manifest(quantity: 5))
                == ["retraction-invalid@\(at)"])
    }

    @Test func noCarriageReturnAnywhereInALine() throws {
        var f = try LedgerForger(pki: pki)
        var line = Record(
            seq: 1, time: Samples.time(1), prev: Digest.sha256Hex(f.lines[0]),
            body: .certificate(cert: pki.lab.cert.der, chain: [pki.intermediate.der])
        ).line
        line.insert(0x0D, at: 1)  // JSON whitespace after '{'
        f.add(line)
        try f.checkpoint(time: Samples.time(2))
        #expect(codes(try verify(f)) == ["malformed-line@1"])
    }

    @Test func jsonNamesAreExactScalarSequences() throws {
        let v = try JSONParser.parse(Array("{\"\u{E9}\":1,\"e\u{301}\":2}".utf8))
        #expect(v.objectValue?.count == 2)
        #expect(v["\u{E9}"]?.intValue == 1)
        #expect(v["e\u{301}"]?.intValue == 2)
        #expect(throws: TrailError.self) { try JSONParser.parse(Array("{\"\u{E9}\":1,\"\u{E9}\":2}".utf8)) }
    }

    @Test func fractionalSecondsOfAnyLength() throws {
        let a = try #require(LedgerTime("2026-03-01T10:00:00.123456789012Z"))
        let b = try #require(LedgerTime("2026-03-01T10:00:00.123456789013Z"))
        let c = try #require(LedgerTime("2026-03-01T10:00:00.1234567890120000Z"))
        #expect(a < b && !(b < a))
        #expect(a == c)
        #expect(LedgerTime("2026-03-01T10:00:00." + String(repeating: "9", count: 400) + "Z") != nil)
        #expect(LedgerTime("2026-03-01T10:00:60Z") == nil)
        #expect(LedgerTime("2026-03-01T10:00:00.Z") == nil)
    }
}

extension Array where Element == Certificate {
    func uniqued() -> [Certificate] {
        var seen = Set<String>()
        return filter { seen.insert($0.fingerprint).inserted }
    }
}

/// `ledger append` refuses what verify would flag: the candidates go through the same rules (`LedgerVerifier.check`).
@Suite struct AppendRefusesWhatVerifyFlags {
    @Test func appendRefusesHostileCandidates() throws {
        let f = try LedgerFixture()
        try f.registerParties()
        let p = f.pki
        // A statement signed by a CA certificate (registered, with the lab role).
        let caKey = try PrivateKey.generate(.ed25519)
        let ca = try CertificateBuilder.caCertificate(
            subject: try DistinguishedName(parsing: "CN=Lab CA,O=Qualified Test Lab Inc,C=US"), publicKey: caKey.publicKey,
            issuer: p.root, issuerKey: p.rootKey, pathLength: 0, roles: [.lab], notBefore: PartyPKI.notBefore,
            notAfter: PartyPKI.notAfter)
        try f.append([.certificate(ca, chain: [])])
        let byCA = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [TestParty(key: caKey, cert: ca)])
        #expect(thrownCode { try f.append([.envelope(byCA)]) } == "signer-not-leaf")
        // A CRL signed by a leaf key under its own name.
        let crl = try CRLBuilder.build(
            issuer: p.lab.cert, issuerKey: p.lab.key,
            revoked: [CRL.Entry(serialHex: p.exporter.cert.serialHex, revocationDate: PartyPKI.notBefore, reason: nil)],
            crlNumber: 1, thisUpdate: PartyPKI.notBefore, nextUpdate: PartyPKI.notAfter)
        #expect(thrownCode { try f.append([.crl(crl)]) } == "crl-issuer-not-ca")
        // The same payload signed afresh by the same P-256 signer.
        let p256 = try p.party(roles: [.lab], subject: "CN=Lab P-256,O=Qualified Test Lab Inc,C=US", alg: .p256)
        try f.append([.certificate(p256.cert, chain: [p.intermediate])])
        try f.append([.envelope(try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [p256]))])
        let again = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [p256])
        #expect(thrownCode { try f.append([.envelope(again)]) } == "duplicate-statement")
        // A cosignature dated before the checkpoint it cosigns.
        let r = try f.verify()
        let cp = try #require(r.latestCheckpoint)
        let witness = try CosignatureV1.Signer(name: "Independent_Auditor", key: p.auditor.key)
        let early = try witness.cosign(try SignedNote(parsing: cp.note), timestamp: 1_000_000_000)
        #expect(thrownCode { try f.append([.cosignature(checkpoint: cp.seq, note: early.serialized)]) } == "cosignature-invalid")
        // Nothing was appended by the refusals: the ledger still verifies clean.
        #expect(codes(try f.verify()) == [])
    }
}
