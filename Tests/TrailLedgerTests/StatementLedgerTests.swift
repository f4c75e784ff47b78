import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// Statements are refused at append and reported at verify, each with its exact code.
@Suite struct StatementLedgerTests {
    /// A ledger with every party registered, plus a forger that starts from the same genesis.
    func setup() throws -> (LedgerFixture, LedgerForger) {
        let f = try LedgerFixture()
        try f.registerParties()
        var forge = try LedgerForger(pki: f.pki)
        for p in [f.pki.regulator, f.pki.exporter, f.pki.lab, f.pki.customs, f.pki.auditor] {
            forge.add(.certificate(cert: p.cert.der, chain: [f.pki.intermediate.der]), time: Samples.time(1))
        }
        return (f, forge)
    }

    /// Asserts that appending `env` is refused with `code` (nothing written), and that a hand-written ledger
    /// holding it fails verification with `code` at the statement's seq.
    func expectRefused(_ env: Envelope, _ code: String, _ f: LedgerFixture, _ forge: LedgerForger, extra: [Record.Body] = [])
        throws
    {
        let before = try f.lines
        #expect(thrownCode { try f.append([.envelope(env)]) } == code)
        #expect(try f.lines == before, "nothing appended")
        var forge = forge
        for b in extra { forge.add(b, time: Samples.time(2)) }
        forge.add(.statement(env), time: Samples.time(3))
        let seq = forge.lines.count - 1
        try forge.checkpoint(time: Samples.time(4))
        let g = try LedgerFixture(pki: f.pki)
        try forge.write(to: g.path)
        let c = codes(try g.verify())
        #expect(c.contains("\(code)@\(seq)"), "\(c)")
        // One record per batch: signatures by keys registered in earlier batches are checked in the parallel
        // phase, the others after the sequential one; both must find the same.
        #expect(codes(try g.verify(batchSize: 1)) == c)
        #expect(codes(try g.verify(batchSize: 2)) == c)
    }

