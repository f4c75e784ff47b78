import Foundation
import TrailCrypto

/// The one place proofs about a ledger file get their subtree hashes.
///
/// It reads the sidecar index's stored subtree hashes (`<ledger>.idx.hashes`, DESIGN.md §4), bringing the
/// index up to date first, so a proof costs O(log n) reads. When the index cannot be used — a ledger that
/// does not verify, a read-only folder — it falls back to scanning the file's leaf hashes (O(n)).
public enum LedgerProofs {
    /// A hash source over the first `size` complete lines of the ledger at `path` (all lines when nil).
    /// Errors: `io-error`; `merkle-out-of-range` when the ledger holds fewer than `size` lines.
    public static func hashSource(forLedger path: String, upTo size: Int? = nil) throws -> any MerkleHashSource {
        if let index = try? LedgerIndex.open(ledger: path), index.recordCount >= (size ?? 0) {
            return IndexedHashSource(index: index, size: size ?? index.recordCount)
        }
        var tree = InMemoryMerkleTree()
        let reader = try LineReader(path: path)
        while tree.size < (size ?? Int.max), let item = try reader.next() {
            guard case .line(_, _, let bytes) = item else { break }
            tree.append(leafHash: Merkle.leafHash(bytes))
        }
        if let size, tree.size < size {
            throw TrailError(
                "merkle-out-of-range", "\(path) holds \(tree.size) complete lines, fewer than the tree size \(size)",
                file: path)
        }
        return tree
    }
}

/// The index's stored hashes, limited to the first `size` records (keeps the index, and its files, open).
struct IndexedHashSource: MerkleHashSource {
    let index: LedgerIndex
    let size: Int

    func subtreeHash(level: Int, index i: Int) throws -> MerkleHash {
        try index.hashes.subtreeHash(level: level, index: i)
    }
}
