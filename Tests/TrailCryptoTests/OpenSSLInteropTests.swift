import Foundation
import Testing
import TrailCrypto
import TrailTestSupport

/// Signatures and keys cross the boundary with the `openssl` command line in both directions.
@Suite struct OpenSSLInteropTests {
    let message = Array("DSSEv1 28 application/vnd.in-toto+json 2 {}".utf8)

    @Test func ourEd25519VerifiesWithPkeyutl() throws {
        let dir = TempDir()
        let key = try PrivateKey.generate(.ed25519)
        let pub = try dir.write("pub.pem", key.publicKey.pem)
        let msg = try dir.write("msg", bytes: message)
        let sig = try dir.write("sig", bytes: try key.sign(message))
        let r = try openssl(["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", msg, "-sigfile", sig])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("Signature Verified Successfully"))
        // A different message must fail, so the check above is not vacuous.
        let other = try dir.write("other", bytes: message + [0x20])
        let bad = try openssl(["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", other, "-sigfile", sig])
        #expect(bad.status != 0)
    }

    @Test(arguments: [KeyAlgorithm.p256, .p384, .rsa(bits: 3072)])
    func ourECDSAAndPSSVerifyWithDgst(_ alg: KeyAlgorithm) throws {
        let dir = TempDir()
        let key = try PrivateKey.generate(alg)
        let pub = try dir.write("pub.pem", key.publicKey.pem)
        let msg = try dir.write("msg", bytes: message)
        let sig = try dir.write("sig", bytes: try key.sign(message))
        let md = alg == .p384 ? "-sha384" : "-sha256"
        var args = ["dgst", md, "-verify", pub, "-signature", sig]
        if case .rsa = alg {
            args += ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32", "-sigopt", "rsa_mgf1_md:sha256"]
        }
        let r = try openssl(args + [msg])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("Verified OK"))
    }

    @Test(arguments: ["ED25519", "P-256", "P-384", "RSA"])
    func opensslKeysAndSignaturesWorkInTrailCrypto(_ kind: String) throws {
        let dir = TempDir()
        let keyPath = dir.file("key.pem")
        var gen = ["genpkey", "-out", keyPath]
        switch kind {
        case "ED25519": gen += ["-algorithm", "ED25519"]
        case "RSA": gen += ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"]
        default: gen += ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:\(kind)"]
        }
        #expect(try openssl(gen).status == 0)
        let key = try PrivateKey(pem: String(contentsOfFile: keyPath, encoding: .utf8), passphrase: nil)
        let msg = try dir.write("msg", bytes: message)
        let sigPath = dir.file("sig")
        var sign: [String]
        switch kind {
        case "ED25519": sign = ["pkeyutl", "-sign", "-inkey", keyPath, "-rawin", "-in", msg, "-out", sigPath]
        case "RSA":
            sign = ["dgst", "-sha256", "-sign", keyPath, "-sigopt", "rsa_padding_mode:pss", "-sigopt",
                "rsa_pss_saltlen:32", "-sigopt", "rsa_mgf1_md:sha256", "-out", sigPath, msg]
        case "P-384": sign = ["dgst", "-sha384", "-sign", keyPath, "-out", sigPath, msg]
        default: sign = ["dgst", "-sha256", "-sign", keyPath, "-out", sigPath, msg]
        }
        let r = try openssl(sign)
        #expect(r.status == 0, "\(r.stderr)")
        let sig = try dir.read("sig")
        #expect(key.publicKey.verify(signature: sig, for: message))
        #expect(!key.publicKey.verify(signature: sig, for: message + [0]))
    }

    @Test func opensslEncryptedKeyLoads() throws {
        let dir = TempDir()
        let keyPath = dir.file("enc.pem")
        let r = try openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc",
            "-pass", "pass:s3cret", "-out", keyPath])
        #expect(r.status == 0, "\(r.stderr)")
        let pem = try String(contentsOfFile: keyPath, encoding: .utf8)
        #expect(pem.contains("ENCRYPTED PRIVATE KEY"))
        let key = try PrivateKey(pem: pem, passphrase: Array("s3cret".utf8))
        #expect(key.algorithm == .p256)
        #expect(thrownCode { try PrivateKey(pem: pem, passphrase: Array("nope".utf8)) } == "wrong-passphrase")
    }

    @Test(arguments: allAlgorithms)
    func ourEncryptedKeysLoadInOpenSSL(_ alg: KeyAlgorithm) throws {
        let dir = TempDir()
        let key = try PrivateKey.generate(alg)
        let path = try dir.write("k.pem", try key.pem(passphrase: Array("pw-123".utf8)))
        let r = try openssl(["pkey", "-in", path, "-passin", "pass:pw-123", "-pubout"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == key.publicKey.pem)
        let wrong = try openssl(["pkey", "-in", path, "-passin", "pass:other", "-pubout"])
        #expect(wrong.status != 0)
        // The PBE is PBES2 with AES-256-CBC, as OpenSSL 3 writes it.
        let asn1 = try openssl(["asn1parse", "-in", path])
        #expect(asn1.stdout.contains("PBES2"))
        #expect(asn1.stdout.contains("aes-256-cbc"))
    }
}
