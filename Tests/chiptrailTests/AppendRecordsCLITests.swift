import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// Issue 15, items 4, 5 and 7: certificate chains other tools can read, terminal-safe text, append refusals a
/// person can act on.
@Suite struct AppendRecordsCLITests {
    /// A ledger made with the CLI (genesis chain: the intermediate), and the parties' certificates as files.
    final class Fresh {
        let pki: PartyPKI
        let dir = TempDir()
        let ledger: String
        let root: String
        let inter: String
        let operatorKey: String

        init() throws {
            pki = try PartyPKI()
            ledger = dir.file("ledger.jsonl")
            root = try dir.write("root.pem", pki.root.pem, mode: 0o644)
            inter = try dir.write("inter.pem", pki.intermediate.pem, mode: 0o644)
            operatorKey = try dir.write("operator.key", try pki.operatorParty.key.pem(passphrase: nil))
            let opCert = try dir.write("operator.pem", pki.operatorParty.cert.pem, mode: 0o644)
            let r = try chiptrail([
                "ledger", "init", ledger, "--origin", Samples.origin, "--operator-key", operatorKey, "--operator-cert",
                opCert,
                "--chain", inter, "--trust", root,
            ])
            #expect(r.status == 0, "\(r.stderr)")
        }

        func cert(_ name: String, _ p: TestParty) throws -> String {
            try dir.write(name + ".pem", p.cert.pem, mode: 0o644)
        }

        func append(_ args: [String]) throws -> ProcessResult {
            try chiptrail(["ledger", "append", ledger, "--operator-key", operatorKey] + args)
        }

        func records() throws -> [Record] {
            try FileIO.read(ledger).split(separator: 0x0A).map { try Record.parse(line: Array($0)) }
        }

        /// The chain of the certificate record registering `p`.
        func chain(of p: TestParty) throws -> [[UInt8]]? {
            for r in try records() {
                if case .certificate(let der, let chain) = r.body, der == p.cert.der { return chain }
            }
            return nil
        }
    }

    // MARK: 4. Chains as validated paths

