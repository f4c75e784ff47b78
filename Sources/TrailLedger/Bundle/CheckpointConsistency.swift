import TrailCrypto

/// Two saved checkpoints checked against each other through a ledger (`ledger consistency`).
public struct CheckpointConsistency: Sendable {
    public var old: Checkpoint
    public var new: Checkpoint
    /// The RFC 9162 §2.1.4 consistency proof from the old tree to the new one, computed from the ledger.
    public var proof: [MerkleHash]

    /// Verifies both notes' operator signatures against the ledger's operator keys (the genesis operator and
    /// operator-role Ed25519 certificate records, as written in the ledger — `ledger verify` validates their
    /// chains), then the RFC 6962 consistency proof between them computed from the ledger at `path`.
    ///
    /// Errors: `malformed-checkpoint`/`malformed-note`, `checkpoint-signature-invalid`,
    /// `checkpoint-origin-mismatch`, `inconsistent-with-checkpoint` (the old tree is not a prefix of the new
    /// one, or the ledger does not hold the new tree).
    public static func check(old oldNote: String, new newNote: String, ledger path: String) throws -> CheckpointConsistency {
        let genesis = try LedgerReader.genesis(path: path)
        var keys: [PublicKey] = [try Certificate(der: genesis.operatorCert).publicKey]
        try LedgerReader.forEach(path: path) { r, _ in
            if case .certificate(let der, _) = r.body, let c = try? Certificate(der: der), c.roles.contains(.operator),
                let k = try? c.publicKey, k.algorithm == .ed25519
            {
                keys.append(k)
            }
        }
        let verifiers = keys.compactMap { try? NoteVerifier(name: genesis.origin, publicKey: $0) }
        func open(_ note: String, _ which: String) throws -> Checkpoint {
            let parsed = try SignedNote(parsing: note)
            let cp = try Checkpoint(text: parsed.text)
            guard cp.origin == genesis.origin else {
                throw TrailError(
                    "checkpoint-origin-mismatch", "the \(which) checkpoint is for \(cp.origin), the ledger's origin is \(genesis.origin)")
            }
            do {
                _ = try parsed.verify(using: verifiers)
            } catch let e as TrailError {
                throw TrailError(
                    "checkpoint-signature-invalid",
                    "the \(which) checkpoint (size \(cp.size)) is not signed by an operator key of the ledger: \(e.message)")
            }
            return cp
        }
        let old = try open(oldNote, "old")
        let new = try open(newNote, "new")
        guard old.size <= new.size else {
            throw TrailError(
                "inconsistent-with-checkpoint", "the old checkpoint has size \(old.size), larger than the new one's \(new.size)",
                remedy: "give the older checkpoint first")
        }
        do {
            return try check(old: old, new: new, source: try LedgerProofs.hashSource(forLedger: path, upTo: new.size))
        } catch let e as TrailError where e.code == "merkle-out-of-range" {
            throw TrailError("inconsistent-with-checkpoint", "the ledger is shorter than the new checkpoint: \(e.message)")
        }
    }

    /// The consistency proof from `source` between `old` and `new`, verified against both roots.
    static func check<S: MerkleHashSource>(old: Checkpoint, new: Checkpoint, source: S) throws -> CheckpointConsistency {
        let ledgerRoot = try source.root(size: new.size)
        guard ledgerRoot == new.rootHash else {
            throw TrailError(
                "inconsistent-with-checkpoint",
                "the ledger's first \(new.size) records hash to \(ledgerRoot.hex.prefix(16))…, the new checkpoint says \(new.rootHash.hex.prefix(16))…: this ledger is not the one the new checkpoint signed")
        }
        let proof = try source.consistencyProof(from: old.size, to: new.size)
        guard Merkle.verifyConsistency(size1: old.size, size2: new.size, root1: old.rootHash, root2: new.rootHash, proof: proof)
        else {
            throw TrailError(
                "inconsistent-with-checkpoint",
                "the tree of size \(old.size) with root \(old.rootHash.hex.prefix(16))… is not a prefix of the tree of size \(new.size): history was rewritten",
                remedy: "both checkpoints carry the operator's signature: keep them as evidence of a split view")
        }
        return CheckpointConsistency(old: old, new: new, proof: proof)
    }
}
