import Foundation
import Testing
import TrailCrypto
import TrailTestSupport

struct FormatVectors: Decodable {
    struct Ed25519Vector: Decodable {
        var secretKeyHex: String
        var publicKeyHex: String
        var messageHex: String
        var signatureHex: String
    }
    var ed25519RFC8032Test1: Ed25519Vector

    static func load() throws -> FormatVectors {
        let url = Bundle.module.url(forResource: "formats", withExtension: "json", subdirectory: "Vectors")!
        return try JSONDecoder().decode(FormatVectors.self, from: Data(contentsOf: url))
    }
}

let allAlgorithms: [KeyAlgorithm] = [.ed25519, .p256, .p384, .rsa(bits: 3072)]

@Suite struct KeyTests {
    @Test func rfc8032Test1SignsByteExact() throws {
        let v = try FormatVectors.load().ed25519RFC8032Test1
        let key = try PrivateKey(ed25519Seed: hexBytes(v.secretKeyHex))
        #expect(key.publicKey.ed25519Raw == hexBytes(v.publicKeyHex))
        let sig = try key.sign(hexBytes(v.messageHex))
        #expect(Hex.encode(sig) == v.signatureHex)
        let pub = try PublicKey(ed25519Raw: hexBytes(v.publicKeyHex))
        #expect(pub.verify(signature: hexBytes(v.signatureHex), for: hexBytes(v.messageHex)))
        var bad = hexBytes(v.signatureHex)
        bad[0] ^= 1
        #expect(!pub.verify(signature: bad, for: hexBytes(v.messageHex)))
    }

    @Test(arguments: allAlgorithms)
    func generateSignVerifyAndRoundTrip(_ alg: KeyAlgorithm) throws {
        let key = try PrivateKey.generate(alg)
        #expect(key.algorithm == alg)
        let msg = Array("chiptrail".utf8)
        let sig = try key.sign(msg)
        #expect(key.publicKey.verify(signature: sig, for: msg))
        #expect(!key.publicKey.verify(signature: sig, for: Array("chiptrai1".utf8)))

        let pass = Array("correct horse".utf8)
        let enc = try key.pem(passphrase: pass)
        #expect(enc.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        let back = try PrivateKey(pem: enc, passphrase: pass)
        #expect(back.publicKey.spkiDER == key.publicKey.spkiDER)

        let plain = try key.pem(passphrase: nil)
        #expect(plain.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(try PrivateKey(pem: plain, passphrase: nil).publicKey.keyID == key.publicKey.keyID)

        let pub = try PublicKey(pem: key.publicKey.pem)
        #expect(pub.keyID == Digest.sha256Hex(key.publicKey.spkiDER))
        #expect(try PublicKey(spkiDER: pub.spkiDER).keyID == pub.keyID)
        #expect(!key.description.contains("PRIVATE"))
    }

    @Test func wrongPassphraseIsDistinct() throws {
        let key = try PrivateKey.generate(.ed25519)
        let pem = try key.pem(passphrase: Array("right".utf8))
        #expect(throws: TrailError.self) { try PrivateKey(pem: pem, passphrase: Array("wrong".utf8)) }
        #expect(thrownCode { try PrivateKey(pem: pem, passphrase: Array("wrong".utf8)) } == "wrong-passphrase")
        #expect(thrownCode { try PrivateKey(pem: pem, passphrase: nil) } == "passphrase-required")
    }

    @Test func truncatedPEMIsMalformed() throws {
        let pem = try PrivateKey.generate(.p256).pem(passphrase: nil)
        let cut = String(pem.prefix(pem.count / 2))
        #expect(thrownCode { try PrivateKey(pem: cut, passphrase: nil) } == "malformed-pem")
        #expect(thrownCode { try PrivateKey(pem: "hello", passphrase: nil) } == "no-pem")
    }

    @Test func publicKeyWhereAPrivateKeyBelongs() throws {
        let pub = try PrivateKey.generate(.ed25519).publicKey.pem
        #expect(thrownCode { try PrivateKey(pem: pub, passphrase: nil) } == "not-a-private-key")
    }

    @Test func unsupportedAlgorithmsAreRefused() throws {
        let dir = TempDir()
        let dsa = dir.file("dsa.pem")
        try makeDSAKeyWithOpenSSL(at: dsa)
        #expect(thrownCode { try PrivateKey(pem: String(contentsOfFile: dsa, encoding: .utf8), passphrase: nil) } == "unsupported-key-algorithm")

        let rsa = dir.file("rsa1024.pem")
        var r = try openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", rsa])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(thrownCode { try PrivateKey(pem: String(contentsOfFile: rsa, encoding: .utf8), passphrase: nil) } == "weak-key")

        let k1 = dir.file("secp256k1.pem")
        r = try openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-out", k1])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(thrownCode { try PrivateKey(pem: String(contentsOfFile: k1, encoding: .utf8), passphrase: nil) } == "unsupported-key-algorithm")
    }
}