    @Test func chainsAreTheValidatedPathWithoutDuplicates() throws {
        let f = try Fresh()
        let p = f.pki
        let (lab, customs) = (try f.cert("lab", p.lab), try f.cert("customs", p.customs))
        let r = try f.append(["--cert", lab, "--chain", f.inter, "--cert", customs, "--chain", f.inter])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try f.chain(of: p.lab) == [p.intermediate.der])
        #expect(try f.chain(of: p.customs) == [p.intermediate.der])
        // The root given as a chain certificate is left out; order is the leaf's issuer upward.
        let reg = try f.cert("regulator", p.regulator)
        #expect(try f.append(["--cert", reg, "--chain", f.root, "--chain", f.inter]).status == 0)
        #expect(try f.chain(of: p.regulator) == [p.intermediate.der])
        #expect(try chiptrail(["ledger", "verify", f.ledger, "--trust", f.root]).status == 0)
    }

    /// The issuer is in the genesis chain: `--cert` alone is enough (it was `unknown-issuer`).
    @Test func certWithoutChainTakesTheIssuerFromTheLedger() throws {
        let f = try Fresh()
        let p = f.pki
        let exporter = try f.cert("exporter", p.exporter)
        let r = try f.append(["--cert", exporter])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "appended seq 2…3 to \(f.ledger); tree size 4\n")
        #expect(try f.chain(of: p.exporter) == [p.intermediate.der])
        #expect(try chiptrail(["ledger", "verify", f.ledger, "--trust", f.root]).status == 0)
        // A certificate whose issuer the ledger does not hold is still refused, naming its file.
        let otherRoot = try PartyPKI()
        let stranger = try f.cert("stranger", otherRoot.lab)
        let refused = try f.append(["--cert", stranger])
        #expect(refused.status == 1)
        #expect(
            refused.stderr.hasPrefix(
                "chiptrail: \(stranger): error[unknown-issuer]: refused, nothing appended (1 problem):\n  \(stranger): [unknown-issuer] "
            ), "\(refused.stderr)")
    }

    // MARK: 7. Refusals a person can act on

    @Test func duplicatesNameTheFileAndWhereTheEnvelopeStands() throws {
        let w = try BundleCLITests.World()
        let customs = w.dir.file("customs.env.json")
        let copy = try w.dir.write("copy.env.json", try String(contentsOfFile: customs, encoding: .utf8), mode: 0o644)
        let lines = try FileIO.read(w.ledger).split(separator: 0x0A).map(Array.init)
        let env = try Envelope(json: try FileIO.read(customs))
        let at = try lines.firstIndex {
            if case .statement(let e) = try Record.parse(line: $0).body { return e == env }
            return false
        }
        let stands = try #require(at)
        let before = try FileIO.read(w.ledger)
        let r = try chiptrail(["ledger", "append", w.ledger, "--operator-key", w.operatorKey, copy, customs])
        #expect(r.status == 1)
        // One line per problem (a hint may follow: the verifier's remedy for the first problem).
        let problems = r.stderr.split(separator: "\n").prefix(3).map(String.init)
        #expect(
            problems == [
                "chiptrail: \(copy): error[duplicate-statement]: refused, nothing appended (2 problems):",
                "  \(copy): [duplicate-statement] the same statement (payload and signer certificates) already stands at seq \(stands)",
                "  \(customs): [duplicate-statement] the same statement (payload and signer certificates) already stands at seq \(stands)",
            ], "\(r.stderr)")
        #expect(problems.allSatisfy { !$0.contains(";") })
        #expect(r.stderr.split(separator: "\n").dropFirst(3).allSatisfy { $0.hasPrefix("  hint: ") })
        #expect(try FileIO.read(w.ledger) == before)
        // Twice in one batch, and not in the ledger: the second names the first.
        let fresh = try w.envelope(
            "fresh",
            try Samples.envelope(.customsDecision, predicate: Samples.customs("inspect"), signers: [w.pki.customs]))
        let again = try w.dir.write("again.env.json", try String(contentsOfFile: fresh, encoding: .utf8), mode: 0o644)
        let twice = try chiptrail(["ledger", "append", w.ledger, "--operator-key", w.operatorKey, fresh, again])
        #expect(twice.status == 1)
        #expect(
            twice.stderr.contains(
                "\n  \(again): [duplicate-statement] the same statement (payload and signer certificates) is also \(fresh) in this batch\n"
            ), "\(twice.stderr)")
        #expect(try FileIO.read(w.ledger) == before)
    }

    @Test func reRegisteringAKnownCertificateSaysSo() throws {
        let w = try BundleCLITests.World()
        let exporterSeq = try #require(
            try FileIO.read(w.ledger).split(separator: 0x0A).firstIndex {
                if case .certificate(let der, _) = try Record.parse(line: Array($0)).body {
                    return der == w.pki.exporter.cert.der
                }
                return false
            })
        let before = try FileIO.read(w.ledger)
        let exporter = w.dir.file("exporter.pem")
        let r = try chiptrail(["ledger", "append", w.ledger, "--operator-key", w.operatorKey, "--cert", exporter])
        #expect(r.status == 0, "\(r.stderr)")
        let size = before.split(separator: 0x0A).count
        #expect(
            r.stdout == """
                \(exporter): already registered at seq \(exporterSeq); not appended again
                nothing appended to \(w.ledger); tree size \(size)

                """)
        #expect(try FileIO.read(w.ledger) == before)
        let j = try chiptrail([
            "ledger", "append", w.ledger, "--operator-key", w.operatorKey, "--cert", exporter, "--format", "json",
        ])
        #expect(
            j.stdout.contains("\"alreadyRegistered\":[{\"file\":\"\(exporter)\",\"seq\":\(exporterSeq)}]"),
            "\(j.stdout)")
        #expect(j.stdout.contains("\"seqs\":[]"))
    }

    // MARK: 5. Terminal safety

    /// A shipment id holding ESC, CR and a right-to-left override cannot redraw its own line on a terminal.
    @Test func ledgerStringsAreEscapedInText() throws {
        let w = try BundleCLITests.World()
        let p = w.pki
        let id = #"SHP\u001b[2K\rEVIL\u202e\u007f\u0085\u2066"#
        let env = try Samples.envelope(
            .supplySufficiency, manifest: Samples.manifest(id: id), predicate: Samples.supply(), signers: [p.exporter])
        let file = try w.envelope("evil", env)
        #expect(try chiptrail(["ledger", "append", w.ledger, "--operator-key", w.operatorKey, file]).status == 0)
        let raw: Set<UInt32> = [0x1B, 0x0D, 0x202E, 0x7F, 0x85, 0x2066]
        let v = try chiptrail(["ledger", "verify", w.ledger, "--trust", w.root])
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stdout.contains("\nSHP\\x1B[2K\\x0DEVIL\\u{202E}\\x7F\\x85\\u{2066}  pending   missing: "), "\(v.stdout)")
        let list = try chiptrail(["ledger", "show", w.ledger])
        let shipment = try chiptrail([
            "ledger", "show", w.ledger, "--shipment", "SHP\u{1B}[2K\rEVIL\u{202E}\u{7F}\u{85}\u{2066}", "--trust", w.root,
        ])
        #expect(shipment.status == 0, "\(shipment.stderr)")
        #expect(shipment.stdout.hasPrefix("shipment SHP\\x1B[2K\\x0DEVIL\\u{202E}\\x7F\\x85\\u{2066}: pending\n"))
        for out in [v.stdout, list.stdout, shipment.stdout] {
            #expect(!out.unicodeScalars.contains { raw.contains($0.value) })
        }
        // JSON keeps the id exactly (its serialiser escapes it).
        let j = try chiptrail(["ledger", "verify", w.ledger, "--trust", w.root, "--format", "json"])
        let o = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any] ?? [:]
        let ids = (o["shipments"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(ids.contains { Array($0.unicodeScalars) == Array("SHP\u{1B}[2K\rEVIL\u{202E}\u{7F}\u{85}\u{2066}".unicodeScalars) })
    }
}
