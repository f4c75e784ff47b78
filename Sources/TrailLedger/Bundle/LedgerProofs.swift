import Foundation
import TrailCrypto

/// The one place proofs about a ledger file get their subtree hashes.
///
/// Today it scans the file's leaf hashes into an `InMemoryMerkleTree` (O(n) per call); a file-backed
/// sidecar index (`<ledger>.idx`, DESIGN.md §4) can replace the body without changing any caller.
public enum LedgerProofs {
    /// A hash source over the first `size` complete lines of the ledger at `path` (all lines when nil).
    /// Errors: `io-error`; `merkle-out-of-range` when the ledger holds fewer than `size` lines.
    public static func hashSource(forLedger path: String, upTo size: Int? = nil) throws -> some MerkleHashSource {
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
