import TrailCrypto

extension CosignatureV1 {
    /// A witness's cosignature public key.
    public struct Verifier: Sendable, Equatable, CustomStringConvertible {
        /// The key name.
        public let name: String
        /// SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4], big-endian.
        public let keyID: UInt32
        /// The Ed25519 public key.
        public let publicKey: PublicKey
        /// Its 32 raw bytes.
        public let rawPublicKey: [UInt8]

        /// A cosignature verifier for `publicKey` (Ed25519) under `name`.
        public init(name: String, publicKey: PublicKey) throws {
            rawPublicKey = try NoteKey.checkedEd25519(name: name, publicKey: publicKey)
            self.name = name
            self.publicKey = publicKey
            keyID = CosignatureV1.keyID(name: name, publicKey: rawPublicKey)
        }

        /// Parses a vkey `<name>+<hex key id>+<base64(0x04 ‖ public key)>`; `malformed-verifier-key`.
        public init(verifierKey: String) throws {
            let (name, raw) = try NoteKey.parseEd25519VerifierKey(verifierKey, type: NoteKey.cosignatureV1Type)
            try self.init(name: name, publicKey: try PublicKey(ed25519Raw: raw))
        }

        /// `<name>+<hex key id>+<base64(0x04 ‖ public key)>`.
        public var verifierKey: String {
            NoteKey.verifierKey(name: name, keyID: keyID, type: NoteKey.cosignatureV1Type, publicKey: rawPublicKey)
        }

        public var description: String { verifierKey }

        /// True when `signature`'s name and key ID are this witness's.
        public func matches(_ signature: NoteSignature) -> Bool {
            signature.name == name && signature.keyID == keyID
        }

        /// Verifies one cosignature line over `checkpointText` and returns its timestamp.
        /// Throws `cosignature-invalid` when the line is not this witness's, has the wrong length, a
        /// timestamp above 2^63 − 1, or a signature that does not verify.
        public func verify(_ signature: NoteSignature, checkpointText: String) throws -> UInt64 {
            guard matches(signature) else {
                throw CosignatureV1.invalid(
                    "the line is by \(signature.name) \(NoteKey.hex(signature.keyID)), not \(name)")
            }
            let s = signature.signature
            guard s.count == CosignatureV1.signatureLength else {
                throw CosignatureV1.invalid(
                    "the cosignature by \(name) has \(s.count) bytes after the key id, not \(CosignatureV1.signatureLength)"
                )
            }
            let timestamp = s[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard timestamp <= UInt64(Int64.max) else {
                throw CosignatureV1.invalid("the cosignature by \(name) has a timestamp above 2^63 - 1")
            }
            let message = CosignatureV1.message(checkpointText: checkpointText, timestamp: timestamp)
            guard publicKey.verify(signature: Array(s[8...]), for: message) else {
                throw CosignatureV1.invalid("the cosignature by \(name) (key id \(NoteKey.hex(keyID))) does not verify")
            }
            return timestamp
        }

        /// The timestamp of this witness's cosignature in `note`, nil when the note has no line with this
        /// witness's name and key ID; `cosignature-invalid` when such a line does not verify.
        public func verify(_ note: SignedNote) throws -> UInt64? {
            var newest: UInt64? = nil
            for sig in note.signatures where matches(sig) {
                let t = try verify(sig, checkpointText: note.text)
                newest = max(newest ?? 0, t)
            }
            return newest
        }

        public static func == (a: Verifier, b: Verifier) -> Bool {
            a.name == b.name && a.keyID == b.keyID && a.rawPublicKey == b.rawPublicKey
        }
    }
}
