import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// The remaining finding codes of `ledger verify`, each from a hand-written ledger that isolates one fault.
@Suite struct LedgerFindingCodeTests {
    let pki: PartyPKI
    init() throws { pki = try PartyPKI() }

    func verify(_ forge: LedgerForger, strict: Bool = false) throws -> VerificationReport {
        let dir = TempDir()
        let path = dir.file("l.jsonl")
        try forge.write(to: path)
        var o = VerifyOptions(trust: [pki.root])
        o.strict = strict
        return try LedgerVerifier(path: path, options: o).run()
    }

    /// A record line with any fields, chained to the forger's last line.
    func raw(_ forge: LedgerForger, _ fields: String, time: LedgerTime = Samples.time(1)) -> [UInt8] {
        let prev = Digest.sha256Hex(forge.lines.last!)
        return Array("{\(fields),\"prev\":\"\(prev)\",\"seq\":\(forge.lines.count),\"time\":\"\(time.text)\"}".utf8)
    }

    @Test func malformedRecordFields() throws {
        for (fields, code) in [
            ("\"type\":\"certificate\",\"v\":1", "malformed-record"),
            ("\"cert\":\"AA==\",\"type\":\"certificate\",\"v\":2", "unsupported-version"),
            ("\"text\":\"hello\",\"type\":\"memo\",\"v\":1", "unknown-record-type"),
        ] {
            var forge = try LedgerForger(pki: pki)
            forge.add(raw(forge, fields))
            try forge.checkpoint(time: Samples.time(2))
            #expect(codes(try verify(forge)) == ["\(code)@1"], "\(fields)")
        }
    }

    @Test func genesisFaults() throws {
        // The first record is not genesis.
        var forge = try LedgerForger(pki: pki)
        forge.reset()
        forge.add(Record(seq: 0, time: Samples.time(0), prev: nil, body: .crl(try pki.crl(revoking: []).der)).line)
        #expect(codes(try verify(forge)).first == "missing-genesis@0")
        // A second genesis.
        forge = try LedgerForger(pki: pki)
        forge.add(Record(seq: 1, time: Samples.time(1), prev: Digest.sha256Hex(forge.lines[0]), body: try Record.parse(line: forge.lines[0]).body).line)
        try forge.checkpoint(time: Samples.time(2))
        #expect(codes(try verify(forge)) == ["unexpected-genesis@1"])
        // An origin with whitespace.
        func genesis(origin: String, operatorCert: Certificate) -> [UInt8] {
            Record(seq: 0, time: Samples.time(0), prev: nil, body: .genesis(Record.Genesis(
                origin: origin, anchors: [pki.root.fingerprint], operatorCert: operatorCert.der,
                chain: [pki.intermediate.der, pki.root.der]))).line
        }
        forge.reset()
        forge.add(genesis(origin: "bad origin", operatorCert: pki.operatorParty.cert))
        #expect(codes(try verify(forge)).first == "invalid-origin@0")
        // An operator certificate without the operator role.
        forge.reset()
        forge.add(genesis(origin: Samples.origin, operatorCert: pki.lab.cert))
        #expect(codes(try verify(forge)).first == "operator-invalid@0")
    }

    @Test func certificateAndCRLFaults() throws {
        var forge = try LedgerForger(pki: pki)
        forge.add(.certificate(cert: pki.lab.cert.der, chain: [pki.intermediate.der]), time: Samples.time(1))
        forge.add(.certificate(cert: pki.lab.cert.der, chain: [pki.intermediate.der]), time: Samples.time(1))
        // A CRL by a CA of the same name but another key, and one by a CA the ledger never saw.
        let stranger = try PartyPKI()
        forge.add(.crl(try stranger.crl(revoking: [stranger.lab.cert]).der), time: Samples.time(1))
        let otherKey = try PrivateKey.generate(.ed25519)
        let other = try CertificateBuilder.selfSignedRoot(
            subject: try DistinguishedName(parsing: "CN=Unrelated Root,O=Elsewhere,C=US"), key: otherKey,
            notBefore: PartyPKI.notBefore, notAfter: PartyPKI.notAfter)
        let otherCRL = try CRLBuilder.build(
            issuer: other, issuerKey: otherKey, revoked: [], crlNumber: 1, thisUpdate: PartyPKI.notBefore,
            nextUpdate: PartyPKI.notAfter)
        forge.add(.crl(otherCRL.der), time: Samples.time(1))
        try forge.checkpoint(time: Samples.time(2))
        let r = try verify(forge)
        #expect(codes(r) == ["crl-signature-invalid@3", "crl-issuer-unknown@4"])
        #expect(r.warnings.map { "\($0.code)@\($0.seq)" } == ["duplicate-certificate@2"])
    }

