import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// `chiptrail attest` and `chiptrail envelope verify` from the command line.
@Suite struct AttestCLITests {
    struct Files {
        let dir = TempDir()
        let pki: PartyPKI
        init() throws {
            pki = try PartyPKI()
            _ = try dir.write("root.pem", pki.root.pem, mode: 0o644)
            _ = try dir.write("ca.pem", pki.intermediate.pem, mode: 0o644)
            _ = try dir.write("manifest.json", bytes: Samples.manifest(), mode: 0o644)
            _ = try dir.write("lab-test.json", Samples.labTest().description, mode: 0o644)
            _ = try dir.write("customs.json", Samples.customs().description, mode: 0o644)
        }
        func party(_ name: String, _ p: TestParty) throws {
            _ = try dir.write("\(name).key", try p.key.pem(passphrase: nil))
            _ = try dir.write("\(name).pem", p.cert.pem, mode: 0o644)
        }
        func f(_ n: String) -> String { dir.file(n) }
    }

    @Test func labTestSignedCoSignedAndVerified() throws {
        let x = try Files()
        try x.party("lab", x.pki.lab)
        try x.party("lab2", try x.pki.party(roles: [.lab], subject: "CN=Second Signer,O=Qualified Test Lab Inc,C=US", alg: .p384))
        let a = try chiptrail([
            "attest", "lab-test", "--manifest", x.f("manifest.json"), "--predicate", x.f("lab-test.json"), "--key",
            x.f("lab.key"), "--cert", x.f("lab.pem"), "--out", x.f("env.json"),
        ])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout.contains("urn:chiptrail:lab-test:v1 about shipment:SHP-0001, 1 signature(s)"))
        let b = try chiptrail([
            "attest", "--add-signature", x.f("env.json"), "--key", x.f("lab2.key"), "--cert", x.f("lab2.pem"), "--out",
            x.f("env.json"),
        ])
        #expect(b.status == 0, "\(b.stderr)")
        let env = try Envelope(json: try x.dir.read("env.json"))
        #expect(env.signatures.count == 2)

        let both = try chiptrail([
            "envelope", "verify", x.f("env.json"), "--cert", x.f("lab.pem"), "--cert", x.f("lab2.pem"), "--chain",
            x.f("ca.pem"), "--trust", x.f("root.pem"), "--at", "2026-06-01T00:00:00Z",
        ])
        #expect(both.status == 0, "\(both.stdout)\(both.stderr)")
        // Without the co-signer's certificate the second signature cannot be checked: refused, never ignored.
        let one = try chiptrail([
            "envelope", "verify", x.f("env.json"), "--cert", x.f("lab.pem"), "--chain", x.f("ca.pem"), "--trust",
            x.f("root.pem"), "--at", "2026-06-01T00:00:00Z",
        ])
        #expect(one.status == 1)
        #expect(one.stderr.contains("error[unknown-signer]"))
        // A flipped payload byte breaks both signatures.
        var text = String(decoding: try x.dir.read("env.json"), as: UTF8.self)
        let p = text.range(of: "\"payload\":\"")!.upperBound
        let c = text[text.index(p, offsetBy: 10)]
        text.replaceSubrange(text.index(p, offsetBy: 10)...text.index(p, offsetBy: 10), with: c == "A" ? "B" : "A")
        _ = try x.dir.write("bad.json", text, mode: 0o644)
        let bad = try chiptrail([
            "envelope", "verify", x.f("bad.json"), "--cert", x.f("lab.pem"), "--cert", x.f("lab2.pem"), "--chain",
            x.f("ca.pem"), "--trust", x.f("root.pem"), "--at", "2026-06-01T00:00:00Z", "--format", "json",
        ])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("\"valid\":false"))
    }

    @Test func attestRefusesAWrongRoleAndAMismatchedKey() throws {
        let x = try Files()
        try x.party("lab", x.pki.lab)
        try x.party("customs", x.pki.customs)
        let wrongRole = try chiptrail([
            "attest", "customs-decision", "--manifest", x.f("manifest.json"), "--predicate", x.f("customs.json"), "--key",
            x.f("lab.key"), "--cert", x.f("lab.pem"), "--out", x.f("e.json"),
        ])
        #expect(wrongRole.status == 1)
        #expect(wrongRole.stderr.contains("error[role-not-permitted]"))
        let mismatch = try chiptrail([
            "attest", "customs-decision", "--manifest", x.f("manifest.json"), "--predicate", x.f("customs.json"), "--key",
            x.f("lab.key"), "--cert", x.f("customs.pem"), "--out", x.f("e.json"),
        ])
        #expect(mismatch.status == 64)
        #expect(mismatch.stderr.contains("error[key-certificate-mismatch]"))
        #expect(!FileManager.default.fileExists(atPath: x.f("e.json")))
        let noManifest = try chiptrail([
            "attest", "lab-test", "--predicate", x.f("lab-test.json"), "--key", x.f("lab.key"), "--cert", x.f("lab.pem"),
            "--out", x.f("e.json"),
        ])
        #expect(noManifest.status == 64)
        #expect(noManifest.stderr.contains("error[manifest-required]"))
    }
}
