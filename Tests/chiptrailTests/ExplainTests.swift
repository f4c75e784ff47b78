import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// `ledger explain --openssl` and `bundle explain --openssl` (SPEC.md §12): the scripts re-check a record with
/// nothing on PATH but openssl, sh, coreutils, sed, grep and awk, pass on intact records of every type and
/// signature algorithm, and fail, naming the step, on a changed line byte, proof hash, signature or certificate.
@Suite struct ExplainTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let sample = repo + "/Ledger/h200-sample.jsonl"
    static let sampleRoot = repo + "/Keys/root.pem"

    /// The only tools the scripts may use.
    static let tools = [
        "openssl", "sh", "cat", "cp", "head", "mktemp", "mv", "od", "rm", "tail", "tr", "wc", "sed", "grep", "awk",
    ]

    /// A directory holding symlinks to exactly `tools`, to be the whole PATH.
    static func restrictedPath(in dir: TempDir) throws -> String {
        let bin = dir.file("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        for t in tools {
            let found = ["/usr/bin/", "/bin/", "/usr/local/bin/"].map { $0 + t }.first {
                FileManager.default.isExecutableFile(atPath: $0)
            }
            let target = try #require(found, "\(t) is not installed")
            try FileManager.default.createSymbolicLink(atPath: bin + "/" + t, withDestinationPath: target)
        }
        return bin
    }

    /// Runs `script` (saved in `dir`) with the restricted PATH.
    static func run(_ script: String, _ args: [String], in dir: TempDir, bin: String) throws -> ProcessResult {
        let file = try dir.write("check-\(UUID().uuidString).sh", script)
        return try runProcess(bin + "/sh", [file] + args, environment: ["PATH": bin])
    }

    static func explain(_ ledger: String, seq: Int) throws -> String {
        let r = try chiptrail(["ledger", "explain", ledger, "--seq", String(seq), "--openssl"])
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout
    }

    /// The step a failed script names.
    static func failedStep(_ r: ProcessResult) -> String? {
        r.stdout.split(separator: "\n").last { $0.hasPrefix("FAILED at step [") }.map {
            String($0.dropFirst("FAILED at step [".count).dropLast())
        }
    }

    static func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    // MARK: the sample

    /// One or more records of each type (genesis, checkpoints, certificates, statements of every signer, the
    /// retraction at seq 40, the CRL, the latest checkpoint and its cosignature), to keep the run short on a
    /// shared machine.
    @Test func sampleRecordsPass() throws {
        let dir = TempDir()
        let bin = try Self.restrictedPath(in: dir)
        #expect(try Self.lines(Self.sample).count == 55)
        var types = Set<String>()
        for seq in [0, 1, 3, 7, 9, 12, 13, 15, 40, 52, 53, 54] {
            let r = try Self.run(
                try Self.explain(Self.sample, seq: seq), [Self.sample, Self.sampleRoot], in: dir, bin: bin)
            #expect(r.status == 0, "seq \(seq): \(r.stdout)\(r.stderr)")
            #expect(r.stdout.hasSuffix("ALL CHECKS PASSED for seq \(seq)\n"), "seq \(seq)")
            if let t = r.stdout.range(of: #"type [a-z]+,"#, options: .regularExpression) {
                types.insert(String(r.stdout[t].dropFirst(5).dropLast()))
            }
        }
        #expect(types == ["genesis", "checkpoint", "certificate", "statement", "crl", "cosignature"])
    }

    @Test func sampleStatementShowsEachCheck() throws {
        let dir = TempDir()
        let bin = try Self.restrictedPath(in: dir)
        // seq 12: the exporter's supply-sufficiency statement, signed with ECDSA P-256.
        let r = try Self.run(try Self.explain(Self.sample, seq: 12), [], in: dir, bin: bin)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        for step in [
            "[checkpoint: the latest signed note (tree size 53)]", "[genesis and trust anchor]",
            "[checkpoint: operator signature (Ed25519 signed note)]",
            "[checkpoint: witness cosignatures (tlog-cosignature/v1)]", "[record 12: the exact line bytes]",
            "[record 12: the prev link (SHA-256 of line 11)]", "[statement: signature 1 of 1]",
            "[record 12: leaf hash and inclusion proof]",
        ] {
            #expect(r.stdout.contains(step), "missing \(step)")
        }
        #expect(r.stdout.contains("ok: p256 signature over the PAE verifies"))
        #expect(r.stdout.contains("ok: cosignature/v1 by Independent_Auditor_1"))
        #expect(r.stdout.contains("ok: record 12 is leaf 12 of the tree of size 53"))
    }

    @Test func changedLineByteFailsAtInclusion() throws {
        let dir = TempDir()
        let bin = try Self.restrictedPath(in: dir)
        let script = try Self.explain(Self.sample, seq: 9)
        var lines = try Self.lines(Self.sample)
        // The record's time is covered by no signature: only the Merkle proof notices the change.
        lines[9] = lines[9].replacingOccurrences(
            of: "\"time\":\"2026-02-02T09:14:00.000Z\"", with: "\"time\":\"2026-02-02T09:14:01.000Z\"")
        let bad = try dir.write("bad.jsonl", lines.joined(separator: "\n") + "\n")
        let r = try Self.run(script, [bad, Self.sampleRoot], in: dir, bin: bin)
        #expect(r.status == 1)
        #expect(Self.failedStep(r) == "record 9: leaf hash and inclusion proof", "\(r.stdout)")
        #expect(r.stdout.contains("these bytes differ from the line this script was made from"))
    }

    @Test func carriageReturnFailsAtLineBytes() throws {
        let dir = TempDir()
        let bin = try Self.restrictedPath(in: dir)
        let script = try Self.explain(Self.sample, seq: 9)
        var lines = try Self.lines(Self.sample)
        lines[9] = lines[9].replacingOccurrences(of: ",\"seq\":", with: ",\r\"seq\":")
        let bad = try dir.write("bad.jsonl", lines.joined(separator: "\n") + "\n")
        let r = try Self.run(script, [bad], in: dir, bin: bin)
        #expect(r.status == 1)
        #expect(Self.failedStep(r) == "record 9: the exact line bytes", "\(r.stdout)")
        #expect(r.stdout.contains("carriage return"))
    }

    @Test func changedPrevFailsAtPrevLink() throws {
        let dir = TempDir()
        let bin = try Self.restrictedPath(in: dir)
        let script = try Self.explain(Self.sample, seq: 10)
        var lines = try Self.lines(Self.sample)
        // Line 9 changes: the prev of line 10 no longer matches it.
        lines[9] = lines[9].replacingOccurrences(of: "09:14:00.000Z", with: "09:14:00.001Z")
        let bad = try dir.write("bad.jsonl", lines.joined(separator: "\n") + "\n")
        let r = try Self.run(script, [bad], in: dir, bin: bin)
        #expect(r.status == 1)
        #expect(Self.failedStep(r) == "record 10: the prev link (SHA-256 of line 9)", "\(r.stdout)")
        #expect(r.stdout.contains("finding prev-mismatch"))
    }

    @Test func changedProofHashFailsAtInclusion() throws {
        let dir = TempDir()
        let bin = try Self.restrictedPath(in: dir)
        var lines = try Self.explain(Self.sample, seq: 9).split(separator: "\n", omittingEmptySubsequences: false).map(
            String.init)
        let i = try #require(lines.firstIndex(of: "emb target.p2 <<'B64'")) + 1
        lines[i] = (lines[i].first == "A" ? "B" : "A") + lines[i].dropFirst()
        let r = try Self.run(lines.joined(separator: "\n"), [], in: dir, bin: bin)
        #expect(r.status == 1)
        #expect(Self.failedStep(r) == "record 9: leaf hash and inclusion proof", "\(r.stdout)")
        #expect(
            r.stdout.contains("not the checkpoint's 3b61e17deb8775c65d6203d727bad94c6523a9a05c3383a23779d28dccb23831"))
    }

    @Test func changedSignatureFailsAtTheSignature() throws {
        let dir = TempDir()
        let bin = try Self.restrictedPath(in: dir)
        let script = try Self.explain(Self.sample, seq: 12)
        var lines = try Self.lines(Self.sample)
        let sig = try #require(lines[12].range(of: "\"sig\":\"")).upperBound
        let c = lines[12][lines[12].index(sig, offsetBy: 10)]
        let at = lines[12].index(sig, offsetBy: 10)
        lines[12].replaceSubrange(at...at, with: c == "A" ? "B" : "A")
        let bad = try dir.write("bad.jsonl", lines.joined(separator: "\n") + "\n")
        let r = try Self.run(script, [bad], in: dir, bin: bin)
        #expect(r.status == 1)
        #expect(Self.failedStep(r) == "statement: signature 1 of 1", "\(r.stdout)")
        #expect(r.stdout.contains("FAILED: the p256 signature over the PAE does not verify: finding signature-invalid"))
    }

    @Test func changedCertificateFails() throws {
        let dir = TempDir()
        let bin = try Self.restrictedPath(in: dir)
        // The signer's certificate record (seq 3) as the script embeds it: one byte of the certificate changes.
        var lines = try Self.explain(Self.sample, seq: 12).split(separator: "\n", omittingEmptySubsequences: false).map(
            String.init)
        let i = try #require(lines.firstIndex(of: "emb rec-3 <<'B64'")) + 1
        var line = try #require(Base64.decodeStandard(lines[i]))
        let cert = try #require(String(decoding: line, as: UTF8.self).range(of: "\"cert\":\"MIIC"))
        let offset =
            String(decoding: line, as: UTF8.self).utf8.distance(
                from: String(decoding: line, as: UTF8.self).startIndex, to: cert.upperBound) + 40
        line[offset] = line[offset] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        lines[i] = Base64.encode(line)
        let r = try Self.run(lines.joined(separator: "\n"), [], in: dir, bin: bin)
        #expect(r.status == 1)
        #expect(Self.failedStep(r) == "statement: signature 1 of 1", "\(r.stdout)")
        #expect(r.stdout.contains("FAILED: the proof leads to root"))

        // Another trust anchor than the ledger's: the anchor check fails.
        let other = try PartyPKI()
        let root = try dir.write("other-root.pem", other.root.pem)
        let r2 = try Self.run(try Self.explain(Self.sample, seq: 12), [Self.sample, root], in: dir, bin: bin)
        #expect(r2.status == 1)
        #expect(Self.failedStep(r2) == "genesis and trust anchor", "\(r2.stdout)")
        #expect(r2.stdout.contains("finding untrusted-ledger"))
        // Nor does chiptrail embed an anchor that genesis does not list.
        let g = try chiptrail(["ledger", "explain", Self.sample, "--seq", "12", "--openssl", "--trust", root])
        #expect(g.status == 1)
        #expect(g.stderr.contains("seq 0: error[untrusted-ledger]"), "\(g.stderr)")
    }

    @Test func sampleBundleEntriesPass() throws {
        let dir = TempDir()
        let bin = try Self.restrictedPath(in: dir)
        let ledger = dir.file("sample.jsonl")
        try FileManager.default.copyItem(atPath: Self.sample, toPath: ledger)
        let bundle = dir.file("bundle.json")
        let p = try chiptrail(["ledger", "prove", ledger, "--shipment", "SHP-2026-0001", "--out", bundle])
        #expect(p.status == 0, "\(p.stderr)")
        let parsed = try ProofBundle(json: try dir.read("bundle.json"))
        #expect(parsed.entries.map(\.seq) == [0, 2, 3, 4, 6, 7, 9, 12, 13, 15, 52])
        // Genesis, a certificate, the P-256 supply statement, the lab test and the CRL.
        for e in parsed.entries where [0, 3, 12, 13, 52].contains(e.seq) {
            let g = try chiptrail(["bundle", "explain", bundle, "--seq", String(e.seq), "--openssl"])
            #expect(g.status == 0, "\(g.stderr)")
            let r = try Self.run(g.stdout, [Self.sampleRoot], in: dir, bin: bin)
            #expect(r.status == 0, "seq \(e.seq): \(r.stdout)")
            #expect(r.stdout.hasSuffix("ALL CHECKS PASSED for seq \(e.seq)\n"))
        }
        // A changed proof hash in a bundle's script.
        let script = try chiptrail(["bundle", "explain", bundle, "--seq", "12", "--openssl"]).stdout
        var lines = script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let i = try #require(lines.firstIndex(of: "emb target.p0 <<'B64'")) + 1
        lines[i] = (lines[i].first == "A" ? "B" : "A") + lines[i].dropFirst()
        let bad = try Self.run(lines.joined(separator: "\n"), [Self.sampleRoot], in: dir, bin: bin)
        #expect(bad.status == 1)
        #expect(Self.failedStep(bad) == "record 12: leaf hash and inclusion proof", "\(bad.stdout)")
        // An entry the bundle does not hold.
        let missing = try chiptrail(["bundle", "explain", bundle, "--seq", "10", "--openssl"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("seq-out-of-range"))
    }

    // MARK: every signature algorithm, every record type

    /// A ledger whose signers use Ed25519, ECDSA P-256, ECDSA P-384 and RSA-PSS, with a CRL, a cosignature and a
    /// checkpoint after it.
    static func algorithmLedger(_ dir: TempDir) throws -> (ledger: String, root: String, pki: PartyPKI) {
        let pki = try PartyPKI()
        let ledger = dir.file("algs.jsonl")
        try pki.initializeLedger(at: ledger)
        let exporter = try pki.party(
            roles: [.exporter], subject: "CN=Export Officer,O=Nvidia Export LLC,C=US", alg: .p256)
        let lab = try pki.party(roles: [.lab], subject: "CN=Lab Signer,O=Qualified Test Lab Inc,C=US", alg: .p384)
        let customs = try pki.party(
            roles: [.customs], subject: "CN=Customs Officer,O=GACC Shanghai,C=CN", alg: .rsa(bits: 3072))
        let retired = try pki.party(roles: [.lab], subject: "CN=Retired Lab Key,O=Qualified Test Lab Inc,C=US")
        let chain = [pki.intermediate]
        _ = try Ledger.append(
            path: ledger, operatorKey: pki.operatorParty.key,
            items: [pki.regulator, exporter, lab, customs, retired, pki.auditor].map {
                .certificate($0.cert, chain: chain)
            },
            time: Samples.time(1))
        let m = Samples.manifest()
        _ = try Ledger.append(
            path: ledger, operatorKey: pki.operatorParty.key,
            items: [
                .envelope(try Samples.envelope(.exportLicense, predicate: Samples.license(), signers: [pki.regulator])),
                .envelope(
                    try Samples.envelope(
                        .supplySufficiency, manifest: m, predicate: Samples.supply(), signers: [exporter])),
                .envelope(try Samples.envelope(.labTest, manifest: m, predicate: Samples.labTest(), signers: [lab])),
                .envelope(
                    try Samples.envelope(
                        .customsDecision, manifest: m, predicate: Samples.customs(), signers: [customs])),
            ], time: Samples.time(2))
        _ = try Ledger.append(
            path: ledger, operatorKey: pki.operatorParty.key, items: [.crl(try pki.crl(revoking: [retired.cert]))],
            time: Samples.time(3))
        let checkpointSeq = try lines(ledger).count - 1
        let cosigned = try Witness.cosign(
            ledger: ledger, key: pki.auditor.key, cert: pki.auditor.cert, trust: [pki.root], time: Samples.time(4).date)
        _ = try Ledger.append(
            path: ledger, operatorKey: pki.operatorParty.key,
            items: [.cosignature(checkpoint: checkpointSeq, note: cosigned)], time: Samples.time(4))
        // A later batch puts the checkpoint and cosignature records inside a checkpointed tree.
        let late = try pki.party(roles: [.lab], subject: "CN=Late Lab Key,O=Qualified Test Lab Inc,C=US")
        _ = try Ledger.append(
            path: ledger, operatorKey: pki.operatorParty.key, items: [.certificate(late.cert, chain: chain)],
            time: Samples.time(5))
        let root = try dir.write("root.pem", pki.root.pem)
        return (ledger, root, pki)
    }

    @Test func everyRecordTypeAndAlgorithmPasses() throws {
        let dir = TempDir()
        let bin = try Self.restrictedPath(in: dir)
        let (ledger, root, _) = try Self.algorithmLedger(dir)
        let verify = try chiptrail(["ledger", "verify", ledger, "--trust", root, "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any])
        #expect(report["integrity"] as? String == "ok", "\(verify.stdout)")
        let records = try Self.lines(ledger)
        var seen = Set<String>()
        var algorithms = Set<String>()
        for seq in records.indices {
            let r = try Self.run(try Self.explain(ledger, seq: seq), [ledger, root], in: dir, bin: bin)
            #expect(r.status == 0, "seq \(seq): \(r.stdout)\(r.stderr)")
            #expect(r.stdout.hasSuffix("ALL CHECKS PASSED for seq \(seq)\n"))
            for t in ["genesis", "certificate", "statement", "crl", "checkpoint", "cosignature"]
            where records[seq].contains("\"type\":\"\(t)\"") {
                seen.insert(t)
            }
            for a in ["ed25519", "p256", "p384", "rsa"]
            where r.stdout.contains("ok: \(a) signature over the PAE verifies") {
                algorithms.insert(a)
            }
            if records[seq].contains("\"type\":\"cosignature\"") {
                #expect(r.stdout.contains("ok: 1 witness cosignature(s) verified"))
                #expect(
                    r.stdout.contains("ok: record \(seq) is leaf \(seq) of the tree"),
                    "the cosignature record is checkpointed")
            }
            if records[seq].contains("\"type\":\"crl\"") {
                #expect(r.stdout.contains("revokes: "))
            }
        }
        #expect(seen == ["genesis", "certificate", "statement", "crl", "checkpoint", "cosignature"])
        #expect(algorithms == ["ed25519", "p256", "p384", "rsa"])
    }

    @Test func revocationFollowsLedgerPosition() throws {
        let dir = TempDir()
        let bin = try Self.restrictedPath(in: dir)
        let pki = try PartyPKI()
        let lab = try pki.party(roles: [.lab], subject: "CN=Lab Signer,O=Qualified Test Lab Inc,C=US", alg: .p384)
        let statement = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [lab])
        // Written by hand (append refuses the last statement): certificate, statement, CRL, the same key again.
        var f = try LedgerForger(pki: pki)
        f.add(.certificate(cert: lab.cert.der, chain: [pki.intermediate.der]), time: Samples.time(1))
        f.add(.statement(statement), time: Samples.time(2))
        f.add(.crl(try pki.crl(revoking: [lab.cert]).der), time: Samples.time(3))
        f.add(
            .statement(try Samples.envelope(.labTest, predicate: Samples.labTest(tpp: 15000), signers: [lab])),
            time: Samples.time(4))
        try f.checkpoint(time: Samples.time(5))
        let ledger = dir.file("revoked.jsonl")
        try f.write(to: ledger)
        let root = try dir.write("root.pem", pki.root.pem)
        let v = try chiptrail(["ledger", "verify", ledger, "--trust", root])
        #expect(v.stdout.contains("seq 4: error[signer-revoked]"), "\(v.stdout)")

        // Before the CRL record the signature counts, whatever the CRL's revocationDate.
        let before = try Self.run(try Self.explain(ledger, seq: 2), [ledger, root], in: dir, bin: bin)
        #expect(before.status == 0, "\(before.stdout)")
        #expect(before.stdout.contains("no CRL by a CA of the signer path is recorded before it"))
        // After it, the script fails at the signature's step by the ledger rule.
        let after = try Self.run(try Self.explain(ledger, seq: 4), [ledger, root], in: dir, bin: bin)
        #expect(after.status == 1)
        #expect(Self.failedStep(after) == "statement: signature 1 of 1", "\(after.stdout)")
        #expect(
            after.stdout.contains("serial \(lab.cert.serialHex.uppercased()) is revoked by the CRL recorded at seq 3"))
        // The CRL record itself lists the serial.
        let crl = try Self.run(try Self.explain(ledger, seq: 3), [ledger, root], in: dir, bin: bin)
        #expect(crl.status == 0, "\(crl.stdout)")
        #expect(crl.stdout.contains("revokes: \(lab.cert.serialHex.uppercased())"))
    }

    @Test func retractionByAnotherOrganisationFails() throws {
        let dir = TempDir()
        let bin = try Self.restrictedPath(in: dir)
        let pki = try PartyPKI()
        let other = try pki.party(roles: [.lab], subject: "CN=Rival Lab,O=Rival Test Lab Inc,C=US", alg: .p256)
        var f = try LedgerForger(pki: pki)
        f.add(.certificate(cert: pki.lab.cert.der, chain: [pki.intermediate.der]), time: Samples.time(1))
        f.add(.certificate(cert: other.cert.der, chain: [pki.intermediate.der]), time: Samples.time(1))
        f.add(
            .statement(try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [pki.lab])),
            time: Samples.time(2))
        let target = Digest.sha256Hex(f.lines[3])
        // Same role, same subject, another organisation: written by hand, as append refuses it.
        f.add(
            .statement(try Samples.envelope(.retraction, predicate: Samples.retraction(of: target), signers: [other])),
            time: Samples.time(3))
        f.add(
            .statement(
                try Samples.envelope(.retraction, predicate: Samples.retraction(of: target), signers: [pki.lab])),
            time: Samples.time(4))
        try f.checkpoint(time: Samples.time(5))
        let ledger = dir.file("retraction.jsonl")
        try f.write(to: ledger)
        let root = try dir.write("root.pem", pki.root.pem)
        let v = try chiptrail(["ledger", "verify", ledger, "--trust", root])
        #expect(v.stdout.contains("seq 4: error[retraction-invalid]"), "\(v.stdout)")
        #expect(!v.stdout.contains("seq 5: error"), "\(v.stdout)")

        let bad = try Self.run(try Self.explain(ledger, seq: 4), [ledger, root], in: dir, bin: bin)
        #expect(bad.status == 1)
        #expect(Self.failedStep(bad) == "retraction: the retracted statement", "\(bad.stdout)")
        #expect(
            bad.stdout.contains(
                "shares no organisation and role with a signer of the target: finding retraction-invalid"))
        let good = try Self.run(try Self.explain(ledger, seq: 5), [ledger, root], in: dir, bin: bin)
        #expect(good.status == 0, "\(good.stdout)")
        #expect(good.stdout.contains("ok: signer of O=Qualified Test Lab Inc with role lab, as a signer of the target"))
    }

    /// A CRL counts from its record's position, whatever its dates: openssl refuses it as "not yet valid" at the
    /// record time, and the script says so, but decides by the ledger rule.
    @Test func crlDatesDoNotMatterToTheLedger() throws {
        let dir = TempDir()
        let bin = try Self.restrictedPath(in: dir)
        let pki = try PartyPKI()
        let retired = try pki.party(roles: [.lab], subject: "CN=Retired Lab Key,O=Qualified Test Lab Inc,C=US")
        let future = ISO8601DateFormatter().date(from: "2026-06-01T00:00:00Z")!
        let crl = try CRLBuilder.build(
            issuer: pki.intermediate, issuerKey: pki.intermediateKey,
            revoked: [CRL.Entry(serialHex: retired.cert.serialHex, revocationDate: future, reason: nil)], crlNumber: 1,
            thisUpdate: future, nextUpdate: PartyPKI.notAfter)
        var f = try LedgerForger(pki: pki)
        f.add(.certificate(cert: pki.lab.cert.der, chain: [pki.intermediate.der]), time: Samples.time(1))
        f.add(.certificate(cert: retired.cert.der, chain: [pki.intermediate.der]), time: Samples.time(1))
        f.add(.crl(crl.der), time: Samples.time(2))
        f.add(
            .statement(try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [pki.lab])),
            time: Samples.time(3))
        f.add(
            .statement(try Samples.envelope(.labTest, predicate: Samples.labTest(tpp: 15000), signers: [retired])),
            time: Samples.time(3))
        try f.checkpoint(time: Samples.time(4))
        let ledger = dir.file("dates.jsonl")
        try f.write(to: ledger)
        let root = try dir.write("root.pem", pki.root.pem)
        let v = try chiptrail(["ledger", "verify", ledger, "--trust", root])
        #expect(v.stdout.contains("seq 5: error[signer-revoked]"), "\(v.stdout)")
        #expect(!v.stdout.contains("seq 4: error"), "\(v.stdout)")

        let good = try Self.run(try Self.explain(ledger, seq: 4), [ledger, root], in: dir, bin: bin)
        #expect(good.status == 0, "\(good.stdout)")
        #expect(
            good.stdout.contains(
                "ok: serial \(pki.lab.cert.serialHex.uppercased()) is not on the CRL recorded at seq 3"))
        #expect(good.stdout.contains("note (openssl differs from the ledger rule): openssl verify -crl_check says:"))
        #expect(good.stdout.contains("CRL is not yet valid"))
        let revoked = try Self.run(try Self.explain(ledger, seq: 5), [ledger, root], in: dir, bin: bin)
        #expect(revoked.status == 1)
        #expect(Self.failedStep(revoked) == "statement: signature 1 of 1", "\(revoked.stdout)")
        #expect(revoked.stdout.contains("is revoked by the CRL recorded at seq 3, before this record"))
    }

    /// DSSE base64 may be URL-safe and unpadded (SPEC.md §8.2): the script normalises it before decoding.
    @Test func urlSafeUnpaddedEnvelopePasses() throws {
        let dir = TempDir()
        let bin = try Self.restrictedPath(in: dir)
        let pki = try PartyPKI()
        var f = try LedgerForger(pki: pki)
        f.add(.certificate(cert: pki.lab.cert.der, chain: [pki.intermediate.der]), time: Samples.time(1))
        // A signature whose standard form holds '+' or '/', so that the URL-safe form differs in more than padding.
        var env = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [pki.lab])
        for tpp in 15000..<15050 where !Base64.encode(env.signatures[0].sig).contains(where: { $0 == "+" || $0 == "/" })
        {
            env = try Samples.envelope(.labTest, predicate: Samples.labTest(tpp: Double(tpp)), signers: [pki.lab])
        }
        let standard = Base64.encode(env.signatures[0].sig)
        #expect(standard.contains(where: { $0 == "+" || $0 == "/" }))
        func urlSafe(_ b64: String) -> String {
            String(b64.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }.filter { $0 != "=" })
        }
        let record = Record(seq: 2, time: Samples.time(2), prev: Digest.sha256Hex(f.lines[1]), body: .statement(env))
        var text = String(decoding: record.line, as: UTF8.self)
        text = text.replacingOccurrences(of: "\"sig\":\"\(standard)\"", with: "\"sig\":\"\(urlSafe(standard))\"")
        let payload = Base64.encode(env.payload)
        text = text.replacingOccurrences(of: "\"payload\":\"\(payload)\"", with: "\"payload\":\"\(urlSafe(payload))\"")
        #expect(text.contains(urlSafe(standard)))
        f.add(Array(text.utf8))
        try f.checkpoint(time: Samples.time(3))
        let ledger = dir.file("urlsafe.jsonl")
        try f.write(to: ledger)
        let root = try dir.write("root.pem", pki.root.pem)
        let v = try chiptrail(["ledger", "verify", ledger, "--trust", root, "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(v.stdout.utf8)) as? [String: Any])
        #expect(report["integrity"] as? String == "ok", "\(v.stdout)")
        let r = try Self.run(try Self.explain(ledger, seq: 2), [ledger, root], in: dir, bin: bin)
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("ok: ed25519 signature over the PAE verifies"))
    }
}
