import Foundation
import Testing
import TrailCrypto
import TrailTestSupport

/// A SoftHSM2 token of its own (its own SOFTHSM2_CONF and token directory in a temporary directory), with keys
/// made by OpenSC's `pkcs11-tool`, the way an operator would make them in a real HSM.
///
/// The packages (softhsm2, opensc, libengine-pkcs11-openssl) are installed by `.ci/run`; a machine without them
/// fails these tests rather than skipping them.
final class SoftHSMToken: @unchecked Sendable {
    static let pin = "424242"
    static let soPin = "13579135"
    let dir = TempDir()
    let label: String
    let module: String
    let conf: String

    static let modulePath: String? = [
        "/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so",
    ].first { FileManager.default.fileExists(atPath: $0) }

    init(label: String = "chiptrail-test") throws {
        self.label = label
        guard let m = Self.modulePath else {
            throw TokenError(
                "SoftHSM2 is not installed (apt-get install softhsm2 opensc libengine-pkcs11-openssl; .ci/run does)")
        }
        module = m
        try FileManager.default.createDirectory(atPath: dir.file("tokens"), withIntermediateDirectories: true)
        conf = try dir.write(
            "softhsm2.conf",
            "directories.tokendir = \(dir.file("tokens"))\nobjectstore.backend = file\nlog.level = ERROR\n")
        try run(
            "/usr/bin/softhsm2-util",
            ["--init-token", "--free", "--label", label, "--pin", Self.pin, "--so-pin", Self.soPin])
    }

    /// The environment every process that touches this token gets.
    var environment: [String: String] { ["SOFTHSM2_CONF": conf, "CHIPTRAIL_PKCS11_MODULE": module] }

    /// Same, with the PIN in CHIPTRAIL_PKCS11_PIN.
    var environmentWithPIN: [String: String] { environment.merging(["CHIPTRAIL_PKCS11_PIN": Self.pin]) { $1 } }

    /// A key pair made in the token by `pkcs11-tool --keypairgen` (key type as pkcs11-tool spells it).
    func generate(_ keyType: String, label object: String, id: String) throws {
        try run(
            "/usr/bin/pkcs11-tool",
            [
                "--module", module, "--token-label", label, "--login", "--pin", Self.pin, "--keypairgen",
                "--key-type", keyType, "--label", object, "--id", id, "--usage-sign",
            ])
    }

    func uri(_ object: String) -> String { "pkcs11:token=\(label);object=\(object);type=private" }

    @discardableResult
    func run(_ tool: String, _ args: [String]) throws -> ProcessResult {
        let r = try runProcess(tool, args, environment: ["SOFTHSM2_CONF": conf])
        guard r.status == 0 else { throw TokenError("\(tool) \(args.first ?? ""): \(r.status) \(r.stdout)\(r.stderr)") }
        return r
    }

    func chiptrail(_ args: [String], pin: Bool = true, cwd: String? = nil) throws -> ProcessResult {
        try TrailTestSupport.chiptrail(args, environment: pin ? environmentWithPIN : environment, cwd: cwd)
    }
}

struct TokenError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

@Suite struct PKCS11Tests {
    static let manifest = """
        {"shipmentId":"SHP-0001","exporter":"NVIDIA Export LLC","license":"BIS-H200-2026-0001","consignee":"Shanghai Compute Co",
         "endUser":"Shanghai Compute Co","destination":"CN","product":"NVIDIA H200 SXM 141GB","eccn":"3A090.a","hsCode":"8473.30",
         "quantity":2,"serials":["H200-0001","H200-0002"],"declared":{"tpp":15832,"dramBandwidthGBps":4800,"memoryGB":141}}
        """
    static let labTest = """
        {"lab":"Qualified Semiconductor Test Lab Inc","accreditation":"ISO/IEC 17025 #5127.01","reportId":"QSTL-0001",
         "method":"Dense FP8 TPP; HBM bandwidth","sampling":"all","unitsTested":["H200-0001","H200-0002"],
         "measured":{"tpp":15832,"dramBandwidthGBps":4800,"memoryGB":141},"result":"pass","testedAt":"2026-03-02T15:00:00Z",
         "location":"San Jose, CA"}
        """

