import Foundation
import Testing
import TrailCrypto
import TrailTestSupport

/// `chiptrail ca`, `csr` and `cert` end to end, and against PKIs made only with the openssl CLI.
@Suite struct CACLITests {
    func run(_ args: [String], _ env: [String: String]? = nil) throws -> ProcessResult {
        try chiptrail(args, environment: env)
    }

    @Test func endToEndIssueVerifyRevoke() throws {
        let dir = TempDir()
        let pass = try dir.write("pass", "ca secret\n")
        let root = dir.file("root")
        let inter = dir.file("inter")
        var r = try run(["ca", "init", "--dir", root, "--subject", "CN=Export Root,O=Agency,C=US", "--passphrase-file", pass])
        #expect(r.status == 0, "\(r.stderr)")
        r = try run(["ca", "init", "--dir", inter, "--subject", "CN=Labs CA,O=Agency,C=US", "--alg", "p256",
            "--parent", root, "--parent-passphrase-file", pass], ["CHIPTRAIL_PASSPHRASE": "inter secret"])
        #expect(r.status == 0, "\(r.stderr)")
        for name in ["cert.pem", "chain.pem", "key.pem", "crl.pem", "index.json"] {
            #expect(FileManager.default.fileExists(atPath: inter + "/" + name), "\(name)")
        }
        let keyMode = try FileManager.default.attributesOfItem(atPath: inter + "/key.pem")[.posixPermissions] as? Int
        #expect(keyMode == 0o600)
        #expect(try String(contentsOfFile: inter + "/key.pem", encoding: .utf8).contains("ENCRYPTED PRIVATE KEY"))
        #expect(try String(contentsOfFile: root + "/chain.pem", encoding: .utf8) == "")
        #expect(try Certificate.load(file: inter + "/chain.pem") == Certificate.load(file: root + "/cert.pem"))

        let key = dir.file("lab.key")
        #expect(try run(["key", "generate", "--out", key, "--no-encrypt"]).status == 0)
        let req = dir.file("lab.csr")
        r = try run(["csr", "--key", key, "--subject", "CN=Lab One,O=Acme Testing,C=US", "--role", "lab", "--out", req])
        #expect(r.status == 0, "\(r.stderr)")
        let cert = dir.file("lab.pem")
        let chain = dir.file("lab.chain.pem")
        r = try run(["ca", "issue", "--ca", inter, "--csr", req, "--out", cert, "--chain-out", chain, "--days", "90"],
            ["CHIPTRAIL_PASSPHRASE": "inter secret"])
        #expect(r.status == 0, "\(r.stderr)")
        let leaf = try Certificate.load(file: cert)[0]
        #expect(leaf.roles == [.lab] && leaf.subject.string == "CN=Lab One,O=Acme Testing,C=US")
        let index = try CAIndex(json: try dir.read("inter/index.json"))
        #expect(index.issued.map(\.serial) == [leaf.serialHex])

        // openssl agrees with the chain.
        let ok = try openssl(["verify", "-x509_strict", "-CAfile", root + "/cert.pem", "-untrusted", inter + "/cert.pem", cert])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")

        r = try run(["cert", "verify", cert, "--trust", root + "/cert.pem", "--chain", chain, "--role", "lab"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("OK CN=Lab One"))
        let crls = ["--crl", inter + "/crl.pem", "--crl", root + "/crl.pem"]
        r = try run(["cert", "verify", cert, "--trust", root + "/cert.pem", "--chain", chain] + crls)
        #expect(r.status == 0, "\(r.stderr)")

        r = try run(["ca", "revoke", "--ca", inter, "--cert", cert, "--reason", "keyCompromise"],
            ["CHIPTRAIL_PASSPHRASE": "inter secret"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try run(["cert", "verify", cert, "--trust", root + "/cert.pem", "--chain", chain] + crls)
        #expect(r.status == 1)
        #expect(r.stderr.contains("error[cert-revoked]"), "\(r.stderr)")
        let crl = try CRL(pem: String(contentsOfFile: inter + "/crl.pem", encoding: .utf8))
        #expect(crl.crlNumber == 2)
        #expect(crl.entry(serialHex: leaf.serialHex)?.reason == .keyCompromise)
        let refused = try openssl(["verify", "-crl_check", "-CAfile", root + "/cert.pem", "-untrusted", inter + "/cert.pem",
            "-CRLfile", inter + "/crl.pem", cert])
        #expect(refused.status != 0)
        #expect((refused.stdout + refused.stderr).contains("certificate revoked"))

        // Revoking twice is refused; a new CRL is numbered on.
        r = try run(["ca", "revoke", "--ca", inter, "--cert", cert], ["CHIPTRAIL_PASSPHRASE": "inter secret"])
        #expect(r.status == 64 && r.stderr.contains("already-revoked"))
        r = try run(["ca", "crl", "--ca", inter, "--out", dir.file("crl3.pem"), "--days", "7"],
            ["CHIPTRAIL_PASSPHRASE": "inter secret"])
        #expect(r.status == 0, "\(r.stderr)")
        let crl3 = try CRL(pem: String(contentsOfFile: dir.file("crl3.pem"), encoding: .utf8))
        #expect(crl3.crlNumber == 3 && crl3.entries.count == 1)
        #expect(abs(crl3.nextUpdate!.timeIntervalSince(crl3.thisUpdate) - 7 * 86400) < 1)
    }

    @Test func issueFromPublicKeyWithRolesAndTimes() throws {
        let dir = TempDir()
        let root = dir.file("root")
        #expect(try run(["ca", "init", "--dir", root, "--subject", "CN=Root,O=Agency,C=US", "--alg", "rsa3072",
            "--no-encrypt"]).status == 0)
        let pub = dir.file("k.pub")
        #expect(try run(["key", "generate", "--alg", "p384", "--out", dir.file("k.pem"), "--public", pub,
            "--no-encrypt"]).status == 0)
        let cert = dir.file("c.pem")
        let rootStart = try Certificate.load(file: root + "/cert.pem")[0].notBefore
        let start = Date(timeIntervalSince1970: (rootStart.timeIntervalSince1970 / 86400).rounded(.up) * 86400 + 86400)
        func t(_ days: Double) -> String { CertificateTime.format(start.addingTimeInterval(days * 86400)) }
        var r = try run(["ca", "issue", "--ca", root, "--public", pub, "--subject", "CN=Customs,O=GACC,C=CN",
            "--role", "customs", "--role", "auditor", "--not-before", t(0), "--days", "10", "--out", cert])
        #expect(r.status == 0, "\(r.stderr)")
        let c = try Certificate.load(file: cert)[0]
        #expect(c.roles == [.customs, .auditor])
        #expect(c.notBefore == start)
        #expect(c.notAfter == start.addingTimeInterval(10 * 86400))
        #expect(c.signatureAlgorithmName == "rsassaPss")
        let trust = ["--trust", root + "/cert.pem"]
        r = try run(["cert", "verify", cert] + trust + ["--at", t(4), "--role", "customs"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try run(["cert", "verify", cert] + trust + ["--at", t(30), "--role", "lab", "--format", "json"])
        #expect(r.status == 1)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let codes = (json["errors"] as! [[String: Any]]).map { $0["code"] as! String }
        #expect(codes == ["cert-expired", "role-not-permitted"])
        #expect(json["valid"] as? Bool == false)

        r = try run(["cert", "show", cert, "--format", "json"])
        #expect(r.status == 0)
        let show = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(show["roles"] as? [String] == ["customs", "auditor"])
        #expect(show["keyAlgorithm"] as? String == "p384")
        #expect(show["fingerprint"] as? String == c.fingerprint)
        #expect(show["isCA"] as? Bool == false)
        #expect(show["keyID"] as? String == (try c.publicKey.keyID))

        // A sub-CA with --ca-role, then a leaf under it.
        let subPub = dir.file("sub.pub")
        #expect(try run(["key", "generate", "--out", dir.file("sub.pem"), "--public", subPub, "--no-encrypt"]).status == 0)
        r = try run(["ca", "issue", "--ca", root, "--public", subPub, "--subject", "CN=Sub,O=Agency,C=US", "--ca-role",
            "--out", dir.file("sub.crt")])
        #expect(r.status == 0, "\(r.stderr)")
        let sub = try Certificate.load(file: dir.file("sub.crt"))[0]
        #expect(sub.isCA && sub.pathLength == 0)
        r = try run(["cert", "show", dir.file("sub.crt")])
        #expect(r.stdout.contains("CA:         yes (pathLen 0)"))
    }

    @Test func usageErrors() throws {
        let dir = TempDir()
        let root = dir.file("root")
        #expect(try run(["ca", "init", "--dir", root, "--subject", "CN=Root,C=US", "--no-encrypt"]).status == 0)
        var r = try run(["ca", "init", "--dir", root, "--subject", "CN=Root,C=US", "--no-encrypt"])
        #expect(r.status == 64 && r.stderr.contains("error[ca-exists]"))
        r = try run(["ca", "init", "--dir", dir.file("x"), "--subject", "O=no cn", "--no-encrypt"])
        #expect(r.status == 64 && r.stderr.contains("error[invalid-subject]"))
        let pub = dir.file("k.pub")
        #expect(try run(["key", "generate", "--out", dir.file("k.pem"), "--public", pub, "--no-encrypt"]).status == 0)
        r = try run(["ca", "issue", "--ca", root, "--public", pub, "--subject", "CN=x", "--out", dir.file("c.pem")])
        #expect(r.status == 64 && r.stderr.contains("error[role-required]"))
        r = try run(["ca", "issue", "--ca", root, "--public", pub, "--subject", "CN=x", "--role", "pilot", "--out", dir.file("c.pem")])
        #expect(r.status == 64 && r.stderr.contains("'pilot'") && r.stderr.contains("- auditor"), "\(r.stderr)")
        r = try run(["ca", "revoke", "--ca", root, "--cert", root + "/cert.pem", "--reason", "bored"])
        #expect(r.status == 64 && r.stderr.contains("'bored'") && r.stderr.contains("- keyCompromise"), "\(r.stderr)")
        r = try run(["cert", "verify", root + "/cert.pem", "--trust", root + "/cert.pem", "--at", "yesterday"])
        #expect(r.status == 64 && r.stderr.contains("error[invalid-time]"))
        // An encrypted CA key with no passphrase available.
        let enc = dir.file("enc")
        #expect(try run(["ca", "init", "--dir", enc, "--subject", "CN=Enc,C=US"], ["CHIPTRAIL_PASSPHRASE": "pw"]).status == 0)
        r = try run(["ca", "crl", "--ca", enc, "--out", dir.file("crl.pem")], ["CHIPTRAIL_PASSPHRASE": ""])
        #expect(r.status == 64 && r.stderr.contains("passphrase-required"))
    }

    /// A root, a leaf and CRLs made only with the openssl command line are accepted, and the CRL revokes.
    @Test func opensslMadePKIIsAccepted() throws {
        let dir = TempDir()
        let rootKey = dir.file("root.key")
        let root = dir.file("root.pem")
        // RFC 5280 requires keyUsage in CA certificates; openssl's default root lacks it (see DESIGN-NOTES).
        try opensslOK(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", rootKey,
            "-out", root, "-subj", "/C=US/O=Old Gov/CN=OpenSSL Root", "-days", "365",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        let labKey = dir.file("lab.key")
        let csr = dir.file("lab.csr")
        try opensslOK(["req", "-new", "-newkey", "ed25519", "-nodes", "-keyout", labKey, "-out", csr,
            "-subj", "/C=US/O=Lab/CN=OpenSSL Lab", "-addext", "subjectAltName=URI:urn:chiptrail:role:lab"])
        let lab = dir.file("lab.pem")
        try opensslOK(["x509", "-req", "-in", csr, "-CA", root, "-CAkey", rootKey, "-CAcreateserial", "-days", "30",
            "-copy_extensions", "copy", "-out", lab])

        var r = try run(["cert", "verify", lab, "--trust", root, "--role", "lab"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try run(["cert", "verify", lab, "--trust", root, "--role", "exporter"])
        #expect(r.status == 1 && r.stderr.contains("error[role-not-permitted]"))

        _ = try dir.write("index.txt", "")
        _ = try dir.write("crlnumber", "01\n")
        let cnf = try dir.write("ca.cnf", """
            [ ca ]
            default_ca = CA_default
            [ CA_default ]
            dir = \(dir.path)
            database = $dir/index.txt
            crlnumber = $dir/crlnumber
            certificate = $dir/root.pem
            private_key = $dir/root.key
            default_md = sha256
            default_crl_days = 30

            """)
        let crl0 = dir.file("crl0.pem")
        try opensslOK(["ca", "-config", cnf, "-gencrl", "-out", crl0])
        r = try run(["cert", "verify", lab, "--trust", root, "--role", "lab", "--crl", crl0])
        #expect(r.status == 0, "\(r.stderr)")
        try opensslOK(["ca", "-config", cnf, "-revoke", lab, "-crl_reason", "keyCompromise"])
        let crl1 = dir.file("crl1.pem")
        try opensslOK(["ca", "-config", cnf, "-gencrl", "-out", crl1])
        r = try run(["cert", "verify", lab, "--trust", root, "--role", "lab", "--crl", crl1])
        #expect(r.status == 1)
        #expect(r.stderr.contains("error[cert-revoked]"), "\(r.stderr)")
        let parsed = try CRL(pem: String(contentsOfFile: crl1, encoding: .utf8))
        let leaf = try Certificate.load(file: lab)[0]
        #expect(parsed.entry(serialHex: leaf.serialHex)?.reason == .keyCompromise)
        #expect(parsed.crlNumber == 2)

        // openssl's default root (no keyUsage) is refused by the RFC 5280 strict checks.
        let bareKey = dir.file("bare.key")
        let bare = dir.file("bare.pem")
        try opensslOK(["req", "-x509", "-newkey", "ed25519", "-nodes", "-keyout", bareKey, "-out", bare,
            "-subj", "/CN=Bare Root", "-days", "30"])
        let bareLeaf = dir.file("bare-leaf.pem")
        try opensslOK(["x509", "-req", "-in", csr, "-CA", bare, "-CAkey", bareKey, "-CAcreateserial", "-days", "30",
            "-copy_extensions", "copy", "-out", bareLeaf])
        r = try run(["cert", "verify", bareLeaf, "--trust", bare])
        #expect(r.status == 1 && r.stderr.contains("error[cert-invalid]") && r.stderr.contains("key usage"))
    }
}