    @Test func aValidTrailAppendsAndVerifies() throws {
        let (f, _) = try setup()
        let p = f.pki
        try f.append([.envelope(try Samples.envelope(.exportLicense, predicate: Samples.license(), signers: [p.regulator]))])
        try f.append([
            .envelope(try Samples.envelope(.supplySufficiency, predicate: Samples.supply(), signers: [p.exporter])),
            .envelope(try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [p.lab])),
        ])
        try f.append([.envelope(try Samples.envelope(.customsDecision, predicate: Samples.customs(), signers: [p.customs]))])
        var seen: [VerifiedStatement] = []
        let v = LedgerVerifier(path: f.path, options: VerifyOptions(trust: [p.root]))
        v.onStatement = { seen.append($0) }
        let r = try v.run()
        #expect(r.errors.isEmpty, "\(r.findings)")
        #expect(seen.count == 4)
        #expect(seen.allSatisfy { $0.intact })
        #expect(seen.map { $0.checked?.kind } == [.exportLicense, .supplySufficiency, .labTest, .customsDecision])
        #expect(seen[1].signers.first?.organization == "Nvidia Export LLC")
    }

    /// An append larger than one verification batch (256) is checked batch by batch on two threads: a bad
    /// signature in a later batch refuses the whole append at its own seq, and the same envelopes without it append.
    @Test func largeAppendIsCheckedInBatches() throws {
        let (f, _) = try setup()
        let envs = try (0..<300).map { i in
            try Samples.envelope(.labTest, predicate: Samples.labTest(tpp: 15000 + Double(i)), signers: [f.pki.lab])
        }
        let before = try f.lines
        var bad = envs
        bad[280].signatures[0].sig[7] ^= 0x01
        do {
            try f.append(bad.map { .envelope($0) })
            Issue.record("a bad signature was appended")
        } catch let e as TrailError {
            #expect(e.code == "signature-invalid")
            #expect(e.seq == before.count + 280)
        }
        #expect(try f.lines == before, "nothing appended")
        let r = try f.append(envs.map { .envelope($0) })
        #expect(r.seqs.count == 301 && r.seqs.first == before.count, "300 statements and the checkpoint")
        #expect(try f.verify().errors.isEmpty)
    }

    @Test func badSignature() throws {
        let (f, forge) = try setup()
        var env = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [f.pki.lab])
        env.signatures[0].sig[5] ^= 0x01
        try expectRefused(env, "signature-invalid", f, forge)
    }

    @Test func oneOfTwoSignaturesBad() throws {
        let (f, forge) = try setup()
        let lab2 = try f.pki.party(roles: [.lab], subject: "CN=Second Signer,O=Qualified Test Lab Inc,C=US")
        try f.append([.certificate(lab2.cert, chain: [f.pki.intermediate])])
        var forge2 = forge
        forge2.add(.certificate(cert: lab2.cert.der, chain: [f.pki.intermediate.der]), time: Samples.time(1))
        var env = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [f.pki.lab, lab2])
        env.signatures[1].sig[0] ^= 0x80
        try expectRefused(env, "signature-invalid", f, forge2)
    }

    @Test func keyidNamingNoRegisteredCertificate() throws {
        let (f, forge) = try setup()
        let stranger = try f.pki.party(roles: [.lab], subject: "CN=Unregistered,O=Qualified Test Lab Inc,C=US")
        let env = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [stranger])
        try expectRefused(env, "unknown-signer", f, forge)
    }

    @Test func labCertificateSigningACustomsDecision() throws {
        let (f, forge) = try setup()
        let env = try Samples.envelope(.customsDecision, predicate: Samples.customs(), signers: [f.pki.lab])
        try expectRefused(env, "role-not-permitted", f, forge)
    }

    @Test func signerRevokedByAnEarlierCRL() throws {
        let (f, forge) = try setup()
        let crl = try f.pki.crl(revoking: [f.pki.lab.cert])
        try f.append([.crl(crl)])
        let env = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [f.pki.lab])
        try expectRefused(env, "signer-revoked", f, forge, extra: [.crl(crl.der)])
    }

    @Test func signerExpiredAtLedgerTime() throws {
        let (f, forge) = try setup()
        let short = try f.pki.party(
            roles: [.lab], subject: "CN=Short Lived,O=Qualified Test Lab Inc,C=US", notBefore: PartyPKI.notBefore,
            notAfter: Samples.time(2).date.addingTimeInterval(30))
        _ = try Ledger.append(
            path: f.path, operatorKey: f.pki.operatorParty.key, items: [.certificate(short.cert, chain: [f.pki.intermediate])],
            time: Samples.time(2))
        var forge2 = forge
        forge2.add(.certificate(cert: short.cert.der, chain: [f.pki.intermediate.der]), time: Samples.time(1))
        let env = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [short])
        try expectRefused(env, "signer-expired", f, forge2)
    }

    @Test func sameEnvelopeTwice() throws {
        let (f, forge) = try setup()
        let env = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [f.pki.lab])
        try f.append([.envelope(env)])
        try expectRefused(env, "duplicate-statement", f, forge, extra: [.statement(env)])
    }

    @Test func payloadThatIsNotAnInTotoStatement() throws {
        let (f, forge) = try setup()
        let env = try Envelope(payload: Array("{\"_type\":\"https://example.com/NotAStatement\"}".utf8))
            .signed(by: f.pki.lab.key, keyid: f.pki.lab.cert.fingerprint)
        try expectRefused(env, "not-in-toto-statement", f, forge)
    }

    @Test func supplyManifestNotMatchingSubjectDigest() throws {
        let (f, forge) = try setup()
        // A statement whose subject digest names one manifest while embedding another.
        let good = try Attestation.payload(kind: .supplySufficiency, manifest: Samples.manifest(), predicate: Samples.supply())
        let other = Base64.encode(Samples.manifest(quantity: 5))
        var text = String(decoding: good, as: UTF8.self)
        let embedded = Base64.encode(Samples.manifest())
        text = text.replacingOccurrences(of: embedded, with: other)
        let env = try Envelope(payload: Array(text.utf8)).signed(by: f.pki.exporter.key, keyid: f.pki.exporter.cert.fingerprint)
        try expectRefused(env, "manifest-digest-mismatch", f, forge)
    }

    @Test func unsupportedPayloadType() throws {
        let (f, forge) = try setup()
        let payload = try Attestation.payload(kind: .labTest, manifest: Samples.manifest(), predicate: Samples.labTest())
        let env = try Envelope(payloadType: "application/json", payload: payload).signed(by: f.pki.lab.key, keyid: f.pki.lab.cert.fingerprint)
        try expectRefused(env, "unsupported-payload-type", f, forge)
    }

    @Test func retractionRules() throws {
        let (f, _) = try setup()
        let failing = try Samples.envelope(.labTest, predicate: Samples.labTest(tpp: 22000, result: "fail"), signers: [f.pki.lab])
        try f.append([.envelope(failing)])
        let target = Digest.sha256Hex(try f.lines[f.lines.count - 2])
        // Customs cannot retract the lab's statement.
        let byCustoms = try Samples.envelope(.retraction, predicate: Samples.retraction(of: target), signers: [f.pki.customs])
        #expect(thrownCode { try f.append([.envelope(byCustoms)]) } == "retraction-invalid")
        // A renewed lab key of the same organisation may.
        let renewed = try f.pki.party(roles: [.lab], subject: "CN=Renewed,O=Qualified Test Lab Inc,C=US")
        try f.append([.certificate(renewed.cert, chain: [f.pki.intermediate])])
        let byLab = try Samples.envelope(.retraction, predicate: Samples.retraction(of: target), signers: [renewed])
        try f.append([.envelope(byLab)])
        #expect(try f.verify().errors.isEmpty)
    }

    @Test func urlSafeBase64EnvelopesAreAccepted() throws {
        let (f, _) = try setup()
        let env = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [f.pki.lab])
        func urlSafe(_ b: [UInt8]) -> String {
            Base64.encode(b).replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let text = "{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"\(urlSafe(env.payload))\",\"signatures\":[{\"keyid\":\"\(env.signatures[0].keyid)\",\"sig\":\"\(urlSafe(env.signatures[0].sig))\"}]}"
        let parsed = try Envelope(json: Array(text.utf8))
        #expect(parsed == env)
        try f.append([.envelope(parsed)])
        #expect(try f.verify().errors.isEmpty)
    }
}