    /// The whole path with keys that never leave the token: a P-256 root and an RSA-PSS issuing CA in the token,
    /// a P-384 lab key in the token; openssl accepts the lab certificate; the lab signs a test; the ledger takes
    /// it and verifies; revocation and CRLs are signed by the token.
    @Test func caAndLabKeysStayInTheToken() throws {
        let t = try SoftHSMToken()
        try t.generate("EC:prime256v1", label: "root", id: "01")
        try t.generate("rsa:3072", label: "issuing", id: "02")
        try t.generate("EC:secp384r1", label: "lab", id: "03")
        try t.generate("EC:prime256v1", label: "lab-reviewer", id: "04")
        let w = t.dir.path
        func ct(_ args: [String]) throws -> ProcessResult { try t.chiptrail(args, cwd: w) }

        var r = try ct([
            "ca", "init", "--dir", "root", "--subject", "CN=HSM Root,O=Agency,C=US", "--key", t.uri("root"),
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("key stays in the token: \(t.uri("root"))"))
        r = try ct([
            "ca", "init", "--dir", "issuing", "--parent", "root", "--subject", "CN=HSM Issuing,O=Agency,C=US",
            "--key", t.uri("issuing"),
        ])
        #expect(r.status == 0, "\(r.stderr)")
        for ca in ["root", "issuing"] {
            #expect(!FileManager.default.fileExists(atPath: "\(w)/\(ca)/key.pem"), "\(ca) must hold no key.pem")
            #expect(try String(contentsOfFile: "\(w)/\(ca)/key.uri", encoding: .utf8) == t.uri(ca) + "\n")
        }
        // The root's certificate carries the token key: the public key pkcs11-tool reads from the token.
        try t.run(
            "/usr/bin/pkcs11-tool",
            [
                "--module", t.module, "--token-label", t.label, "--read-object", "--type",
                "pubkey", "--label", "root", "--output-file", t.dir.file("root.pub.der"),
            ])
        let tokenPub = try PublicKey(spkiDER: try t.dir.read("root.pub.der"))
        #expect(try Certificate.load(file: "\(w)/root/cert.pem")[0].publicKey.spkiDER == tokenPub.spkiDER)
        r = try ct(["key", "public", t.uri("root")])
        #expect(r.status == 0 && r.stdout == tokenPub.pem + "keyid \(tokenPub.keyID)\n", "\(r.stderr)")

        r = try ct([
            "csr", "--key", t.uri("lab"), "--subject", "CN=Lab Signer,O=Test Lab,C=US", "--role", "lab", "--out",
            "lab.csr",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        r = try ct(["ca", "issue", "--ca", "issuing", "--csr", "lab.csr", "--out", "lab.pem"])
        #expect(r.status == 0, "\(r.stderr)")
        let ok = try openssl([
            "verify", "-x509_strict", "-CAfile", "\(w)/root/cert.pem", "-untrusted", "\(w)/issuing/cert.pem",
            "\(w)/lab.pem",
        ])
        #expect(ok.status == 0 && ok.stdout == "\(w)/lab.pem: OK\n", "\(ok.stdout)\(ok.stderr)")
        let issuing = try Certificate.load(file: "\(w)/issuing/cert.pem")[0]
        let text = try openssl(["x509", "-in", "\(w)/lab.pem", "-noout", "-text"]).stdout
        #expect(text.contains("rsassaPss") && text.contains("Salt Length: 0x20"))
        #expect(try issuing.publicKey.algorithm == .rsa(bits: 3072))

        // The lab signs a test with its token key; the operator (PEM Ed25519 key) records it; the ledger verifies.
        _ = try t.dir.write("manifest.json", Self.manifest)
        _ = try t.dir.write("lab-test.json", Self.labTest)
        r = try ct(["key", "generate", "--out", "operator.key", "--no-encrypt"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try ct([
            "csr", "--key", "operator.key", "--subject", "CN=Operator,O=Ledger Office,C=US", "--role", "operator",
            "--out", "operator.csr",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        r = try ct(["ca", "issue", "--ca", "issuing", "--csr", "operator.csr", "--out", "operator.pem"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try ct([
            "attest", "lab-test", "--manifest", "manifest.json", "--predicate", "lab-test.json", "--key", t.uri("lab"),
            "--cert", "lab.pem", "--out", "lab.dsse.json",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        r = try ct([
            "envelope", "verify", "lab.dsse.json", "--cert", "lab.pem", "--chain", "issuing/cert.pem", "--trust",
            "root/cert.pem",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        // A second lab signer co-signs the same envelope with its own token key.
        r = try ct([
            "csr", "--key", t.uri("lab-reviewer"), "--subject", "CN=Lab Reviewer,O=Test Lab,C=US", "--role", "lab",
            "--out", "reviewer.csr",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        r = try ct(["ca", "issue", "--ca", "issuing", "--csr", "reviewer.csr", "--out", "reviewer.pem"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try ct([
            "attest", "--add-signature", "lab.dsse.json", "--key", t.uri("lab-reviewer"), "--cert", "reviewer.pem",
            "--out", "lab.dsse.json",
        ])
        #expect(r.status == 0 && r.stdout.hasSuffix("2 signature(s)\n"), "\(r.stdout)\(r.stderr)")
        r = try ct([
            "ledger", "init", "ledger.jsonl", "--origin", "hsm.example/test", "--operator-key", "operator.key",
            "--operator-cert", "operator.pem", "--chain", "issuing/cert.pem", "--trust", "root/cert.pem",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        r = try ct([
            "ledger", "append", "ledger.jsonl", "--operator-key", "operator.key", "--cert", "lab.pem", "--cert",
            "reviewer.pem", "--chain", "issuing/cert.pem", "lab.dsse.json",
        ])
        #expect(r.status == 0 && r.stdout.hasPrefix("appended seq 2…5"), "\(r.stdout)\(r.stderr)")
        r = try ct(["ledger", "verify", "ledger.jsonl", "--trust", "root/cert.pem"])
        #expect(r.status == 0 && r.stdout.contains("integrity  ok"), "\(r.stdout)\(r.stderr)")

        // Revocation and CRLs are signed in the token; openssl sees the revocation under the token CA.
        r = try ct(["ca", "revoke", "--ca", "issuing", "--cert", "lab.pem", "--reason", "keyCompromise"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try ct(["ca", "crl", "--ca", "root", "--out", "root.crl"])
        #expect(r.status == 0 && r.stdout.hasPrefix("CRL #2 with 0 revoked"), "\(r.stdout)\(r.stderr)")
        let revoked = try openssl([
            "verify", "-crl_check", "-CRLfile", "\(w)/issuing/crl.pem", "-CAfile", "\(w)/root/cert.pem",
            "-untrusted", "\(w)/issuing/cert.pem", "\(w)/lab.pem",
        ])
        #expect(
            revoked.status != 0 && (revoked.stdout + revoked.stderr).contains("certificate revoked"),
            "\(revoked.stdout)")
        let crlOK = try openssl(["crl", "-in", "\(w)/root.crl", "-CAfile", "\(w)/root/cert.pem", "-noout"])
        #expect(crlOK.status == 0 && crlOK.stderr.contains("verify OK"), "\(crlOK.stderr)")
        r = try ct(["ca", "issue", "--ca", "issuing", "--csr", "lab.csr", "--out", "lab2.pem"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try ct(["ledger", "append", "ledger.jsonl", "--operator-key", "operator.key", "--crl", "issuing/crl.pem"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try ct(["ledger", "verify", "ledger.jsonl", "--trust", "root/cert.pem"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    }

    /// The token says its key is sensitive and not extractable, and a CA on it writes only the URI.
    @Test func tokenKeyIsNotExtractable() throws {
        let t = try SoftHSMToken()
        try t.generate("EC:prime256v1", label: "signer", id: "01")
        let list = try t.run(
            "/usr/bin/pkcs11-tool",
            [
                "--module", t.module, "--token-label", t.label, "--login", "--pin",
                SoftHSMToken.pin, "--list-objects", "--type", "privkey",
            ]
        ).stdout
        #expect(list.contains("label:      signer"), "\(list)")
        // pkcs11-tool lists CKA_SENSITIVE, CKA_ALWAYS_SENSITIVE, CKA_EXTRACTABLE ("extractable"),
        // CKA_NEVER_EXTRACTABLE and CKA_LOCAL: this key is sensitive and CKA_EXTRACTABLE is false.
        #expect(list.contains("Access:     sensitive, always sensitive, never extractable, local\n"), "\(list)")
        // A CA made on the token writes the URI, never key material.
        let r = try t.chiptrail([
            "ca", "init", "--dir", t.dir.file("ca"), "--subject", "CN=Token CA,C=US", "--key", t.uri("signer"),
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: t.dir.file("ca")).sorted()
        #expect(files == [".lock", "cert.pem", "chain.pem", "crl.pem", "index.json", "key.uri"])
        for f in files where f != ".lock" {
            #expect(!(try String(contentsOfFile: t.dir.file("ca/" + f), encoding: .utf8)).contains("PRIVATE KEY"))
        }
    }

    /// A wrong PIN exits 77 and names the URI; neither PIN appears in any output; the CA is unchanged.
    @Test func wrongPINIsAPermissionError() throws {
        let t = try SoftHSMToken()
        try t.generate("EC:prime256v1", label: "ca", id: "01")
        let ca = t.dir.file("ca")
        var r = try t.chiptrail(["ca", "init", "--dir", ca, "--subject", "CN=Token CA,C=US", "--key", t.uri("ca")])
        #expect(r.status == 0, "\(r.stderr)")
        let index = try t.dir.read("ca/index.json")
        let crl = try t.dir.read("ca/crl.pem")
        let wrong = try t.dir.write("wrong.pin", "99887766\n")
        let pub = try t.dir.write("pub.pem", try PrivateKey.generate(.p256).publicKey.pem)
        r = try t.chiptrail(
            [
                "ca", "issue", "--ca", ca, "--public", pub, "--subject", "CN=Lab,C=US", "--role", "lab",
                "--out", t.dir.file("lab.pem"), "--pin-file", wrong,
            ], pin: false)
        #expect(r.status == 77, "\(r.stdout)\(r.stderr)")
        #expect(
            r.stderr.hasPrefix("chiptrail: error[pkcs11-wrong-pin]: the token refused the PIN for \(t.uri("ca"))"),
            "\(r.stderr)")
        for secret in ["99887766", SoftHSMToken.pin] {
            #expect(!r.stderr.contains(secret) && !r.stdout.contains(secret))
        }
        #expect(!FileManager.default.fileExists(atPath: t.dir.file("lab.pem")))
        #expect(try t.dir.read("ca/index.json") == index && t.dir.read("ca/crl.pem") == crl)
        // The same in JSON, and through CHIPTRAIL_PKCS11_PIN.
        r = try TrailTestSupport.chiptrail(
            ["key", "public", t.uri("ca"), "--format", "json"],
            environment: t.environment.merging(["CHIPTRAIL_PKCS11_PIN": "11112222"]) { $1 })
        #expect(
            r.status == 77 && r.stderr.contains("\"code\":\"pkcs11-wrong-pin\"") && !r.stderr.contains("11112222"),
            "\(r.stderr)")
        // No PIN and no terminal: a usage error, not a prompt that hangs.
        r = try t.chiptrail(["key", "public", t.uri("ca")], pin: false)
        #expect(r.status == 64 && r.stderr.hasPrefix("chiptrail: error[pkcs11-pin-required]"), "\(r.stderr)")
    }

    /// A missing token and a missing key exit 65 with different codes; a bad URI or module is named clearly,
    /// and no failed load crashes the process (the openssl CLI segfaults at exit here, openssl issue 22508).
    @Test func missingTokenObjectAndModule() throws {
        let t = try SoftHSMToken()
        try t.generate("EC:prime256v1", label: "signer", id: "01")
        var r = try t.chiptrail(["key", "public", "pkcs11:token=no-such-token;object=signer"])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(
            r.stderr.hasPrefix(
                "chiptrail: error[pkcs11-token-not-found]: no token the module \(t.module) offers matches pkcs11:token=no-such-token;object=signer"
            ), "\(r.stderr)")
        r = try t.chiptrail([
            "csr", "--key", "pkcs11:token=\(t.label);object=no-such-key", "--subject", "CN=X,C=US",
            "--role", "lab", "--out", t.dir.file("x.csr"),
        ])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(
            r.stderr.hasPrefix(
                "chiptrail: error[pkcs11-object-not-found]: token \"\(t.label)\" holds no private key matching"),
            "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: t.dir.file("x.csr")))
        // The key by id works as well as by label.
        r = try t.chiptrail(["key", "public", "pkcs11:token=\(t.label);id=%01"])
        #expect(r.status == 0, "\(r.stderr)")

        r = try t.chiptrail(["key", "public", "pkcs11:token=\(t.label)"])
        #expect(r.status == 64 && r.stderr.hasPrefix("chiptrail: error[pkcs11-uri-no-object]"), "\(r.stderr)")
        r = try t.chiptrail(["key", "public", "pkcs11:token=\(t.label);object=signer?pin-value=\(SoftHSMToken.pin)"])
        #expect(r.status == 64 && r.stderr.hasPrefix("chiptrail: error[pkcs11-pin-in-uri]"), "\(r.stderr)")
        #expect(!r.stderr.contains(SoftHSMToken.pin))
        r = try t.chiptrail([
            "key", "public", "pkcs11:token=\(t.label);object=signer", "--pkcs11-module", t.dir.file("none.so"),
        ])
        #expect(r.status == 74 && r.stderr.contains("error[pkcs11-module-not-found]"), "\(r.stderr)")
        // A file that is not a module (libp11 itself prints the loader's complaint before chiptrail's error).
        r = try t.chiptrail(["key", "public", t.uri("signer"), "--pkcs11-module", t.conf])
        #expect(r.status == 74 && r.stderr.contains("chiptrail: \(t.conf): error[pkcs11-module-unavailable]"), "\(r.stderr)")
        r = try TrailTestSupport.chiptrail(
            ["key", "public", t.uri("signer")],
            environment: [
                "SOFTHSM2_CONF": t.conf,
                "CHIPTRAIL_PKCS11_MODULE": "", "CHIPTRAIL_PKCS11_PIN": SoftHSMToken.pin,
            ])
        #expect(r.status == 64 && r.stderr.hasPrefix("chiptrail: error[pkcs11-module-required]"), "\(r.stderr)")
        // The URI's module-path is the last resort.
        r = try TrailTestSupport.chiptrail(
            ["key", "public", t.uri("signer") + "?module-path=\(t.module)"],
            environment: [
                "SOFTHSM2_CONF": t.conf, "CHIPTRAIL_PKCS11_MODULE": "", "CHIPTRAIL_PKCS11_PIN": SoftHSMToken.pin,
            ])
        #expect(r.status == 0, "\(r.stderr)")
        r = try t.chiptrail(["ca", "init", "--dir", t.dir.file("ca"), "--subject", "CN=X,C=US", "--key", "ca.key"])
        #expect(r.status == 64 && r.stderr.hasPrefix("chiptrail: error[ca-key-not-a-uri]"), "\(r.stderr)")
    }

    /// Checkpoint and witness keys are Ed25519, which Debian 12's engine cannot use from a token: chiptrail
    /// says so (and refuses a token key of another algorithm for them), while statements signed with an
    /// ECDSA token key work. Key generation in the token is pkcs11-tool's job; chiptrail prints the command.
    @Test func ed25519NoteKeysStayInPEM() throws {
        let ed = try SoftHSMToken(label: "ed-token")
        try ed.generate("EC:edwards25519", label: "operator", id: "0a")
        let f = try CLILedgerFixture()
        var r = try ed.chiptrail(["ledger", "append", f.ledger, "--operator-key", ed.uri("operator"), "--cert", f.root])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(
            r.stderr.hasPrefix(
                "chiptrail: error[pkcs11-ed25519-unsupported]: the operator's checkpoint key must be Ed25519"),
            "\(r.stderr)")
        #expect(r.stderr.contains("libp11 before 0.4.17"))

        let ec = try SoftHSMToken(label: "ec-token")
        try ec.generate("EC:prime256v1", label: "witness", id: "0b")
        r = try ec.chiptrail([
            "ledger", "cosign", f.ledger, "--key", ec.uri("witness"), "--cert", f.root, "--trust", f.root,
            "--out", f.dir.file("cosigned.txt"),
        ])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(
            r.stderr.hasPrefix(
                "chiptrail: error[pkcs11-key-not-ed25519]: the key at \(ec.uri("witness")) is ECDSA P-256, but a witness cosignature key must be Ed25519"
            ), "\(r.stderr)")

        r = try ec.chiptrail(["key", "generate", "--alg", "p384", "--out", "pkcs11:token=ec-token;object=new-key"])
        #expect(r.status == 64 && r.stderr.hasPrefix("chiptrail: error[pkcs11-keygen-external]"), "\(r.stderr)")
        #expect(r.stderr.contains("--key-type EC:secp384r1 --label 'new-key'"), "\(r.stderr)")
        r = try ec.chiptrail(["key", "generate", "--alg", "ed25519", "--out", "pkcs11:token=ec-token;object=new-key"])
        #expect(r.status == 64 && r.stderr.hasPrefix("chiptrail: error[pkcs11-ed25519-unsupported]"), "\(r.stderr)")
        // The command chiptrail prints makes a key chiptrail then uses.
        try ec.generate("EC:secp384r1", label: "new-key", id: "01")
        r = try ec.chiptrail(["key", "public", "pkcs11:token=ec-token;object=new-key", "--format", "json"])
        #expect(r.status == 0 && r.stdout.contains("\"algorithm\":\"p384\""), "\(r.stdout)\(r.stderr)")
    }
}

/// RFC 7512 URIs as chiptrail takes them, before any module is loaded.
@Suite struct PKCS11URITests {
    func code(_ text: String) -> String? {
        do {
            _ = try PKCS11URI(text)
            return nil
        } catch let e as TrailError {
            return e.code.rawValue
        } catch {
            return "\(error)"
        }
    }

    @Test func attributesArePercentDecoded() throws {
        let u = try PKCS11URI("PKCS11:token=Agency%20HSM;object=root%2Dca;id=%01%a2;type=private?module-path=/usr/lib/x%2Eso")
        #expect(u.token == "Agency HSM")
        #expect(u.attribute("object") == "root-ca")
        #expect(u.attribute("type") == "private")
        #expect(u.attribute("id") == "01a2")
        #expect(u.modulePath == "/usr/lib/x.so")
        #expect(u.attributes.map(\.name) == ["token", "object", "id", "type"])
        #expect(PKCS11URI.isURI("pkcs11:object=a") && PKCS11URI.isURI("Pkcs11:object=a") && !PKCS11URI.isURI("key.pem"))
        #expect(!PKCS11URI.isURI("pkcs11") && !PKCS11URI.isURI("./pkcs11:x"))
    }

    @Test func refusals() {
        #expect(code("pkcs11:token=a;object=b") == nil)
        #expect(code("pkcs11:id=%01") == nil)
        #expect(code("pkcs11:token=a") == "pkcs11-uri-no-object")
        #expect(code("pkcs11:") == "pkcs11-uri-no-object")
        #expect(code("pkcs11:token=a;object=b;type=public") == "pkcs11-uri-invalid")
        #expect(code("pkcs11:token=a;object=b;object=c") == "pkcs11-uri-invalid")
        #expect(code("pkcs11:token=a;colour=b;object=c") == "pkcs11-uri-invalid")
        #expect(code("pkcs11:token=a;object") == "pkcs11-uri-invalid")
        #expect(code("pkcs11:token=%zz;object=b") == "pkcs11-uri-invalid")
        #expect(code("pkcs11:token=%ff;object=b") == "pkcs11-uri-invalid")
        #expect(code("pkcs11:token=a;object=b?colour=red") == "pkcs11-uri-invalid")
        #expect(code("pkcs11:token=a;object=b;x-vendor=1?x-thing=2") == nil)
    }

    /// A PIN in the URI is refused before anything could repeat the URI, even when the URI is broken elsewhere.
    @Test func aPINInTheURIIsNeverRepeated() {
        for text in [
            "pkcs11:token=a;object=b?pin-value=31337", "pkcs11:token=%zz;object=b;pin-value=31337",
            "pkcs11:object=b?pin-source=file:/tmp/31337", "pkcs11:PIN-VALUE=31337;object=b",
        ] {
            do {
                _ = try PKCS11URI(text)
                Issue.record("accepted \(text)")
            } catch let e as TrailError {
                #expect(e.code == "pkcs11-pin-in-uri" && e.category == .usage)
                #expect(!e.description.contains("31337"), "\(e.description)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
