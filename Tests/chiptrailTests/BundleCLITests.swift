import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// `ledger prove`, `bundle verify`, `ledger consistency`, `ledger cosign`, `ledger append --cosignature`,
/// `ledger verify --since` and `report`, end to end.
@Suite struct BundleCLITests {
    /// A ledger built with the CLI: parties registered, a license and SHP-0001's statements.
    final class World {
        let pki: PartyPKI
        let dir = TempDir()
        let ledger: String
        let root: String
        let operatorKey: String

        init() throws {
            pki = try PartyPKI()
            ledger = dir.file("ledger.jsonl")
            root = try dir.write("root.pem", pki.root.pem, mode: 0o644)
            let inter = try dir.write("inter.pem", pki.intermediate.pem, mode: 0o644)
            operatorKey = try dir.write("operator.key", try pki.operatorParty.key.pem(passphrase: nil))
            let opCert = try dir.write("operator.pem", pki.operatorParty.cert.pem, mode: 0o644)
            _ = try dir.write("auditor.key", try pki.auditor.key.pem(passphrase: nil))
            _ = try dir.write("auditor.pem", pki.auditor.cert.pem, mode: 0o644)
            try ok(["ledger", "init", ledger, "--origin", Samples.origin, "--operator-key", operatorKey, "--operator-cert", opCert,
                "--chain", inter, "--trust", root])
            var certs: [String] = []
            for (name, p) in [("regulator", pki.regulator), ("exporter", pki.exporter), ("lab", pki.lab), ("customs", pki.customs), ("auditor", pki.auditor)] {
                certs += ["--cert", try dir.write(name + ".pem", p.cert.pem, mode: 0o644)]
            }
            try append(certs + ["--chain", inter])
            let p = pki
            try append([
                try envelope("license", try Samples.envelope(.exportLicense, predicate: Samples.license(), signers: [p.regulator])),
                try envelope("supply", try Samples.envelope(.supplySufficiency, predicate: Samples.supply(), signers: [p.exporter])),
            ])
            try append([try envelope("lab", try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [p.lab]))])
            try append([try envelope("customs", try Samples.envelope(.customsDecision, predicate: Samples.customs(), signers: [p.customs]))])
        }

        func envelope(_ name: String, _ env: Envelope) throws -> String {
            try dir.write(name + ".env.json", env.jsonText, mode: 0o644)
        }

        func append(_ args: [String]) throws { try ok(["ledger", "append", ledger, "--operator-key", operatorKey] + args) }

        @discardableResult
        func ok(_ args: [String]) throws -> ProcessResult {
            let r = try chiptrail(args)
            #expect(r.status == 0, "\(args.prefix(2)): \(r.stderr)\(r.stdout)")
            return r
        }

