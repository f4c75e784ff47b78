import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

struct PAEVector: Decodable {
    var payloadType: String
    var payload: String
    var pae: String
}

@Suite struct EnvelopeTests {
    @Test func paeVectors() throws {
        struct File: Decodable { var dssePAE: [PAEVector] }
        let url = Bundle.module.url(forResource: "formats", withExtension: "json", subdirectory: "Vectors")!
        let vectors = try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).dssePAE
        #expect(vectors.count == 4)
        for v in vectors {
            #expect(DSSE.pae(payloadType: v.payloadType, payload: Array(v.payload.utf8)) == Array(v.pae.utf8))
        }
    }

    /// An envelope we write verifies by an independent route: PAE rebuilt here by hand and checked with the
    /// `openssl` CLI against the signer's public key.
    @Test(arguments: [KeyAlgorithm.ed25519, .p256, .p384, .rsa(bits: 3072)])
    func envelopeVerifiesWithOpenSSL(_ alg: KeyAlgorithm) throws {
        let pki = try PartyPKI()
        let signer = try pki.party(roles: [.lab], subject: "CN=Lab \(alg.name),O=Qualified Test Lab Inc,C=US", alg: alg)
        let env = try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [signer])
        let file = try Envelope(json: Array(env.jsonText.utf8))
        #expect(file.signatures[0].keyid == Digest.sha256Hex(signer.cert.der))

        let type = "application/vnd.in-toto+json"
        let pae = Array("DSSEv1 \(type.utf8.count) \(type) \(file.payload.count) ".utf8) + file.payload
        let dir = TempDir()
        let msg = try dir.write("pae", bytes: pae)
        let sig = try dir.write("sig", bytes: file.signatures[0].sig)
        let pub = try dir.write("pub.pem", try signer.cert.publicKey.pem)
        let r: ProcessResult
        switch alg {
        case .ed25519: r = try openssl(["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", msg, "-sigfile", sig])
        case .p384: r = try openssl(["dgst", "-sha384", "-verify", pub, "-signature", sig, msg])
        case .p256: r = try openssl(["dgst", "-sha256", "-verify", pub, "-signature", sig, msg])
        case .rsa:
            r = try openssl([
                "dgst", "-sha256", "-verify", pub, "-signature", sig, "-sigopt", "rsa_padding_mode:pss", "-sigopt",
                "rsa_pss_saltlen:32", "-sigopt", "rsa_mgf1_md:sha256", msg,
            ])
        }
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        // The statement is an in-toto Statement v1 about the manifest's digest.
        let statement = try JSONSerialization.jsonObject(with: Data(file.payload)) as! [String: Any]
        #expect(statement["_type"] as? String == "https://in-toto.io/Statement/v1")
        let subject = (statement["subject"] as! [[String: Any]])[0]
        #expect(subject["name"] as? String == "shipment:SHP-0001")
        #expect((subject["digest"] as! [String: String])["sha256"] == Digest.sha256Hex(Samples.manifest()))
    }

    @Test func mixedBase64AlphabetsAreRefused() throws {
        #expect(thrownCode { try Envelope(payloadType: DSSE.inTotoPayloadType, payloadBase64: "ab+_", signatures: [("k", "AA==")]) } == "malformed-envelope")
        #expect(thrownCode { try Envelope(payloadType: DSSE.inTotoPayloadType, payloadBase64: "e30=", signatures: []) } == "no-signatures")
    }
}
