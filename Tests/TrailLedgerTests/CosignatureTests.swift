import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

@Suite struct CosignatureTests {
    let checkpointText = Vectors.formats.checkpointExample.text

    func operatorNote() throws -> (SignedNote, NoteVerifier) {
        let signer = try NoteSigner(name: "example.com/behind-the-sofa", key: PrivateKey.generate(.ed25519))
        var note = try SignedNote(text: checkpointText)
        try note.sign(with: signer)
        return (note, signer.verifier)
    }

    @Test func cosignatureVerifiesAndHasTheSpecifiedLayout() throws {
        let key = try PrivateKey.generate(.ed25519)
        let witness = try CosignatureV1.Signer(name: "witness.example.com/w1", key: key)
        let (note, operatorKey) = try operatorNote()
        let t: UInt64 = 1_679_315_147
        let cosigned = try SignedNote(parsing: witness.cosign(note, timestamp: t).serialized)
        #expect(cosigned.signatures.count == 2)

        #expect(try witness.verifier.verify(cosigned) == t)
        // The operator's signature still verifies; the witness line is an unknown key to a note verifier.
        let r = try cosigned.verify(using: [operatorKey])
        #expect(r.verifiedBy == [operatorKey])
        #expect(r.unknownSignatures.map(\.name) == ["witness.example.com/w1"])

        // Layout per formats.json: key id (4) ‖ timestamp (8, big-endian) ‖ Ed25519 signature (64), with
        // key id = SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4], over the template message.
        #expect(
            Vectors.formats.cosignatureV1.signatureLayout.hasPrefix(
                "4-byte key id || 8-byte big-endian timestamp || 64-byte"))
        let line = cosigned.signatures[1]
        let payload = Base64.decodeStandard(line.base64)!
        #expect(payload.count == 76)
        let raw = key.publicKey.ed25519Raw!
        #expect(
            Array(payload[0..<4])
                == Array(Digest.sha256(Array("witness.example.com/w1".utf8) + [0x0A, 0x04] + raw).prefix(4)))
        #expect(Array(payload[4..<12]) == [0, 0, 0, 0, 0x64, 0x18, 0x50, 0xCB])
        let message = Vectors.formats.cosignatureV1.signedMessageTemplate
            .replacingFirst("<decimal POSIX seconds>", with: "1679315147")
            .replacingFirst("<checkpoint text with its final newline>", with: checkpointText)
        #expect(message == "cosignature/v1\ntime 1679315147\n" + checkpointText)
        #expect(CosignatureV1.message(checkpointText: checkpointText, timestamp: t) == Array(message.utf8))

        // Independently, with the openssl CLI.
        let dir = TempDir()
        let pub = try dir.write("pub.pem", key.publicKey.pem)
        let msg = try dir.write("msg", message)
        let sig = try dir.write("sig", bytes: Array(payload[12...]))
        let r2 = try openssl(["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", msg, "-sigfile", sig])
        #expect(r2.status == 0, "\(r2.stderr)")

        // The verifier key string round-trips, with type byte 0x04.
        let vkey = witness.verifier.verifierKey
        #expect(vkey.hasSuffix("+" + Base64.encode([0x04] + raw)))
        #expect(try CosignatureV1.Verifier(verifierKey: vkey) == witness.verifier)
        #expect(
            thrownCode { _ = try NoteVerifier(verifierKey: vkey) } == "malformed-verifier-key",
            "type 0x04 is not a note key")
    }

    @Test func tamperedCosignaturesAreRejected() throws {
        let witness = try CosignatureV1.Signer(name: "witness.example", key: PrivateKey.generate(.ed25519))
        let (note, _) = try operatorNote()
        let good = try witness.cosign(note, timestamp: 1_700_000_000)
        let w = witness.verifier
        let i = good.signatures.count - 1

        var flipped = good
        flipped.signatures[i].signature[40] ^= 0x80
        #expect(thrownCode { _ = try w.verify(flipped) } == "cosignature-invalid")

        var retimed = good
        retimed.signatures[i].signature[7] ^= 0x01
        #expect(thrownCode { _ = try w.verify(retimed) } == "cosignature-invalid")

        var short = good
        short.signatures[i].signature.removeLast()
        #expect(thrownCode { _ = try w.verify(short) } == "cosignature-invalid")

        var huge = good
        huge.signatures[i].signature[0] = 0x80
        #expect(thrownCode { _ = try w.verify(huge) } == "cosignature-invalid")

        let otherText = try SignedNote(
            text: checkpointText.replacingFirst("20852163", with: "20852164"), signatures: good.signatures)
        #expect(thrownCode { _ = try w.verify(otherText) } == "cosignature-invalid")

        // No line from this witness: nil, not an error. Another witness's line is not this one's.
        #expect(try w.verify(note) == nil)
        let other = try CosignatureV1.Signer(name: "witness.example", key: PrivateKey.generate(.ed25519))
        #expect(try other.verifier.verify(good) == nil)
        #expect(
            thrownCode { _ = try other.verifier.verify(good.signatures[i], checkpointText: good.text) }
                == "cosignature-invalid")
    }

    @Test func onlyCheckpointsAreCosigned() throws {
        let witness = try CosignatureV1.Signer(name: "witness.example", key: PrivateKey.generate(.ed25519))
        #expect(
            thrownCode { _ = try witness.sign(checkpointText: "not a checkpoint\n", timestamp: 1) }
                == "malformed-checkpoint")
        #expect(
            thrownCode { _ = try witness.sign(checkpointText: checkpointText, timestamp: UInt64.max) }
                == "invalid-timestamp")
    }
}
