import TrailCrypto

/// Duplicates (DESIGN-NOTES "Duplicates"): the same payload appended again with the same set of signer certificates
/// is a `duplicate-statement`, whatever the signature bytes — a signature listed twice, a fresh ECDSA signature, or
/// ECDSA's s → n−s all leave the identity unchanged. Append refuses it; verify reports it.
///
/// Codes: `duplicate-statement`.
enum DuplicateRule {
    static func finding(seq: Int) -> Finding {
        Finding(
            seq: seq, code: "duplicate-statement",
            message: "the same statement (payload and signer certificates) appears earlier in the ledger",
            remedy: "a statement is recorded once; to change it, retract it and append a new one")
    }
}

extension Envelope {
    /// What makes two envelopes the same statement: SHA-256 over the payload's SHA-256 and the sorted set of the
    /// signatures' keyids (each names one certificate: the SHA-256 of its DER), lowercased, each length-prefixed.
    public var statementIdentity: [UInt8] {
        var h = Digest.sha256(payload)
        for id in Set(signatures.map { Array($0.keyid.lowercased().utf8) }).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let n = UInt32(clamping: id.count)
            h += [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + id
        }
        return Digest.sha256(h)
    }
}
