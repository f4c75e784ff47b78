import Foundation

/// An RFC 6962 tree held in memory: every complete subtree hash, level by level, as Go's sumdb/tlog
/// stores them, so roots and proofs for any size up to `size` take O(log n) hashes.
///
/// Memory is about 2 × 32 bytes per leaf.
public struct InMemoryMerkleTree: MerkleHashSource, Sendable {
    /// `levels[l][i]` is the hash of the complete subtree of 2^l leaves starting at leaf i·2^l.
    private var levels: [[MerkleHash]] = [[]]

    public init() {}

    /// A tree of the given leaf hashes, in order.
    public init<S: Sequence>(leafHashes: S) where S.Element == MerkleHash {
        for h in leafHashes { append(leafHash: h) }
    }

    /// Number of leaves.
    public var size: Int { levels[0].count }

    /// Appends one leaf by its leaf hash (see `Merkle.leafHash`) and completes the subtrees it closes.
    public mutating func append(leafHash: MerkleHash) {
        levels[0].append(leafHash)
        var level = 0
        var h = leafHash
        // A subtree at this level is complete when the level holds an even number of hashes.
        while levels[level].count % 2 == 0 {
            h = Merkle.nodeHash(levels[level][levels[level].count - 2], h)
            level += 1
            if levels.count == level { levels.append([]) }
            levels[level].append(h)
        }
    }

    /// Appends one entry, hashing it as a leaf.
    public mutating func append<D: ContiguousBytes>(entry: D) {
        append(leafHash: Merkle.leafHash(entry))
    }

    public func subtreeHash(level: Int, index: Int) throws -> MerkleHash {
        guard level >= 0 && level < levels.count && index >= 0 && index < levels[level].count else {
            throw Merkle.outOfRange("no complete subtree at level \(level), index \(index) in a tree of size \(size)")
        }
        return levels[level][index]
    }
}
