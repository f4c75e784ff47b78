import TrailCrypto

/// A C2SP signed note: a text ending in a newline, a blank line, then one or more signature lines.
///
/// Parsing refuses anything the spec does not allow (code `malformed-note`); verification follows the
/// spec's rules for known and unknown keys (see `verify(using:)`).
public struct SignedNote: Sendable, Equatable {
    /// The signed text, including its final newline.
    public private(set) var text: String
    /// The signature lines, in order.
    public var signatures: [NoteSignature]

    /// More signature lines than this make a note malformed (the spec requires accepting at least 16).
    public static let maxSignatures = 100

    /// A note with `text` (validated: non-empty, ends in a newline, no control characters but newline).
    public init(text: String, signatures: [NoteSignature] = []) throws {
        guard SignedNote.isValidText(text) else {
            throw SignedNote.malformed(
                "the text must be non-empty, end with a newline and have no control characters other than newline")
        }
        self.text = text
        self.signatures = signatures
    }

    /// Parses a signed note (C2SP signed-note §Format).
    public init(parsing note: String) throws {
        try self.init(parsing: Array(note.utf8))
    }

    /// Parses a signed note from its bytes, which must be valid UTF-8 (C2SP signed-note §Format).
    public init(parsing bytes: [UInt8]) throws {
        let string = String(decoding: bytes, as: UTF8.self)
        // Decoding repairs invalid UTF-8; a change in the bytes means there was some.
        guard string.utf8.elementsEqual(bytes) else { throw SignedNote.malformed("the note is not valid UTF-8") }
        guard !string.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) else {
            throw SignedNote.malformed("the note contains a control character other than newline")
        }
        // "the text is separated from the signatures by the last empty line in the note"
        guard let split = SignedNote.lastBlankLine(bytes) else {
            throw SignedNote.malformed("no blank line separates the text from the signatures")
        }
        let textBytes = bytes[..<(split + 1)]
        let sigBytes = bytes[(split + 2)...]
        guard !sigBytes.isEmpty, sigBytes.last == 0x0A else {
            throw SignedNote.malformed("the signature block must be one or more lines each ending with a newline")
        }
        var signatures: [NoteSignature] = []
        let dash: [UInt8] = [0xE2, 0x80, 0x94, 0x20]  // U+2014 em dash, space
        for lineBytes in sigBytes.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false) {
            guard lineBytes.starts(with: dash) else {
                throw SignedNote.malformed("a signature line must start with an em dash (U+2014) and a space")
            }
            let rest = String(decoding: lineBytes.dropFirst(dash.count), as: UTF8.self)
            guard let space = rest.firstIndex(of: " ") else {
                throw SignedNote.malformed("a signature line needs a key name, a space and a signature")
            }
            let name = String(rest[..<space])
            let b64 = String(rest[rest.index(after: space)...])
            guard NoteKey.isValidName(name) else {
                throw SignedNote.malformed("invalid key name \"\(name)\" in a signature line")
            }
            guard let raw = Base64.decodeStandard(b64), Base64.encode(raw) == b64, raw.count >= 5 else {
                throw SignedNote.malformed("the signature of \"\(name)\" is not standard base64 of at least 5 bytes")
            }
            let keyID = raw[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            signatures.append(NoteSignature(name: name, keyID: keyID, signature: Array(raw[4...])))
            guard signatures.count <= SignedNote.maxSignatures else {
                throw SignedNote.malformed("more than \(SignedNote.maxSignatures) signatures")
            }
        }
        self.text = String(decoding: textBytes, as: UTF8.self)
        self.signatures = signatures
    }

    /// The note as text: the text, a blank line, the signature lines.
    public var serialized: String {
        text + "\n" + signatures.map(\.line).joined()
    }

    /// Appends an Ed25519 signature of the text by `signer`.
    public mutating func sign(with signer: NoteSigner) throws {
        signatures.append(try signer.sign(text))
    }

    /// Verifies the note against `known` keys (C2SP signed-note §Signatures):
    /// lines whose name and key ID do not both match a known key are ignored (and reported);
    /// a line that matches a known key must verify, else `note-signature-invalid`;
    /// when no known key has signed, `note-unsigned`. Repeated lines by one key count once.
    public func verify(using known: [NoteVerifier]) throws -> NoteVerification {
        var verified: [NoteVerifier] = []
        var unknown: [NoteSignature] = []
        for sig in signatures {
            let candidates = known.filter { $0.name == sig.name && $0.keyID == sig.keyID }
            if candidates.isEmpty {
                if !unknown.contains(sig) { unknown.append(sig) }
                continue
            }
            guard let v = candidates.first(where: { $0.verify(text: text, signature: sig.signature) }) else {
                throw TrailError(
                    "note-signature-invalid",
                    "the signature by \(sig.name) (key id \(NoteKey.hex(sig.keyID))) does not verify")
            }
            if !verified.contains(v) { verified.append(v) }
        }
        guard !verified.isEmpty else {
            let names = Set(known.map(\.name)).sorted().joined(separator: ", ")
            throw TrailError("note-unsigned", "the note has no valid signature by a known key (\(names))")
        }
        return NoteVerification(verifiedBy: verified, unknownSignatures: unknown)
    }

    /// C2SP signed-note text rules: non-empty, ends with a newline, no control characters but newline.
    public static func isValidText(_ text: String) -> Bool {
        text.utf8.last == 0x0A && !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" })
    }

    /// Offset of the first newline of the last "\n\n" in `bytes`.
    static func lastBlankLine(_ bytes: [UInt8]) -> Int? {
        var i = bytes.count - 2
        while i >= 0 {
            if bytes[i] == 0x0A && bytes[i + 1] == 0x0A { return i }
            i -= 1
        }
        return nil
    }

    static func malformed(_ why: String) -> TrailError {
        TrailError.malformed("malformed-note", "malformed signed note: \(why)")
    }
}
