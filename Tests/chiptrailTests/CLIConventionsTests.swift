import Foundation
import Testing
import TrailCrypto
import TrailTestSupport

/// The conventions a CLI user expects (issue 16): `--format json` on every reporting command, `--force` before any
/// file is replaced, argument values listed by help and refused by name, `--version`, `ca revoke --serial`, and
/// `ledger show --seq` decoding a statement.
@Suite struct CLIConventionsTests {
    static let repo = GoldenOutputTests.repo
    static let sample = repo + "/Ledger/h200-sample.jsonl"
    static let root = repo + "/Keys/root.pem"

    /// A fresh demo ledger with every party's key (`chiptrail demo --dir`).
    static func demo() throws -> TempDir {
        let dir = TempDir()
        let r = try chiptrail(["demo", "--dir", dir.path + "/d"])
        #expect(r.status == 0, "\(r.stderr)")
        return dir
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text.prefix(200))")
    }

    // MARK: --version

    @Test func versionNamesTheCommitAndTheOpenSSLLibrary() throws {
        let r = try chiptrail(["--version"])
        #expect(r.status == 0)
        let library = try opensslOK(["version"])  // "OpenSSL 3.0.x d m y (Library: OpenSSL 3.0.x d m y)"
        let runtime = library.range(of: "(Library: ").map { String(library[$0.upperBound...].dropLast().prefix { $0 != ")" }) }
            ?? library.trimmingCharacters(in: .whitespacesAndNewlines)
        let git = try? runProcess("/usr/bin/git", ["-C", Self.repo, "rev-parse", "HEAD"])
        let head = git.flatMap { $0.status == 0 ? String($0.stdout.prefix(12)) : nil }
        let line = r.stdout.trimmingCharacters(in: .newlines)
        #expect(line.hasPrefix("chiptrail 0.1.0 (commit "), "\(line)")
        #expect(line.hasSuffix("; \(runtime))"), "\(line) does not end with the OpenSSL library \(runtime)")
        if let head { #expect(line.contains("commit \(head)"), "\(line) does not name HEAD \(head)") }
    }

    // MARK: --force

    /// Each command that writes a file refuses an existing one (exit 64, `file-exists`, the file untouched) and
    /// replaces it with `--force`.
    @Test func writersRefuseToOverwriteWithoutForce() throws {
        let tmp = try Self.demo()
        let d = tmp.path + "/d"
        let ledger = d + "/ledger.jsonl"
        let ca = tmp.path + "/ca"
        #expect(try chiptrail(["ca", "init", "--dir", ca, "--subject", "CN=Force CA,O=Test,C=US", "--no-encrypt"]).status == 0)
        let commands: [(String, [String])] = [
            ("bundle.json", ["ledger", "prove", ledger, "--shipment", "SHP-2026-0001", "--out"]),
            ("report.html", ["report", ledger, "--trust", d + "/root.pem", "--html"]),
            ("cosigned.txt", ["ledger", "cosign", ledger, "--key", d + "/keys/auditor.key", "--cert", d + "/certs/auditor.pem",
                "--trust", d + "/root.pem", "--out"]),
            ("crl.pem", ["ca", "crl", "--ca", ca, "--out"]),
        ]
        for (name, args) in commands {
            let out = try tmp.write(name, "precious\n")
            let refused = try chiptrail(args + [out])
            #expect(refused.status == 64, "\(args[0...1]): \(refused.stderr)")
            #expect(refused.stderr.contains("error[file-exists]") && refused.stderr.contains("--force"), "\(refused.stderr)")
            #expect(try String(contentsOfFile: out, encoding: .utf8) == "precious\n", "\(name) was changed")
            let forced = try chiptrail(args + [out, "--force"])
            #expect(forced.status == 0, "\(args[0...1]) --force: \(forced.stderr)")
            #expect(try String(contentsOfFile: out, encoding: .utf8) != "precious\n", "\(name) was not replaced")
        }
    }

    // MARK: --format json

    @Test func checkpointPrintsJSON() throws {
        let text = try chiptrail(["ledger", "checkpoint", Self.sample])
        let r = try chiptrail(["ledger", "checkpoint", Self.sample, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try Self.json(r.stdout)
        #expect(o["note"] as? String == text.stdout)
        #expect(o["origin"] as? String == "ledger.demo.chiptrail.example/h200-2026")
        let lines = text.stdout.split(separator: "\n")
        #expect(o["size"] as? Int == Int(lines[1]))
        #expect((o["root"] as? String).flatMap { Hex.decode($0) }.map { Base64.encode($0) } == String(lines[2]))
        let vkey = try Self.json(try chiptrail(["ledger", "checkpoint", Self.sample, "--vkey", "--format", "json"]).stdout)
        #expect(vkey["verifierKey"] as? String == (try chiptrail(["ledger", "checkpoint", Self.sample, "--vkey"])).stdout
            .trimmingCharacters(in: .newlines))
    }

    @Test func showListsRecordsAsJSON() throws {
        let r = try chiptrail(["ledger", "show", Self.sample, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let records = try #require(try Self.json(r.stdout)["records"] as? [[String: Any]])
        let lines = try String(contentsOfFile: Self.sample, encoding: .utf8).split(separator: "\n")
        #expect(records.count == lines.count)
        #expect(records.map { $0["seq"] as? Int } == Array(0..<lines.count))
        #expect(records[0]["type"] as? String == "genesis")
    }

    /// `--seq N` decodes a statement: its type, subject, predicate and the registered signer, in text and JSON.
    @Test func showSeqDecodesAStatement() throws {
        // Find a statement record of the sample and its envelope's keyid, with an independent reader.
        let lines = try String(contentsOfFile: Self.sample, encoding: .utf8).split(separator: "\n")
        let (seq, record) = try #require(
            lines.enumerated().lazy.compactMap { i, l -> (Int, [String: Any])? in
                guard let o = try? Self.json(String(l)), o["type"] as? String == "statement" else { return nil }
                return (i, o)
            }.first)
        let env = try #require(record["envelope"] as? [String: Any])
        let payloadText = try #require(env["payload"] as? String)
        let payload = try #require(Data(base64Encoded: payloadText))
        let statement = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        let keyid = try #require((env["signatures"] as? [[String: Any]])?.first?["keyid"] as? String)

        let r = try chiptrail(["ledger", "show", Self.sample, "--seq", String(seq), "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try Self.json(r.stdout)
        #expect(o["seq"] as? Int == seq && o["type"] as? String == "statement")
        let decoded = try #require(o["statement"] as? [String: Any])
        #expect(decoded["predicateType"] as? String == statement["predicateType"] as? String)
        #expect(decoded["type"] as? String == "https://in-toto.io/Statement/v1")
        let subject = try #require((decoded["subject"] as? [[String: Any]])?.first)
        #expect(subject["name"] as? String == (statement["subject"] as? [[String: Any]])?.first?["name"] as? String)
        #expect(NSDictionary(dictionary: decoded["predicate"] as? [String: Any] ?? [:])
            .isEqual(to: statement["predicate"] as? [String: Any] ?? ["missing": true]))
        let sig = try #require((o["signatures"] as? [[String: Any]])?.first)
        #expect(sig["keyid"] as? String == keyid)
        let signer = try #require(sig["signer"] as? [String: Any], "the signer's certificate is registered in the sample")
        #expect(signer["fingerprint"] as? String == keyid)
        #expect((signer["registeredAt"] as? Int).map { $0 < seq } == true)
        #expect(!r.stdout.contains(payloadText), "the envelope's base64 is decoded, not printed")

        let text = try chiptrail(["ledger", "show", Self.sample, "--seq", String(seq)])
        #expect(text.status == 0)
        #expect(text.stdout.contains("statement.predicateType  \(statement["predicateType"] as! String)\n"))
        #expect(text.stdout.contains("signatures[0].signer.subject  \(signer["subject"] as! String)\n"))
        #expect(text.stdout.contains("decoded, not verified"))
    }

    @Test func verifySinceSaysTheConsistencyCheckPassed() throws {
        let tmp = TempDir()
        let old = try tmp.write("old.checkpoint", try chiptrail(["ledger", "checkpoint", Self.sample]).stdout)
        let size = try #require(Int(try String(contentsOfFile: old, encoding: .utf8).split(separator: "\n")[1]))
        let text = try chiptrail(["ledger", "verify", Self.sample, "--trust", Self.root, "--since", old])
        #expect(text.stdout.contains("since      consistent: extends the saved checkpoint of size \(size) (root "), "\(text.stdout)")
        let json = try Self.json(try chiptrail(["ledger", "verify", Self.sample, "--trust", Self.root, "--since", old, "--format", "json"]).stdout)
        let since = try #require(json["since"] as? [String: Any])
        #expect(since["consistent"] as? Bool == true && since["size"] as? Int == size)
        // Without --since there is no such claim.
        #expect(try Self.json(try chiptrail(["ledger", "verify", Self.sample, "--trust", Self.root, "--format", "json"]).stdout)["since"] == nil)
    }

    // MARK: argument values

    @Test func helpListsArgumentValuesAndUnknownValuesAreRefusedByName() throws {
        let values: [([String], String)] = [
            (["key", "generate"], "(values: ed25519, p256, p384, rsa3072; default: ed25519)"),
            (["ca", "init"], "(values: ed25519, p256, p384, rsa3072)"),
            (["ca", "issue"], "(values: regulator, exporter, lab, customs, operator, auditor)"),
            (["csr"], "(values: regulator, exporter, lab, customs, operator, auditor)"),
            (["attest"], "(values: export-license, supply-sufficiency, lab-test, customs-decision, retraction)"),
            (["schema"], "(values: manifest, export-license, supply-sufficiency, lab-test, customs-decision, retraction)"),
            (["ledger", "verify"], "(values: text, json; default: text)"),
        ]
        for (command, listed) in values {
            let help = try chiptrail(command + ["--help"], environment: ["COLUMNS": "200"])
            #expect(help.stdout.contains(listed), "\(command.joined(separator: " ")) --help does not list \(listed)")
        }
        let tmp = TempDir()
        let bad = try chiptrail(["key", "generate", "--alg", "dsa", "--out", tmp.file("k"), "--no-encrypt"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("'dsa'") && bad.stderr.contains("ed25519"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tmp.file("k")))
        // Aliases KeyAlgorithm accepts still work.
        #expect(try chiptrail(["key", "generate", "--alg", "P-256", "--out", tmp.file("p"), "--no-encrypt"]).status == 0)
        #expect(try chiptrail(["csr", "--key", tmp.file("p"), "--subject", "CN=X", "--role", "wizard", "--out", tmp.file("x.csr")])
            .status == 64)
    }

    // MARK: ca revoke --serial

    @Test func revokeBySerial() throws {
        let tmp = TempDir()
        let ca = tmp.file("ca")
        #expect(try chiptrail(["ca", "init", "--dir", ca, "--subject", "CN=Serial CA,O=Test,C=US", "--no-encrypt"]).status == 0)
        let key = tmp.file("lab.key")
        #expect(try chiptrail(["key", "generate", "--out", key, "--public", tmp.file("lab.pub"), "--no-encrypt"]).status == 0)
        let issued = try chiptrail(["ca", "issue", "--ca", ca, "--public", tmp.file("lab.pub"), "--subject", "CN=Lab,O=Test,C=US",
            "--role", "lab", "--out", tmp.file("lab.pem")])
        #expect(issued.status == 0, "\(issued.stderr)")
        let cert = try #require(try Certificate.load(file: tmp.file("lab.pem")).first)
        // As `openssl x509 -serial` prints it: uppercase, with a leading zero byte when the top bit is set.
        let typed = "00:" + stride(from: 0, to: cert.serialHex.count, by: 2).map {
            let i = cert.serialHex.index(cert.serialHex.startIndex, offsetBy: $0)
            return String(cert.serialHex[i..<cert.serialHex.index(i, offsetBy: 2)]).uppercased()
        }.joined(separator: ":")
        let r = try chiptrail(["ca", "revoke", "--ca", ca, "--serial", typed, "--reason", "keyCompromise"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("revoked CN=Lab,O=Test,C=US serial \(cert.serialHex) (keyCompromise)"), "\(r.stdout)")
        let crl = try opensslOK(["crl", "-in", ca + "/crl.pem", "-noout", "-text"])
        #expect(crl.uppercased().contains(cert.serialHex.uppercased()), "\(crl)")
        #expect(crl.contains("Key Compromise"))

        let again = try chiptrail(["ca", "revoke", "--ca", ca, "--serial", cert.serialHex])
        #expect(again.status == 64 && again.stderr.contains("error[already-revoked]"), "\(again.stderr)")
        let unknown = try chiptrail(["ca", "revoke", "--ca", ca, "--serial", "0badc0de"])
        #expect(unknown.status == 64 && unknown.stderr.contains("error[not-issued-by-ca]"), "\(unknown.stderr)")
        let junk = try chiptrail(["ca", "revoke", "--ca", ca, "--serial", "not-hex"])
        #expect(junk.status == 64 && junk.stderr.contains("error[invalid-serial]"), "\(junk.stderr)")
        let both = try chiptrail(["ca", "revoke", "--ca", ca, "--serial", cert.serialHex, "--cert", tmp.file("lab.pem")])
        #expect(both.status == 64 && both.stderr.contains("exactly one of --cert and --serial"), "\(both.stderr)")
    }
}
