import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// `chiptrail attest` refuses what `ledger verify` would flag (issue 14): documents checked by the evaluation's own
/// rules, naming the file and field (exit 65); an expired or revoked signer refused unless --force.
@Suite struct AttestValidationCLITests {
    typealias Files = AttestCLITests.Files

    func attestLab(
        _ x: Files, predicate: String = "lab-test.json", manifest: String = "manifest.json", extra: [String] = []
    )
        throws -> ProcessResult
    {
        try chiptrail(
            [
                "attest", "lab-test", "--manifest", x.f(manifest), "--predicate", x.f(predicate), "--key",
                x.f("lab.key"),
                "--cert", x.f("lab.pem"), "--out", x.f("env.json"),
            ] + extra)
    }

    @Test func aLabResultOtherThanPassOrFailIsRefused() throws {
        let x = try Files()
        try x.party("lab", x.pki.lab)
        _ = try x.dir.write("bad.json", Samples.labTest(result: "passed").description, mode: 0o644)
        let r = try attestLab(x, predicate: "bad.json")
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("error[predicate-value-invalid]"))
        #expect(r.stderr.contains(x.f("bad.json")))
        #expect(r.stderr.contains("field result"))
        #expect(!FileManager.default.fileExists(atPath: x.f("env.json")))
    }

    @Test func aDateWithoutTimeIsRefused() throws {
        let x = try Files()
        try x.party("lab", x.pki.lab)
        let text = Samples.labTest().description.replacingOccurrences(of: "2026-03-02T00:00:00Z", with: "2026-03-02")
        _ = try x.dir.write("bad.json", text, mode: 0o644)
        let r = try attestLab(x, predicate: "bad.json")
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("error[predicate-value-invalid]") && r.stderr.contains("field testedAt"))
    }

    @Test func aManifestWithTooFewSerialsIsRefusedNamingTheManifest() throws {
        let x = try Files()
        try x.party("lab", x.pki.lab)
        let text = String(decoding: Samples.manifest(), as: UTF8.self).replacingOccurrences(
            of: "\"quantity\":4", with: "\"quantity\":5")
        _ = try x.dir.write("m5.json", text, mode: 0o644)
        let r = try attestLab(x, manifest: "m5.json")
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("error[manifest-serials-invalid]"))
        #expect(r.stderr.contains(x.f("m5.json")) && r.stderr.contains("field serials"))
    }

    @Test func aManifestWithADuplicateKeyIsRefused() throws {
        let x = try Files()
        try x.party("lab", x.pki.lab)
        let text = String(decoding: Samples.manifest(), as: UTF8.self).replacingOccurrences(
            of: "\"quantity\":4", with: "\"quantity\":4,\"quantity\":40")
        _ = try x.dir.write("dup.json", text, mode: 0o644)
        let r = try attestLab(x, manifest: "dup.json")
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("error[malformed-manifest]") && r.stderr.contains(x.f("dup.json")))
    }

    @Test func aValidStatementIsStillSigned() throws {
        let x = try Files()
        try x.party("lab", x.pki.lab)
        let r = try attestLab(x)
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func aCertificateTheCAListsAsRevokedIsRefusedUnlessForced() throws {
        let x = try Files()
        try x.party("lab", x.pki.lab)
        var index = CAIndex()
        index.revoked = [
            CAIndex.Revoked(serial: x.pki.lab.cert.serialHex, date: "2026-02-01T00:00:00Z", reason: .keyCompromise)
        ]
        try FileManager.default.createDirectory(atPath: x.f("ca"), withIntermediateDirectories: true)
        _ = try x.dir.write("ca/index.json", bytes: index.json, mode: 0o644)
        let r = try attestLab(x, extra: ["--ca", x.f("ca")])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("error[certificate-revoked]"))
        #expect(!FileManager.default.fileExists(atPath: x.f("env.json")))
        let forced = try attestLab(x, extra: ["--ca", x.f("ca"), "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        // An unrevoked certificate passes the same check.
        index.revoked = []
        _ = try x.dir.write("ca/index.json", bytes: index.json, mode: 0o644)
        #expect(try attestLab(x, extra: ["--ca", x.f("ca"), "--force"]).status == 0)
    }

    @Test func anExpiredCertificateIsRefusedUnlessForced() throws {
        let x = try Files()
        let old = try x.pki.party(
            roles: [.lab], subject: "CN=Old,O=Qualified Test Lab Inc,C=US", notBefore: testDate("2026-01-01T00:00:00Z"),
            notAfter: testDate("2026-01-31T00:00:00Z"))
        try x.party("lab", old)
        let r = try attestLab(x)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("error[certificate-expired]"))
        #expect(try attestLab(x, extra: ["--force"]).status == 0)
    }
}

extension AttestValidationCLITests {
    /// Withdrawing a statement about a bad manifest must stay possible.
    @Test func aRetractionNamingABadManifestIsSigned() throws {
        let x = try Files()
        try x.party("lab", x.pki.lab)
        let text = String(decoding: Samples.manifest(), as: UTF8.self).replacingOccurrences(
            of: "\"quantity\":4", with: "\"quantity\":0")
        _ = try x.dir.write("m0.json", text, mode: 0o644)
        _ = try x.dir.write(
            "retract.json", Samples.retraction(of: String(repeating: "ab", count: 32)).description, mode: 0o644)
        let r = try chiptrail([
            "attest", "retraction", "--manifest", x.f("m0.json"), "--predicate", x.f("retract.json"), "--key",
            x.f("lab.key"),
            "--cert", x.f("lab.pem"), "--out", x.f("env.json"),
        ])
        #expect(r.status == 0, "\(r.stderr)")
        // The same manifest is refused for a lab test.
        let lab = try attestLab(x, manifest: "m0.json")
        #expect(lab.status == 65 && lab.stderr.contains("error[manifest-quantity-invalid]"), "\(lab.stderr)")
    }
}

extension AttestValidationCLITests {
    /// A co-signature endorses the same values: an envelope verify would flag is not co-signed.
    @Test func coSigningAnEnvelopeWithABadValueIsRefused() throws {
        let x = try Files()
        try x.party("lab", x.pki.lab)
        let env = try Samples.envelope(.labTest, predicate: Samples.labTest(result: "passed"), signers: [x.pki.lab])
        _ = try x.dir.write("bad-env.json", env.jsonText, mode: 0o644)
        let r = try chiptrail([
            "attest", "--add-signature", x.f("bad-env.json"), "--key", x.f("lab.key"), "--cert", x.f("lab.pem"),
            "--out",
            x.f("env.json"),
        ])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("error[predicate-value-invalid]") && r.stderr.contains(x.f("bad-env.json")))
    }
}
