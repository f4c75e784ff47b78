/// A store of the hashes of complete, aligned subtrees of an RFC 6962 tree, from which roots and proofs
/// are computed in O(log n) reads. `InMemoryMerkleTree` is one; a file-backed index can be another.
public protocol MerkleHashSource {
    /// Number of leaves stored.
    var size: Int { get }

    /// The hash of the complete subtree of 2^level leaves starting at leaf index·2^level
    /// (level 0 is the leaf hashes). Requires (index + 1)·2^level ≤ size.
    func subtreeHash(level: Int, index: Int) throws -> MerkleHash
}

extension MerkleHashSource {
    /// The root of the tree of the first `size` leaves (RFC 9162 §2.1.1).
    public func root(size: Int) throws -> MerkleHash { try Merkle.root(of: self, size: size) }

    /// The root of the tree of all stored leaves.
    public func root() throws -> MerkleHash { try Merkle.root(of: self, size: size) }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1), sibling first.
    public func inclusionProof(index: Int, size: Int) throws -> [MerkleHash] {
        try Merkle.inclusionProof(of: self, index: index, size: size)
    }

    /// The consistency proof between the trees of `from` and `to` leaves (RFC 9162 §2.1.4.1).
    public func consistencyProof(from: Int, to: Int) throws -> [MerkleHash] {
        try Merkle.consistencyProof(of: self, from: from, to: to)
    }
}
