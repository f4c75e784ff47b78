import Foundation
import TrailCrypto

/// The one place proofs about a ledger file get their subtree hashes.
///
/// It reads the sidecar index's stored subtree hashes (`<ledger>.idx.hashes`, SPEC.md §4), bringing the
/// index up to date first, so a proof costs O(log n) reads. When the index cannot be used — a ledger that
/// does not verify, a read-only folder — it falls back to scanning the file's leaf hashes (O(n)).
public enum LedgerProofs {
    /// A hash source over the first `size` complete lines of the ledger at `path` (all lines when nil).
    /// Errors: `io-error`; `merkle-out-of-range` when the ledger holds fewer than `size` lines.
    public static func hashSource(forLedger path: String, upTo size: Int? = nil) throws -> any MerkleHashSource {
        try hashSource(forLedger: path, index: nil, upTo: size)
    }

    /// As above, using `index` when given (already open and caught up) instead of opening it again.
    static func hashSource(forLedger path: String, index: LedgerIndex?, upTo size: Int?) throws -> any MerkleHashSource {
        if let index = index ?? (try? LedgerIndex.open(ledger: path)), index.recordCount >= (size ?? 0) {
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

/// Where proofs read the records they carry.
public enum ProofSource: Sendable {
    /// The sidecar index (opened, caught up or rebuilt first), falling back to a full scan of the ledger when the
    /// index cannot be opened or any record it points to is not what it should be.
    case automatic
    /// The sidecar index only: `index-unusable` instead of falling back (for tests and diagnostics).
    case index
    /// A full scan of the ledger, ignoring the index's record lists (proof hashes may still come from it).
    case scan
}

/// The index's stored hashes, limited to the first `size` records (keeps the index, and its files, open).
struct IndexedHashSource: MerkleHashSource {
    let index: LedgerIndex
    let size: Int

    func subtreeHash(level: Int, index i: Int) throws -> MerkleHash {
        try index.hashes.subtreeHash(level: level, index: i)
    }
}
