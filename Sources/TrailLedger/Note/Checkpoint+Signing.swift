import TrailCrypto

extension Checkpoint {
    /// This checkpoint as a C2SP signed note signed by the operator key (key name = origin).
    public func signedNote(by key: PrivateKey) throws -> String {
        var note = try SignedNote(text: text)
        try note.sign(with: try NoteSigner(name: origin, key: key))
        return note.serialized
    }
}
