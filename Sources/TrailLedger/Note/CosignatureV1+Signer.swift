import TrailCrypto

extension CosignatureV1 {
    /// A witness that cosigns checkpoints with an Ed25519 key.
    public struct Signer: Sendable {
        /// The matching verifier (name, key ID, public key).
        public let verifier: Verifier
        private let key: PrivateKey

        /// A cosigner named `name` for an Ed25519 `key`; `invalid-key-name` or `unsupported-note-key`.
        public init(name: String, key: PrivateKey) throws {
            verifier = try Verifier(name: name, publicKey: key.publicKey)
            self.key = key
        }

        public var name: String { verifier.name }
        public var keyID: UInt32 { verifier.keyID }

        /// The cosignature line for `checkpointText` at `timestamp` (POSIX seconds, at most 2^63 − 1).
        /// The text must be a checkpoint (`malformed-checkpoint` otherwise).
        public func sign(checkpointText: String, timestamp: UInt64) throws -> NoteSignature {
            _ = try Checkpoint(text: checkpointText)
            guard timestamp <= UInt64(Int64.max) else {
                throw TrailError.usage("invalid-timestamp", "a cosignature timestamp must not exceed 2^63 - 1")
            }
            let sig = try key.sign(CosignatureV1.message(checkpointText: checkpointText, timestamp: timestamp))
            return NoteSignature(name: name, keyID: keyID, signature: bigEndian(timestamp) + sig)
        }

        /// `note` with this witness's cosignature line appended.
        public func cosign(_ note: SignedNote, timestamp: UInt64) throws -> SignedNote {
            var out = note
            out.signatures.append(try sign(checkpointText: note.text, timestamp: timestamp))
            return out
        }

        private func bigEndian(_ v: UInt64) -> [UInt8] {
            (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * $0)) }
        }
    }
}
