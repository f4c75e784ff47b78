import TrailCrypto

/// Rules shared by every signed-note key (C2SP signed-note: key names, key IDs, verifier keys).
public enum NoteKey {
    /// Signature type 0x01: Ed25519 over the note text (C2SP signed-note §Ed25519 signatures).
    public static let ed25519Type: UInt8 = 0x01
    /// Signature type 0x04: timestamped Ed25519 witness cosignatures (C2SP tlog-cosignature).
    public static let cosignatureV1Type: UInt8 = 0x04

    /// C2SP signed-note: "Key names MUST be non-empty and MUST NOT contain any Unicode spaces or plus
    /// (U+002B) characters." Control characters are refused too, as no note may contain them.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && !name.unicodeScalars.contains {
                $0 == "+" || $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F
            }
    }

    /// key ID = SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key)[:4], big-endian (C2SP signed-note).
    public static func keyID(name: String, type: UInt8, publicKey: [UInt8]) -> UInt32 {
        let h = Digest.sha256(Array(name.utf8) + [0x0A, type] + publicKey)
        return UInt32(h[0]) << 24 | UInt32(h[1]) << 16 | UInt32(h[2]) << 8 | UInt32(h[3])
    }

    /// Eight lowercase hex digits of a key ID.
    public static func hex(_ keyID: UInt32) -> String {
        let s = String(keyID, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }

    /// The vkey encoding `<name>+<hex key ID>+<base64(type ‖ public key)>` (C2SP signed-note §Verifier keys).
    static func verifierKey(name: String, keyID: UInt32, type: UInt8, publicKey: [UInt8]) -> String {
        name + "+" + hex(keyID) + "+" + Base64.encode([type] + publicKey)
    }

    /// Parses a vkey of the given signature type holding a 32-byte Ed25519 key, checking that the key ID
    /// is the one the name and key produce. Throws `malformed-verifier-key`.
    static func parseEd25519VerifierKey(_ vkey: String, type: UInt8) throws -> (name: String, raw: [UInt8]) {
        func bad(_ why: String) -> TrailError {
            TrailError.malformed("malformed-verifier-key", "verifier key \"\(vkey)\": \(why)")
        }
        // The base64 key may itself contain "+": split off only the name and the key ID.
        let parts = vkey.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw bad("expected <name>+<key id>+<key>") }
        let name = String(parts[0])
        guard isValidName(name) else { throw bad("the key name is empty or contains whitespace") }
        guard parts[1].utf8.count == 8, let idBytes = Hex.decode(String(parts[1])) else {
            throw bad("the key id is not 8 hex digits")
        }
        guard let key = Base64.decodeStandard(String(parts[2])), Base64.encode(key) == parts[2] else {
            throw bad("the key is not standard base64")
        }
        guard key.first == type else {
            throw bad("signature type 0x\(String(key.first ?? 0, radix: 16)) is not 0x0\(type)")
        }
        let raw = Array(key.dropFirst())
        guard raw.count == 32 else { throw bad("an Ed25519 key is 32 bytes") }
        let id = idBytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard id == keyID(name: name, type: type, publicKey: raw) else {
            throw bad("the key id does not match the name and key")
        }
        return (name, raw)
    }

    /// The raw key of an Ed25519 public key and its checked name; `invalid-key-name` or `unsupported-note-key`.
    static func checkedEd25519(name: String, publicKey: PublicKey) throws -> [UInt8] {
        guard isValidName(name) else {
            throw TrailError.usage(
                "invalid-key-name", "note key name \"\(name)\" must be non-empty, without whitespace or '+'")
        }
        guard let raw = publicKey.ed25519Raw else {
            throw TrailError.usage(
                "unsupported-note-key", "signed notes need an Ed25519 key, not \(publicKey.algorithm)")
        }
        return raw
    }
}
