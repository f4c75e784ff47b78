/// What verifying a signed note found: the known keys whose signatures verified, and the lines from
/// keys the verifier does not know (ignored, as the spec requires, but reported).
public struct NoteVerification: Sendable, Equatable {
    /// Known keys with a valid signature, in the order their lines appear.
    public var verifiedBy: [NoteVerifier]
    /// Signature lines whose name and key ID match no known key.
    public var unknownSignatures: [NoteSignature]

    /// True when `verifier` signed the note.
    public func isSigned(by verifier: NoteVerifier) -> Bool { verifiedBy.contains(verifier) }
}
