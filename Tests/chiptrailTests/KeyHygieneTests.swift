import Foundation
import Testing
import TrailCrypto
import TrailTestSupport

/// Key hygiene (README.md "Commands", THREAT-MODEL.md "Key hygiene"): keys are written encrypted and 0600, loose key
/// files are refused, and no command ever prints private key material or the passphrase.
@Suite struct KeyHygieneTests {
    static let passphrase = "Tr0ub4dor&3 hygiene-passphrase"

    func mode(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! Int
    }

    @Test func keyGenerateAndCAInitWriteEncryptedKeys0600() throws {
        let dir = TempDir()
        let pass = try dir.write("pass", Self.passphrase + "\n")
        // A wide umask must not widen the key file's mode; the test runs the CLI under the caller's umask,
        // so check both the default and --no-encrypt paths.
        for alg in ["ed25519", "p256", "p384"] {
            let out = dir.file("\(alg).key")
            let r = try chiptrail(["key", "generate", "--alg", alg, "--out", out, "--passphrase-file", pass])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try mode(out) == 0o600)
            let pem = try String(contentsOfFile: out, encoding: .utf8)
            #expect(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"), "\(alg) key is not encrypted")
            // openssl agrees it is PBES2 with AES-256 and opens it only with the passphrase.
            let info = try openssl(["asn1parse", "-in", out])
            #expect(info.stdout.contains("PBES2") && info.stdout.contains("aes-256-cbc"), "\(info.stdout)")
            #expect(try openssl(["pkey", "-in", out, "-passin", "pass:wrong", "-noout"]).status != 0)
            #expect(try openssl(["pkey", "-in", out, "-passin", "file:\(pass)", "-noout"]).status == 0)
        }
        // Encryption is the default: with no passphrase source and no terminal, generate refuses.
        let none = try chiptrail(
            ["key", "generate", "--out", dir.file("none.key")], environment: ["CHIPTRAIL_PASSPHRASE": ""])
        #expect(none.status == 64 && none.stderr.contains("passphrase-required"), "\(none.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("none.key")))
        // --no-encrypt is explicit, and still 0600.
        let plain = dir.file("plain.key")
        #expect(try chiptrail(["key", "generate", "--out", plain, "--no-encrypt"]).status == 0)
        #expect(try mode(plain) == 0o600)

        let ca = dir.file("ca")
        let r = try chiptrail([
            "ca", "init", "--dir", ca, "--subject", "CN=Hygiene Root,O=Hygiene,C=US", "--passphrase-file", pass,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try mode(ca + "/key.pem") == 0o600)
        #expect(
            try String(contentsOfFile: ca + "/key.pem", encoding: .utf8).hasPrefix(
                "-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        let noPass = try chiptrail(
            ["ca", "init", "--dir", dir.file("ca2"), "--subject", "CN=Hygiene Root 2,O=Hygiene,C=US"],
            environment: ["CHIPTRAIL_PASSPHRASE": ""])
        #expect(noPass.status == 64 && noPass.stderr.contains("passphrase-required"), "\(noPass.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("ca2") + "/key.pem"))
    }

