import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

@Suite struct CheckpointTests {
    @Test func specExampleParses() throws {
        let text = Vectors.formats.checkpointExample.text
        let cp = try Checkpoint(text: text)
        #expect(cp.origin == "example.com/behind-the-sofa")
        #expect(cp.size == 20_852_163)
        #expect(cp.rootHash.base64 == "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
        #expect(cp.extensions.isEmpty)
        #expect(cp.text == text)
        let ext = try Checkpoint(text: text + "extension one\nextension two\n")
        #expect(ext.extensions == ["extension one", "extension two"])
        #expect(ext.text == text + "extension one\nextension two\n")
        #expect(try Checkpoint(text: "o\n0\n\(Merkle.emptyRoot.base64)\n").size == 0)
    }

    @Test(arguments: [
        "example.com/log\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",  // no final newline
        "\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  // empty origin
        "example.com/log\n020852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  // leading zero
        "example.com/log\n00\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com/log\n+1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com/log\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com/log\n 1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com/log\n\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com/log\n99999999999999999999\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n",  // unpadded
        "example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",  // non-canonical last char
        "example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n",  // 31 bytes
        "example.com/log\n1\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n",  // URL-safe alphabet
        "example.com/log\n1\n\n",
        "example.com/log\n1\n",
        "example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",  // empty extension line
        "example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next\r\n",
    ])
    func malformedCheckpointsAreRefused(_ text: String) {
        #expect(thrownCode { _ = try Checkpoint(text: text) } == "malformed-checkpoint", "\(text.debugDescription)")
    }

    /// A checkpoint we sign round-trips, and an independent route agrees: the key id recomputed here with
    /// SHA-256, the Ed25519 signature checked by the openssl command line.
    @Test func signedCheckpointRoundTripsAndVerifiesIndependently() throws {
        let key = try PrivateKey.generate(.ed25519)
        let origin = "ledger.example.gov/h200-2026"
        let signer = try NoteSigner(name: origin, key: key)
        var tree = InMemoryMerkleTree()
        for i in 0..<5 { tree.append(entry: Array("line \(i)".utf8)) }
        let cp = try Checkpoint(origin: origin, size: 5, rootHash: try tree.root())
        var note = try SignedNote(text: cp.text)
        try note.sign(with: signer)
        let serialized = note.serialized
        #expect(serialized.hasPrefix(cp.text + "\n\u{2014} \(origin) "))

        let parsed = try SignedNote(parsing: serialized)
        #expect(parsed == note)
        #expect(try Checkpoint(text: parsed.text) == cp)
        let verifier = try NoteVerifier(verifierKey: signer.verifier.verifierKey)
        #expect(try parsed.verify(using: [verifier]).verifiedBy == [verifier])

        // Independent key id: SHA-256(name ‖ "\n" ‖ 0x01 ‖ raw public key)[:4].
        let raw = key.publicKey.ed25519Raw!
        let expectedID = Array(Digest.sha256(Array(origin.utf8) + [0x0A, 0x01] + raw).prefix(4))
        let line = serialized.split(separator: "\n").last!
        let payload = Base64.decodeStandard(String(line.split(separator: " ").last!))!
        #expect(payload.count == 4 + 64)
        #expect(Array(payload.prefix(4)) == expectedID)
        #expect(verifier.verifierKey == "\(origin)+\(Hex.encode(expectedID))+\(Base64.encode([0x01] + raw))")

        // Independent signature check with the openssl CLI over the exact note text.
        let dir = TempDir()
        let pub = try dir.write("pub.pem", key.publicKey.pem)
        let textFile = try dir.write("text", cp.text)
        let sigFile = try dir.write("sig", bytes: Array(payload.dropFirst(4)))
        let ok = try openssl([
            "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", textFile, "-sigfile", sigFile,
        ])
        #expect(ok.status == 0, "\(ok.stdout) \(ok.stderr)")
        let tampered = try dir.write("tampered", cp.text.replacingFirst("\n5\n", with: "\n6\n"))
        let no = try openssl([
            "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", tampered, "-sigfile", sigFile,
        ])
        #expect(no.status != 0, "openssl must reject a changed text")
    }

    @Test func componentsAreValidated() {
        let root = Merkle.emptyRoot
        #expect(thrownCode { _ = try Checkpoint(origin: "", size: 0, rootHash: root) } == "malformed-checkpoint")
        #expect(thrownCode { _ = try Checkpoint(origin: "a\nb", size: 0, rootHash: root) } == "malformed-checkpoint")
        #expect(thrownCode { _ = try Checkpoint(origin: "a", size: -1, rootHash: root) } == "malformed-checkpoint")
        #expect(
            thrownCode { _ = try Checkpoint(origin: "a", size: 1, rootHash: root, extensions: [""]) }
                == "malformed-checkpoint")
    }
}
