import Foundation

/// The compact range [0, size) of an RFC 6962 tree: only the roots of the O(log n) complete subtrees
/// that make up the leaves so far, enough to append more leaves and compute the current root.
///
/// Streaming verification uses it to recompute every checkpoint's root with bounded memory.
public struct MerkleAccumulator: Sendable, Equatable {
    /// Number of leaves appended.
    public private(set) var size: Int = 0
    /// Roots of the complete subtrees for the set bits of `size`, largest (leftmost) first.
    public private(set) var peaks: [MerkleHash] = []

    /// An empty tree.
    public init() {}

    /// The compact range of the first `size` leaves of `source`: one stored hash per set bit of `size`.
    public init<S: MerkleHashSource>(source: S, size: Int) throws {
        guard size >= 0 && size <= source.size else {
            throw Merkle.outOfRange("tree size \(size) is not within the \(source.size) leaves available")
        }
        var start = 0
        for level in stride(from: Int.bitWidth - 2, through: 0, by: -1) where size & (1 << level) != 0 {
            peaks.append(try source.subtreeHash(level: level, index: start >> level))
            start += 1 << level
        }
        self.size = size
    }

    /// Appends one leaf by its leaf hash, merging equal-sized subtrees as a binary counter carries.
    public mutating func append(leafHash: MerkleHash) {
        var h = leafHash
        var s = size
        while s & 1 == 1 {
            h = Merkle.nodeHash(peaks.removeLast(), h)
            s >>= 1
        }
        peaks.append(h)
        size += 1
    }

    /// Appends one entry, hashing it as a leaf.
    public mutating func append<D: ContiguousBytes>(entry: D) {
        append(leafHash: Merkle.leafHash(entry))
    }

    /// MTH of the leaves so far (RFC 9162 §2.1.1): the peaks folded right to left.
    public var root: MerkleHash {
        guard var r = peaks.last else { return Merkle.emptyRoot }
        for p in peaks.dropLast().reversed() { r = Merkle.nodeHash(p, r) }
        return r
    }
}
