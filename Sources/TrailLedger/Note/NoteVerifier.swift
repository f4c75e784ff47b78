import TrailCrypto

/// An Ed25519 signed-note verifier key (C2SP signed-note, signature type 0x01).
public struct NoteVerifier: Sendable, Equatable, CustomStringConvertible {
    /// The key name.
    public let name: String
    /// SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], big-endian.
    public let keyID: UInt32
    /// The Ed25519 public key.
    public let publicKey: PublicKey
    /// Its 32 raw bytes.
    public let rawPublicKey: [UInt8]

    /// A verifier for `publicKey` (Ed25519) under `name`; `invalid-key-name` or `unsupported-note-key`.
    public init(name: String, publicKey: PublicKey) throws {
        rawPublicKey = try NoteKey.checkedEd25519(name: name, publicKey: publicKey)
        self.name = name
        self.publicKey = publicKey
        keyID = NoteKey.keyID(name: name, type: NoteKey.ed25519Type, publicKey: rawPublicKey)
    }

    /// Parses a verifier key `<name>+<hex key id>+<base64(0x01 ‖ public key)>`; `malformed-verifier-key`.
    public init(verifierKey: String) throws {
        let (name, raw) = try NoteKey.parseEd25519VerifierKey(verifierKey, type: NoteKey.ed25519Type)
        try self.init(name: name, publicKey: try PublicKey(ed25519Raw: raw))
    }

    /// `<name>+<hex key id>+<base64(0x01 ‖ public key)>`.
    public var verifierKey: String {
        NoteKey.verifierKey(name: name, keyID: keyID, type: NoteKey.ed25519Type, publicKey: rawPublicKey)
    }

    /// The key ID as eight lowercase hex digits.
    public var keyIDHex: String { NoteKey.hex(keyID) }

    public var description: String { verifierKey }

    /// True when `signature` is this key's Ed25519 signature (RFC 8032) of `text`.
    public func verify(text: String, signature: [UInt8]) -> Bool {
        signature.count == 64 && publicKey.verify(signature: signature, for: Array(text.utf8))
    }

    public static func == (a: NoteVerifier, b: NoteVerifier) -> Bool {
        a.name == b.name && a.keyID == b.keyID && a.rawPublicKey == b.rawPublicKey
    }
}
