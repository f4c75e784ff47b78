import Foundation
import Testing
import TrailCrypto
import TrailTestSupport

@Suite struct KeyCLITests {
    @Test func generateEncryptedThenPublic() throws {
        let dir = TempDir()
        let pass = try dir.write("pass", "hunter22\n")
        let out = dir.file("k.pem")
        let r = try chiptrail(["key", "generate", "--alg", "p256", "--out", out, "--public", dir.file("k.pub"),
            "--passphrase-file", pass])
        #expect(r.status == 0, "\(r.stderr)")
        let attrs = try FileManager.default.attributesOfItem(atPath: out)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
        let pem = try String(contentsOfFile: out, encoding: .utf8)
        #expect(pem.contains("ENCRYPTED PRIVATE KEY"))
        #expect(!r.stdout.contains("hunter22") && !r.stderr.contains("hunter22"))

        let pub = try chiptrail(["key", "public", out], environment: ["CHIPTRAIL_PASSPHRASE": "hunter22"])
        #expect(pub.status == 0, "\(pub.stderr)")
        let expected = try PrivateKey(pem: pem, passphrase: Array("hunter22".utf8)).publicKey
        #expect(pub.stdout == expected.pem + "keyid \(expected.keyID)\n")
        #expect(try String(contentsOfFile: dir.file("k.pub"), encoding: .utf8) == expected.pem)
        // openssl reads what we wrote.
        #expect(try openssl(["pkey", "-in", out, "-passin", "file:\(pass)", "-noout"]).status == 0)
    }

    @Test func refusesToOverwriteWithoutForce() throws {
        let dir = TempDir()
        let out = dir.file("k.pem")
        #expect(try chiptrail(["key", "generate", "--out", out, "--no-encrypt"]).status == 0)
        let before = try dir.read("k.pem")
        let again = try chiptrail(["key", "generate", "--out", out, "--no-encrypt"])
        #expect(again.status == 64)
        #expect(again.stderr.contains("file-exists"))
        #expect(try dir.read("k.pem") == before)
        #expect(try chiptrail(["key", "generate", "--out", out, "--no-encrypt", "--force"]).status == 0)
        #expect(try dir.read("k.pem") != before)
    }

    @Test func errorsAreClearAndNonZero() throws {
        let dir = TempDir()
        let pass = try dir.write("pass", "right\n")
        let wrong = try dir.write("wrong", "wrong\n")
        let out = dir.file("k.pem")
        #expect(try chiptrail(["key", "generate", "--out", out, "--passphrase-file", pass]).status == 0)

        let r1 = try chiptrail(["key", "public", out, "--passphrase-file", wrong])
        #expect(r1.status == 77)
        #expect(r1.stderr.contains("error[wrong-passphrase]"))
        #expect(r1.stderr.contains(out))

        let pem = try String(contentsOfFile: out, encoding: .utf8)
        let cut = try dir.write("cut.pem", String(pem.prefix(100)))
        let r2 = try chiptrail(["key", "public", cut, "--passphrase-file", pass])
        #expect(r2.status == 65)
        #expect(r2.stderr.contains("error[malformed-pem]"))

        let dsa = dir.file("dsa.pem")
        try makeDSAKeyWithOpenSSL(at: dsa)
        let r3 = try chiptrail(["key", "public", dsa])
        #expect(r3.status == 1)
        #expect(r3.stderr.contains("error[unsupported-key-algorithm]"))

        let noPass = try chiptrail(["key", "public", out], environment: ["CHIPTRAIL_PASSPHRASE": ""])
        #expect(noPass.status == 64)
        #expect(noPass.stderr.contains("passphrase-required"))

        let badAlg = try chiptrail(["key", "generate", "--alg", "dsa", "--out", dir.file("x.pem"), "--no-encrypt"])
        #expect(badAlg.status == 64)
        // An argument type: ArgumentParser's usage error names the accepted values.
        #expect(badAlg.stderr.contains("'dsa'") && badAlg.stderr.contains("'ed25519', 'p256', 'p384' or 'rsa3072'"), "\(badAlg.stderr)")

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: out)
        let loose = try chiptrail(["key", "public", out, "--passphrase-file", pass])
        #expect(loose.status == 77)
        #expect(loose.stderr.contains("insecure-key-permissions"))
        #expect(try chiptrail(["key", "public", out, "--passphrase-file", pass, "--insecure-key-permissions"]).status == 0)
    }
}
