import TrailCrypto

/// An Ed25519 signed-note signer (C2SP signed-note, signature type 0x01).
public struct NoteSigner: Sendable {
    /// The matching verifier (name, key ID, public key).
    public let verifier: NoteVerifier
    private let key: PrivateKey

    /// A signer named `name` for an Ed25519 `key`; `invalid-key-name` or `unsupported-note-key`.
    public init(name: String, key: PrivateKey) throws {
        verifier = try NoteVerifier(name: name, publicKey: key.publicKey)
        self.key = key
    }

    /// The key name.
    public var name: String { verifier.name }
    /// The key ID.
    public var keyID: UInt32 { verifier.keyID }

    /// The signature line for `text` (Ed25519 over the text's UTF-8); `malformed-note` for invalid text.
    public func sign(_ text: String) throws -> NoteSignature {
        guard SignedNote.isValidText(text) else {
            throw SignedNote.malformed(
                "cannot sign a text that is empty, lacks its final newline or has control characters")
        }
        return NoteSignature(name: name, keyID: keyID, signature: try key.sign(Array(text.utf8)))
    }
}
