import TrailCrypto

/// One signature line of a signed note: `— <name> <base64(key ID ‖ signature)>` (C2SP signed-note).
public struct NoteSignature: Sendable, Hashable {
    /// The key name.
    public var name: String
    /// The 32-bit key ID (first four bytes of the base64 payload, big-endian).
    public var keyID: UInt32
    /// The bytes after the key ID: the signature proper, whose layout the signature type defines.
    public var signature: [UInt8]

    public init(name: String, keyID: UInt32, signature: [UInt8]) {
        self.name = name
        self.keyID = keyID
        self.signature = signature
    }

    /// base64(key ID ‖ signature).
    public var base64: String {
        Base64.encode(
            [UInt8(keyID >> 24), UInt8(keyID >> 16 & 0xFF), UInt8(keyID >> 8 & 0xFF), UInt8(keyID & 0xFF)] + signature)
    }

    /// The whole line, em dash (U+2014) first, newline last.
    public var line: String { "\u{2014} " + name + " " + base64 + "\n" }
}