    @Test(arguments: [0o640, 0o604, 0o644, 0o660, 0o606])
    func looseKeyFilesAreRefusedUnlessInsecureFlag(mode: Int) throws {
        let dir = TempDir()
        let pass = try dir.write("pass", Self.passphrase + "\n")
        let key = dir.file("k.key")
        #expect(try chiptrail(["key", "generate", "--out", key, "--passphrase-file", pass]).status == 0)
        let ca = dir.file("ca")
        #expect(
            try chiptrail(["ca", "init", "--dir", ca, "--subject", "CN=R,O=Hygiene,C=US", "--passphrase-file", pass])
                .status == 0)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: key)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: ca + "/key.pem")

        let refused: [[String]] = [
            ["key", "public", key, "--passphrase-file", pass],
            [
                "csr", "--key", key, "--subject", "CN=X,O=Y,C=US", "--role", "lab", "--out", dir.file("x.csr"),
                "--passphrase-file", pass,
            ],
            ["ca", "crl", "--ca", ca, "--out", dir.file("crl.pem"), "--passphrase-file", pass],
        ]
        for args in refused {
            let r = try chiptrail(args)
            #expect(r.status == 77, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("insecure-key-permissions"), "\(args): \(r.stderr)")
            #expect(r.stderr.contains("chmod 600"), "the error says what to do")
            let ok = try chiptrail(args + ["--insecure-key-permissions"])
            #expect(ok.status == 0, "\(args) --insecure-key-permissions: \(ok.stderr)")
        }
        // The operator key of a ledger append is checked the same way, before anything is read from it.
        let append = try chiptrail([
            "ledger", "append", dir.file("none.jsonl"), "--operator-key", key, "--passphrase-file", pass,
        ])
        #expect(append.status == 77 && append.stderr.contains("insecure-key-permissions"), "\(append.stderr)")
    }

    /// Runs many commands, including error paths, and greps every stdout and stderr for key material.
    @Test func noCommandPrintsPrivateKeyMaterialOrThePassphrase() throws {
        let dir = TempDir()
        let pass = try dir.write("pass", Self.passphrase + "\n")
        let wrong = try dir.write("wrong", "not the passphrase\n")
        var outputs: [(String, ProcessResult)] = []
        @discardableResult
        func run(_ args: [String], env: [String: String]? = nil, expect status: Int32? = 0) throws -> ProcessResult {
            let r = try chiptrail(args, environment: env)
            if let status { #expect(r.status == status, "\(args): \(r.stderr)") }
            outputs.append((args.joined(separator: " "), r))
            return r
        }
        let ca = dir.file("ca")
        try run(["ca", "init", "--dir", ca, "--subject", "CN=Hygiene Root,O=Hygiene,C=US", "--passphrase-file", pass])
        let root = ca + "/cert.pem"
        let op = dir.file("op.key")
        let ex = dir.file("ex.key")
        let plain = dir.file("plain.key")
        try run(["key", "generate", "--out", op, "--public", dir.file("op.pub"), "--passphrase-file", pass])
        try run(
            ["key", "generate", "--alg", "p256", "--out", ex, "--public", dir.file("ex.pub")],
            env: ["CHIPTRAIL_PASSPHRASE": Self.passphrase])
        try run(["key", "generate", "--out", plain, "--no-encrypt"])
        for k in [op, ex] {
            try run(["key", "public", k, "--passphrase-file", pass])
            try run(["key", "public", k, "--format", "json"], env: ["CHIPTRAIL_PASSPHRASE": Self.passphrase])
        }
        try run(["key", "public", plain, "--format", "json"])
        try run([
            "ca", "issue", "--ca", ca, "--role", "operator", "--subject", "CN=Op,O=Ledger Office,C=US",
            "--public", dir.file("op.pub"), "--out", dir.file("op.pem"), "--passphrase-file", pass,
        ])
        try run([
            "ca", "issue", "--ca", ca, "--role", "exporter", "--subject", "CN=Officer,O=Nvidia Export LLC,C=US",
            "--public", dir.file("ex.pub"), "--out", dir.file("ex.pem"), "--passphrase-file", pass,
        ])
        try run([
            "csr", "--key", ex, "--subject", "CN=Officer,O=Nvidia Export LLC,C=US", "--role", "exporter",
            "--out", dir.file("ex.csr"), "--passphrase-file", pass,
        ])
        let manifest = try dir.write("m.json", bytes: Samples.manifest())
        let predicate = try dir.write("p.json", Samples.supply().description)
        let env = dir.file("env.json")
        try run([
            "attest", "supply-sufficiency", "--manifest", manifest, "--predicate", predicate, "--key", ex,
            "--cert", dir.file("ex.pem"), "--out", env, "--passphrase-file", pass,
        ])
        try run(["envelope", "verify", env, "--cert", dir.file("ex.pem"), "--trust", root, "--format", "json"])
        let ledger = dir.file("ledger.jsonl")
        try run([
            "ledger", "init", ledger, "--origin", "hygiene.example/h200", "--operator-key", op,
            "--operator-cert", dir.file("op.pem"), "--trust", root, "--passphrase-file", pass,
        ])
        try run([
            "ledger", "append", ledger, "--operator-key", op, "--cert", dir.file("ex.pem"), "--format", "json",
            "--passphrase-file", pass,
        ])
        try run(["ledger", "append", ledger, env, "--operator-key", op, "--passphrase-file", pass])
        try run(["ledger", "verify", ledger, "--trust", root, "--format", "json"])
        try run(["ledger", "verify", ledger, "--trust", root])
        try run(["ledger", "show", ledger, "--format", "json"])
        try run(["ledger", "show", ledger, "--seq", "2"])
        try run(["ledger", "checkpoint", ledger])

        // Error paths: wrong passphrases, keys where other files belong, key files as ledgers and envelopes.
        try run(["key", "public", op, "--passphrase-file", wrong], expect: 77)
        try run(["key", "public", op, "--format", "json"], env: ["CHIPTRAIL_PASSPHRASE": "wrong"], expect: 77)
        try run(
            ["ledger", "append", ledger, env, "--operator-key", op, "--passphrase-file", wrong, "--format", "json"],
            expect: 77)
        try run(
            [
                "attest", "supply-sufficiency", "--manifest", manifest, "--predicate", predicate, "--key", ex,
                "--cert", dir.file("ex.pem"), "--out", dir.file("env2.json"), "--passphrase-file", wrong,
            ], expect: 77)
        try run(
            [
                "ca", "issue", "--ca", ca, "--role", "lab", "--subject", "CN=L,O=Lab,C=US", "--public",
                dir.file("ex.pub"),
                "--out", dir.file("lab.pem"), "--passphrase-file", wrong,
            ], expect: 77)
        try run(["ledger", "append", ledger, env, "--operator-key", ex, "--passphrase-file", pass], expect: nil)
        for keyFile in [plain, op, ca + "/key.pem"] {
            try run(["cert", "show", keyFile], expect: nil)
            try run(["cert", "verify", dir.file("ex.pem"), "--trust", keyFile], expect: nil)
            try run(
                ["envelope", "verify", keyFile, "--cert", dir.file("ex.pem"), "--trust", root, "--format", "json"],
                expect: nil)
            try run(["ledger", "verify", keyFile, "--trust", root, "--format", "json"], expect: nil)
            try run(["ledger", "verify", keyFile, "--trust", root], expect: nil)
            try run(["ledger", "show", keyFile], expect: nil)
            try run(
                [
                    "attest", "supply-sufficiency", "--manifest", keyFile, "--predicate", predicate, "--key", ex,
                    "--cert", dir.file("ex.pem"), "--out", dir.file("env3.json"), "--passphrase-file", pass,
                ], expect: nil)
            try run(
                [
                    "attest", "supply-sufficiency", "--manifest", manifest, "--predicate", keyFile, "--key", ex,
                    "--cert", dir.file("ex.pem"), "--out", dir.file("env4.json"), "--passphrase-file", pass,
                ], expect: nil)
            try run(
                ["ledger", "append", ledger, keyFile, "--operator-key", op, "--passphrase-file", pass], expect: nil)
            try run(
                ["ledger", "verify", ledger, "--trust", root, "--policy", keyFile, "--format", "json"], expect: nil)
        }
        try run(["ledger", "verify", ledger, "--trust", root, "--passphrase-file", pass], expect: 64)  // unknown option

        // What must never appear: PEM armour of a private key, the passphrase, and the raw key bytes in the
        // encodings a careless message would use.
        var forbidden = ["PRIVATE KEY", Self.passphrase]
        for keyFile in [op, ex, plain, ca + "/key.pem"] {
            let text = try String(contentsOfFile: keyFile, encoding: .utf8)
            let key = try PrivateKey(pem: text, passphrase: keyFile == plain ? nil : Array(Self.passphrase.utf8))
            let der = try pkcs8DER(key)
            let raw = rawPrivateKey(inPKCS8: der)
            #expect(raw.count == 32)
            forbidden.append(Hex.encode(raw))
            for shift in 0..<3 {
                // base64 of the raw bytes at each alignment inside a longer encoding (drop the edge characters).
                forbidden.append(String(Base64.encode(Array(raw.dropFirst(shift))).dropLast(4).dropFirst(4)))
            }
            // Every line of the file's own base64 body (encrypted or not) and of the plain PKCS#8 form.
            let bodies = [text, try key.pem(passphrase: nil)].flatMap { pem in
                pem.split(separator: "\n").filter { !$0.hasPrefix("-----") && $0.count >= 24 }.map(String.init)
            }
            forbidden += bodies
        }
        #expect(outputs.count > 50)
        for (command, r) in outputs {
            for f in forbidden {
                #expect(!r.stdout.contains(f), "stdout of `chiptrail \(command)` contains \(f.prefix(12))…")
                #expect(!r.stderr.contains(f), "stderr of `chiptrail \(command)` contains \(f.prefix(12))…")
            }
        }
    }

    /// The unencrypted PKCS#8 DER of `key`.
    func pkcs8DER(_ key: PrivateKey) throws -> [UInt8] {
        let body = try key.pem(passphrase: nil).split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return Base64.decodeStandard(body)!
    }

    /// The 32 private key bytes of an Ed25519 or P-256 PKCS#8 key: the first OCTET STRING of 32 bytes (04 20 …),
    /// which is the Ed25519 seed (RFC 8410) or the ECPrivateKey's privateKey (RFC 5915).
    func rawPrivateKey(inPKCS8 der: [UInt8]) -> [UInt8] {
        for i in 0..<(der.count - 33) where der[i] == 0x04 && der[i + 1] == 0x20 {
            return Array(der[(i + 2)..<(i + 34)])
        }
        return []
    }
}
