import TrailCrypto

/// Checkpoints (DESIGN-NOTES "Checkpoints"): a C2SP signed note whose body is a tlog checkpoint, signed by a
/// valid, unrevoked operator-role Ed25519 certificate — the genesis operator or a later certificate record (key
/// rotation; the note's key id selects the key). A checkpoint record at seq n commits to the n lines before it.
///
/// Codes: `malformed-note`, `malformed-checkpoint`, `checkpoint-signature-invalid`, `checkpoint-origin-mismatch`,
/// `checkpoint-size-mismatch`, `checkpoint-root-mismatch`.
enum CheckpointRule {
    /// Note verifiers for the operator keys usable at `time` (nil: any unrevoked one), in registration order.
    static func operatorVerifiers(origin: String, operatorKeys: [String], trust: TrustState, at time: LedgerTime?)
        -> [NoteVerifier]
    {
        operatorKeys.compactMap { fp -> NoteVerifier? in
            guard let reg = trust.certificates[fp], reg.revokedAt == nil else { return nil }
            if let time, time.date < reg.validFrom || time.date > reg.validUntil { return nil }
            return try? NoteVerifier(name: origin, publicKey: reg.publicKey)
        }
    }

    /// Parses `note` and verifies its operator signature; returns the checkpoint, the note and its signature lines
    /// that verified. A line in `verifiedBefore` (same bytes, over the same text, verified earlier) counts without
    /// being verified again when its key is still a current operator key.
    static func verifyOperatorNote(
        _ note: String, operatorKeys: [String], trust: TrustState, at time: LedgerTime?,
        verifiedBefore: [NoteSignature] = []
    ) throws -> (Checkpoint, SignedNote, [NoteSignature]) {
        let parsed = try SignedNote(parsing: note)
        let cp = try Checkpoint(text: parsed.text)
        let verifiers = operatorVerifiers(origin: cp.origin, operatorKeys: operatorKeys, trust: trust, at: time)
        let reused = parsed.signatures.filter { line in
            verifiedBefore.contains(line) && verifiers.contains { $0.name == line.name && $0.keyID == line.keyID }
        }
        if !reused.isEmpty { return (cp, parsed, reused) }
        let verified: [NoteVerifier]
        do {
            verified = try parsed.verify(using: verifiers).verifiedBy
        } catch {
            throw TrailError(
                "checkpoint-signature-invalid",
                "the checkpoint carries no valid signature by a current operator key (\(TrailError.wrap(error).message))",
                remedy: "checkpoints must be signed by the operator's registered Ed25519 key")
        }
        let lines = parsed.signatures.filter { line in verified.contains { $0.name == line.name && $0.keyID == line.keyID } }
        return (cp, parsed, lines)
    }

    /// A checkpoint record at `seq`: operator signature at the record's time, origin, size and root.
    static func check(
        _ note: String, seq: Int, time: LedgerTime, origin: String?, root: MerkleHash, operatorKeys: [String],
        trust: TrustState
    ) throws -> (Checkpoint, SignedNote, [NoteSignature]) {
        let (cp, parsed, lines) = try verifyOperatorNote(note, operatorKeys: operatorKeys, trust: trust, at: time)
        guard let origin, exactOrigin(cp.origin, origin) else {
            throw TrailError("checkpoint-origin-mismatch", "the checkpoint's origin \(cp.origin) is not the ledger's \(origin ?? "")")
        }
        guard cp.size == seq else {
            throw TrailError("checkpoint-size-mismatch", "a checkpoint at seq \(seq) must commit to size \(seq), not \(cp.size)")
        }
        guard cp.rootHash == root else {
            throw TrailError(
                "checkpoint-root-mismatch",
                "the checkpoint's root \(cp.rootHash.hex.prefix(16))… is not the root \(root.hex.prefix(16))… of the \(cp.size) lines before it (an earlier line was altered)")
        }
        return (cp, parsed, lines)
    }

    static func exactOrigin(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
}
