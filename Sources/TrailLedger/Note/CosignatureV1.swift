import TrailCrypto

/// C2SP tlog-cosignature, Ed25519 `cosignature/v1` (signature type 0x04): a witness's timestamped
/// signature of a checkpoint, carried as one more signature line of the checkpoint's signed note.
///
/// The line's base64 payload is key ID (4) ‖ timestamp (8, big-endian) ‖ Ed25519 signature (64), and the
/// signature covers `cosignature/v1\ntime <timestamp>\n` followed by the checkpoint text.
public enum CosignatureV1 {
    /// Bytes after the key ID: 8-byte timestamp and 64-byte signature.
    public static let signatureLength = 72

    /// key ID = SHA-256(name ‖ 0x0A ‖ 0x04 ‖ 32-byte Ed25519 public key)[:4].
    public static func keyID(name: String, publicKey: [UInt8]) -> UInt32 {
        NoteKey.keyID(name: name, type: NoteKey.cosignatureV1Type, publicKey: publicKey)
    }

    /// The signed message (C2SP tlog-cosignature §Ed25519 signed message): the header line, the timestamp
    /// line in decimal without leading zeros, then the whole checkpoint text with its final newline.
    public static func message(checkpointText: String, timestamp: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(timestamp)\n".utf8) + Array(checkpointText.utf8)
    }

    static func invalid(_ why: String) -> TrailError {
        TrailError("cosignature-invalid", why)
    }
}
