import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport


@Suite struct SignedNoteTests {
    let vector = Vectors.formats.signedNote

    /// The C2SP signed-note example from formats.json.
    @Test func specVectorVerifies() throws {
        let verifier = try NoteVerifier(verifierKey: vector.verifierKey)
        #expect(verifier.name == "example.com/foo")
        #expect(verifier.keyIDHex == vector.keyIdHex)
        #expect(verifier.keyID == 0x530d_903a)
        #expect(verifier.verifierKey == vector.verifierKey)
        let note = try SignedNote(parsing: vector.note)
        #expect(note.text == vector.signedText)
        #expect(note.signatures.count == 1)
        #expect(note.signatures[0].keyID == 0x530d_903a)
        #expect(note.serialized == vector.note)
        let result = try note.verify(using: [verifier])
        #expect(result.verifiedBy == [verifier])
        #expect(result.unknownSignatures.isEmpty)
        #expect(result.isSigned(by: verifier))
    }

    @Test func specVectorFailsWhenAltered() throws {
        let verifier = try NoteVerifier(verifierKey: vector.verifierKey)
        let altered = vector.note.replacingFirst("example message", with: "exemplary message")
        #expect(
            thrownCode { _ = try SignedNote(parsing: altered).verify(using: [verifier]) } == "note-signature-invalid")
        // A signature with one bit changed.
        var note = try SignedNote(parsing: vector.note)
        note.signatures[0].signature[10] ^= 0x01
        #expect(thrownCode { _ = try note.verify(using: [verifier]) } == "note-signature-invalid")
        // Key ID right but name different, or name right but key ID different: an unknown key, ignored.
        var other = try SignedNote(parsing: vector.note)
        other.signatures[0].name = "example.com/bar"
        #expect(thrownCode { _ = try other.verify(using: [verifier]) } == "note-unsigned")
        other = try SignedNote(parsing: vector.note)
        other.signatures[0].keyID ^= 1
        #expect(thrownCode { _ = try other.verify(using: [verifier]) } == "note-unsigned")
    }

    @Test func unknownKeysAreIgnoredButReported() throws {
        let known = try NoteVerifier(verifierKey: vector.verifierKey)
        let stranger = try NoteSigner(name: "stranger.example", key: PrivateKey.generate(.ed25519))
        var note = try SignedNote(parsing: vector.note)
        try note.sign(with: stranger)
        note.signatures.append(note.signatures[0])  // a repeated line counts once
        let r = try SignedNote(parsing: note.serialized).verify(using: [known])
        #expect(r.verifiedBy == [known])
        #expect(r.unknownSignatures.map(\.name) == ["stranger.example"])
        // Knowing only the stranger: it verifies and the example key is the unknown one.
        let r2 = try note.verify(using: [stranger.verifier])
        #expect(r2.verifiedBy == [stranger.verifier])
        #expect(thrownCode { _ = try note.verify(using: []) } == "note-unsigned")
    }

    @Test(arguments: [
        "no blank line\n\u{2014} example.com/foo AAAAAAA=\n",
        "text\n\n",
        "text\n\n\u{2014} example.com/foo Uw2QOkn8\n\n",
        "text\n\n- example.com/foo Uw2QOkn8srV1\n",
        "text\n\n\u{2014}example.com/foo Uw2QOkn8srV1\n",
        "text\n\n\u{2014} example.com/foo\n",
        "text\n\n\u{2014} example.com/foo \n",
        "text\n\n\u{2014} example.com/foo Uw2QOkn8srV1",
        "text\n\n\u{2014} example.com/foo not*base64\n",
        "text\n\n\u{2014} example.com/foo Uw2QOg==\n",
        "text\n\n\u{2014} exa+mple.com/foo Uw2QOkn8srV1\n",
        "text\n\n\u{2014} example.com/foo Uw2QOkn8srV1 extra\n",
        "text\r\n\n\u{2014} example.com/foo Uw2QOkn8srV1\n",
        "te\u{1}xt\n\n\u{2014} example.com/foo Uw2QOkn8srV1\n",
        "text\n\n\u{2014} example.com/foo Uw2QOkn8srV=\n",
        "",
    ])
    func malformedNotesAreRefused(_ text: String) {
        #expect(thrownCode { _ = try SignedNote(parsing: text) } == "malformed-note", "\(text.debugDescription)")
    }

    @Test func invalidUTF8IsRefused() {
        var bytes = Array("text\n\n\u{2014} example.com/foo Uw2QOkn8srV1\n".utf8)
        bytes[1] = 0xFF
        #expect(thrownCode { _ = try SignedNote(parsing: bytes) } == "malformed-note")
    }

    @Test func textMayContainBlankLines() throws {
        let signer = try NoteSigner(name: "poet.example", key: PrivateKey.generate(.ed25519))
        var note = try SignedNote(text: "stanza one\n\nstanza two\n")
        try note.sign(with: signer)
        let parsed = try SignedNote(parsing: note.serialized)
        #expect(parsed.text == "stanza one\n\nstanza two\n")
        #expect(try parsed.verify(using: [signer.verifier]).verifiedBy.count == 1)
    }

    @Test func keyNamesAndTextsAreChecked() throws {
        let key = try PrivateKey.generate(.ed25519)
        for name in ["", "a b", "a+b", "a\tb", "a\u{A0}b", "a\u{2003}b", "a\nb"] {
            #expect(
                thrownCode { _ = try NoteSigner(name: name, key: key) } == "invalid-key-name", "\(name.debugDescription)"
            )
        }
        #expect(
            thrownCode { _ = try NoteSigner(name: "ok.example/x", key: PrivateKey.generate(.p256)) }
                == "unsupported-note-key")
        let signer = try NoteSigner(name: "ok.example/x", key: key)
        for text in ["", "no newline", "tab\there\n"] {
            #expect(thrownCode { _ = try signer.sign(text) } == "malformed-note")
            #expect(thrownCode { _ = try SignedNote(text: text) } == "malformed-note")
        }
    }

    @Test func verifierKeysAreParsedStrictly() throws {
        let good = vector.verifierKey  // example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k
        let parts = good.split(separator: "+").map(String.init)
        let bad = [
            "", "example.com/foo", parts[0] + "+" + parts[1], parts[0] + "+530d903b+" + parts[2],
            parts[0] + "+530d903+" + parts[2], "example.com/bar+" + parts[1] + "+" + parts[2],
            parts[0] + "+" + parts[1] + "+" + Base64.encode([0x04] + Base64.decodeStandard(parts[2])!.dropFirst()),
            parts[0] + "+" + parts[1] + "+" + Base64.encode(Base64.decodeStandard(parts[2])!.dropLast()),
            parts[0] + "+" + parts[1] + "+" + parts[2] + "+extra", "+" + parts[1] + "+" + parts[2],
        ]
        for vkey in bad {
            #expect(thrownCode { _ = try NoteVerifier(verifierKey: vkey) } == "malformed-verifier-key", "\(vkey)")
        }
        #expect(try NoteVerifier(verifierKey: parts[0] + "+530D903A+" + parts[2]).keyID == 0x530d_903a)
    }

    /// Regression: a verifier key whose base64 key contains '+' was split into four parts and refused.
    @Test func verifierKeyWhoseBase64ContainsPlus() throws {
        var seed = [UInt8](repeating: 0, count: 32)
        for i in 0...255 {
            seed[0] = UInt8(i)
            let v = try NoteVerifier(name: "plus.example", publicKey: PrivateKey(ed25519Seed: seed).publicKey)
            guard v.verifierKey.split(separator: "+").count > 3 else { continue }
            #expect(try NoteVerifier(verifierKey: v.verifierKey) == v)
            let w = try CosignatureV1.Verifier(name: "plus.example", publicKey: v.publicKey)
            #expect(try CosignatureV1.Verifier(verifierKey: w.verifierKey) == w)
            return
        }
        Issue.record("no seed gave a key whose base64 holds '+'")
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = range(of: target) else { return self }
        return replacingCharacters(in: r, with: replacement)
    }
}