    /// Statement payloads that are in-toto statements but break a chiptrail rule.
    @Test func statementContentFaults() throws {
        func signed(_ payload: String, by p: TestParty) throws -> Envelope {
            try Envelope(payload: Array(payload.utf8)).signed(by: p.key, keyid: p.cert.fingerprint)
        }
        let license = String(decoding: try Attestation.payload(kind: .exportLicense, manifest: nil, predicate: Samples.license()), as: UTF8.self)
        let customs = String(decoding: try Attestation.payload(kind: .customsDecision, manifest: Samples.manifest(), predicate: Samples.customs()), as: UTF8.self)
        let junk = Array("not a manifest".utf8)
        var supply = Samples.supply().objectValue!
        supply["manifest"] = .string(Base64.encode(junk))
        let supplyJunk = JCS.serialize(.object([
            "_type": .string(Statement.type), "predicateType": .string(PredicateKind.supplySufficiency.predicateType),
            "subject": .array([.object(["name": "shipment:SHP-0001", "digest": .object(["sha256": .string(Digest.sha256Hex(junk))])])]),
            "predicate": .object(supply),
        ]))
        let cases: [(Envelope, String)] = [
            (try signed(license.replacingOccurrences(of: "license:LIC-2026-001", with: "license:LIC-OTHER"), by: pki.regulator), "subject-mismatch"),
            (try signed(customs.replacingOccurrences(of: "\"released\"", with: "\"maybe\""), by: pki.customs), "malformed-predicate"),
            (try Envelope(payload: supplyJunk).signed(by: pki.exporter.key, keyid: pki.exporter.cert.fingerprint), "malformed-manifest"),
        ]
        for (env, code) in cases {
            var forge = try LedgerForger(pki: pki)
            for p in [pki.regulator, pki.exporter, pki.customs] {
                forge.add(.certificate(cert: p.cert.der, chain: [pki.intermediate.der]), time: Samples.time(1))
            }
            forge.add(.statement(env), time: Samples.time(2))
            try forge.checkpoint(time: Samples.time(3))
            #expect(codes(try verify(forge)) == ["\(code)@4"])
        }
    }

    /// Only reachable together with time running backwards: registration checks validity at its own time.
    @Test func signerNotYetValid() throws {
        let late = try pki.party(roles: [.lab], subject: "CN=Late Lab,O=Qualified Test Lab Inc,C=US", notBefore: Samples.time(5).date)
        var forge = try LedgerForger(pki: pki)
        forge.add(.certificate(cert: late.cert.der, chain: [pki.intermediate.der]), time: Samples.time(10))
        let env = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [late])
        forge.add(.statement(env), time: Samples.time(2))
        try forge.checkpoint(time: Samples.time(11))
        #expect(codes(try verify(forge)) == ["time-regression@2", "signer-not-yet-valid@2"])
    }

    @Test func checkpointFaults() throws {
        // A checkpoint committing to a size other than its seq.
        var forge = try LedgerForger(pki: pki)
        forge.add(.certificate(cert: pki.lab.cert.der, chain: [pki.intermediate.der]), time: Samples.time(1))
        var acc = MerkleAccumulator()
        acc.append(leafHash: Merkle.leafHash(forge.lines[0]))
        let small = try Checkpoint(origin: Samples.origin, size: 1, rootHash: acc.root).signedNote(by: pki.operatorParty.key)
        forge.add(.checkpoint(note: small), time: Samples.time(2))
        #expect(codes(try verify(forge)) == ["checkpoint-size-mismatch@2"])
        // A checkpoint for another origin (validly signed under that name by the operator key).
        forge = try LedgerForger(pki: pki)
        forge.add(.certificate(cert: pki.lab.cert.der, chain: [pki.intermediate.der]), time: Samples.time(1))
        acc = MerkleAccumulator()
        for l in forge.lines { acc.append(leafHash: Merkle.leafHash(l)) }
        let other = try Checkpoint(origin: "other.example/log", size: 2, rootHash: acc.root).signedNote(by: pki.operatorParty.key)
        forge.add(.checkpoint(note: other), time: Samples.time(2))
        #expect(codes(try verify(forge)) == ["checkpoint-origin-mismatch@2"])
        // No checkpoint at all.
        forge = try LedgerForger(pki: pki)
        forge.add(.certificate(cert: pki.lab.cert.der, chain: [pki.intermediate.der]), time: Samples.time(1))
        #expect(codes(try verify(forge)) == ["no-checkpoint@0"])
    }

    @Test func emptyLedgerAndNonCanonicalLines() throws {
        let dir = TempDir()
        let empty = try dir.write("empty.jsonl", "")
        #expect(codes(try LedgerVerifier(path: empty, options: VerifyOptions(trust: [pki.root])).run()) == ["empty-ledger@0"])
        // Valid JSON in another key order: accepted (its bytes are what is hashed), reported with --strict.
        var forge = try LedgerForger(pki: pki)
        let canonical = Record(seq: 1, time: Samples.time(1), prev: Digest.sha256Hex(forge.lines[0]),
            body: .certificate(cert: pki.lab.cert.der, chain: [pki.intermediate.der])).line
        let reordered = try JSONParser.parse(canonical)
        var text = "{"
        for (i, m) in reordered.objectValue!.members.reversed().enumerated() {
            text += (i > 0 ? "," : "") + "\"\(m.key)\":" + String(decoding: JCS.serialize(m.value), as: UTF8.self)
        }
        forge.add(Array((text + "}").utf8))
        try forge.checkpoint(time: Samples.time(2))
        #expect(codes(try verify(forge)).isEmpty)
        #expect(codes(try verify(forge, strict: true)) == ["non-canonical@1"])
    }
}