        func checkpoint(_ name: String, ledger: String? = nil) throws -> String {
            try dir.write(name, try ok(["ledger", "checkpoint", ledger ?? self.ledger]).stdout, mode: 0o644)
        }
    }

    func json(_ s: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any] ?? [:]
    }

    func errorCodes(_ out: [String: Any]) -> [String] {
        (out["errors"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    @Test func proveThenVerifyWithoutTheLedgerAndRejectTampering() throws {
        let w = try World()
        let bundle = w.dir.file("SHP-0001.bundle.json")
        try w.ok(["ledger", "prove", w.ledger, "--shipment", "SHP-0001", "--out", bundle])
        let proof = w.dir.file("seq11.tlog-proof")
        try w.ok(["ledger", "prove", w.ledger, "--tlog-proof", "--seq", "11", "--out", proof])
        let proofText = try String(contentsOfFile: proof, encoding: .utf8)
        #expect(proofText.hasPrefix("c2sp.org/tlog-proof@v1\nextra "))
        #expect(try TlogProof(parsing: proofText).verifiesInclusion())
        try FileManager.default.removeItem(atPath: w.ledger)

        var r = try chiptrail(["bundle", "verify", bundle, "--trust", w.root, "--format", "json"])
        var out = try json(r.stdout)
        #expect(r.status == 0 || r.status == 2, "\(r.stderr)")
        #expect(out["integrity"] as? String == "ok", "\(r.stdout)")
        #expect(out["subject"] as? String == "shipment:SHP-0001")
        #expect((out["cannotProve"] as? [String])?.first?.hasPrefix("absence") == true)
        r = try chiptrail(["bundle", "verify", bundle, "--trust", w.root])
        #expect(r.stdout.contains("A bundle cannot prove:") && r.stdout.contains("integrity  ok"))

        // One byte of one entry line.
        var b = try ProofBundle(json: try w.dir.read("SHP-0001.bundle.json"))
        b.entries[b.entries.count - 1].line[20] ^= 0x01
        let tampered = try w.dir.write("tampered.json", bytes: b.serialized)
        r = try chiptrail(["bundle", "verify", tampered, "--trust", w.root, "--format", "json"])
        out = try json(r.stdout)
        #expect(r.status == 1)
        #expect(errorCodes(out).contains("bundle-inclusion-invalid"))
        // Not a bundle at all: malformed input.
        let junk = try w.dir.write("junk.json", "{\"mediaType\":\"text/plain\"}")
        r = try chiptrail(["bundle", "verify", junk, "--trust", w.root])
        #expect(r.status == 65 && r.stderr.contains("bundle-media-type"))
        // Proving an unknown shipment is a usage error.
        r = try chiptrail(["bundle", "verify", bundle])
        #expect(r.status == 64)
    }

    @Test func consistencyAndSinceCatchARewrittenHistory() throws {
        let w = try World()
        let old = try w.checkpoint("old.checkpoint")
        let extra = try w.pki.party(roles: [.customs], subject: "CN=Second Customs,O=GACC Tianjin,C=CN")
        try w.append(["--cert", try w.dir.write("extra.pem", extra.cert.pem, mode: 0o644), "--chain", w.dir.file("inter.pem")])
        let new = try w.checkpoint("new.checkpoint")
        var r = try chiptrail(["ledger", "consistency", old, new, "--ledger", w.ledger, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try json(r.stdout)["consistent"] as? Bool == true)
        r = try chiptrail(["ledger", "consistency", new, old, "--ledger", w.ledger])
        #expect(r.status == 1 && r.stderr.contains("inconsistent-with-checkpoint"))
        r = try chiptrail(["ledger", "verify", w.ledger, "--trust", w.root, "--since", old, "--format", "json"])
        #expect(!errorCodes(try json(r.stdout)).contains("inconsistent-with-checkpoint"))

        // The operator rewrites history: same size, the auditor certificate line changed, chain and checkpoints re-signed.
        let lines = try w.dir.read("ledger.jsonl").split(separator: 0x0A).map(Array.init)
        let forged = try w.pki.party(roles: [.auditor], subject: "CN=Forged Auditor,O=Forgers,C=US")
        var forge = try LedgerForger(pki: w.pki)
        forge.reset()
        var acc = MerkleAccumulator()
        for (i, l) in lines.enumerated() {
            var line = l
            if i > 0 {
                let rec = try Record.parse(line: l)
                var body = rec.body
                if i == 6 { body = .certificate(cert: forged.cert.der, chain: [w.pki.intermediate.der]) }
                if case .checkpoint = rec.body {
                    body = .checkpoint(note: try Checkpoint(origin: Samples.origin, size: i, rootHash: acc.root).signedNote(by: w.pki.operatorParty.key))
                }
                line = Record(seq: i, time: rec.time, prev: Digest.sha256Hex(forge.lines[i - 1]), body: body).line
            }
            forge.add(line)
            acc.append(leafHash: Merkle.leafHash(line))
        }
        let rewritten = w.dir.file("rewritten.jsonl")
        try forge.write(to: rewritten)
        r = try chiptrail(["ledger", "verify", rewritten, "--trust", w.root, "--format", "json"])
        #expect(errorCodes(try json(r.stdout)).isEmpty, "the rewritten ledger is self-consistent: \(r.stdout)")
        r = try chiptrail(["ledger", "verify", rewritten, "--trust", w.root, "--since", old, "--format", "json"])
        #expect(r.status == 1)
        #expect(errorCodes(try json(r.stdout)).contains("inconsistent-with-checkpoint"))
        let forgedNew = try w.checkpoint("forged.checkpoint", ledger: rewritten)
        r = try chiptrail(["ledger", "consistency", old, forgedNew, "--ledger", rewritten])
        #expect(r.status == 1 && r.stderr.contains("inconsistent-with-checkpoint"), "\(r.stderr)")
    }

    @Test func witnessCosignsAndThePolicyCountsIt() throws {
        let w = try World()
        let policy = try w.dir.write("policy.json", "{\"requiredWitnesses\":1}")
        var r = try chiptrail(["ledger", "verify", w.ledger, "--trust", w.root, "--policy", policy, "--format", "json"])
        #expect(r.status == 1)
        #expect(errorCodes(try json(r.stdout)) == ["insufficient-witnesses"])
        let cosigned = w.dir.file("cosigned.checkpoint")
        try w.ok(["ledger", "cosign", w.ledger, "--key", w.dir.file("auditor.key"), "--cert", w.dir.file("auditor.pem"),
            "--trust", w.root, "--out", cosigned])
        #expect(try String(contentsOfFile: cosigned, encoding: .utf8).contains("\n— Independent_Auditor "))
        try w.append(["--cosignature", cosigned])
        r = try chiptrail(["ledger", "verify", w.ledger, "--trust", w.root, "--policy", policy, "--format", "json"])
        let out = try json(r.stdout)
        #expect(r.status != 1, "\(r.stdout)")
        #expect(errorCodes(out).isEmpty)
        #expect((out["checkpoint"] as? [String: Any])?["witnesses"] as? [String] == ["Independent_Auditor"])
        // The bundle now carries the witness.
        let bundle = w.dir.file("b.json")
        try w.ok(["ledger", "prove", w.ledger, "--shipment", "SHP-0001", "--out", bundle])
        r = try chiptrail(["bundle", "verify", bundle, "--trust", w.root, "--policy", policy, "--format", "json"])
        #expect(((try json(r.stdout))["checkpoint"] as? [String: Any])?["witnesses"] as? [String] == ["Independent_Auditor"])
        #expect(errorCodes(try json(r.stdout)).isEmpty, "\(r.stdout)")
    }

    @Test func reportIsWritten() throws {
        let w = try World()
        let html = w.dir.file("report.html")
        let r = try w.ok(["report", w.ledger, "--trust", w.root, "--html", html])
        #expect(r.stdout.contains("wrote \(html)"))
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("Ledger integrity: <strong>verified</strong>"))
        // One inline script (search and filter), nothing loaded.
        #expect(page.components(separatedBy: "<script").count == 2 && page.contains("<script>//<![CDATA[") && !page.contains(" src="))
    }
}
