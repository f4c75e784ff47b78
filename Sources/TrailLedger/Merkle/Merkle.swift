import Foundation
import TrailCrypto

/// The RFC 6962 / RFC 9162 Merkle tree: hashing (RFC 9162 §2.1.1), proofs (§2.1.3, §2.1.4) and their
/// verification, over any store of subtree hashes (`MerkleHashSource`).
///
/// Leaves are indexed from 0. `size` is a number of leaves. A "complete subtree at (level, index)" is
/// the 2^level leaves starting at index·2^level, as in Go's sumdb/tlog.
public enum Merkle {
    /// MTH({}) = SHA-256() — the hash of the empty tree (RFC 9162 §2.1.1).
    public static let emptyRoot = MerkleHash(Digest.sha256([UInt8]()))!

    /// MTH({d(0)}) = SHA-256(0x00 ‖ d(0)) — the leaf hash of one entry (RFC 9162 §2.1.1).
    public static func leafHash<D: ContiguousBytes>(_ entry: D) -> MerkleHash {
        entry.withUnsafeBytes { e in
            withUnsafeTemporaryAllocation(byteCount: e.count + 1, alignment: 1) { buf in
                buf[0] = 0x00
                if e.count > 0 { UnsafeMutableRawBufferPointer(rebasing: buf[1...]).copyMemory(from: e) }
                return MerkleHash(Digest.sha256(UnsafeRawBufferPointer(buf)))!
            }
        }
    }

    /// SHA-256(0x01 ‖ left ‖ right) — an interior node (RFC 9162 §2.1.1, MTH for n > 1).
    public static func nodeHash(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { buf in
            buf[0] = 0x01
            left.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buf[1..<33]).copyMemory(from: $0) }
            right.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buf[33..<65]).copyMemory(from: $0) }
            return MerkleHash(Digest.sha256(UnsafeRawBufferPointer(buf)))!
        }
    }

    /// The largest power of two strictly less than `n` (RFC 9162 §2.1.1's k), for n > 1.
    static func splitPoint(_ n: Int) -> Int {
        precondition(n > 1)
        return 1 << (Int.bitWidth - 1 - (n - 1).leadingZeroBitCount)
    }

    static func outOfRange(_ what: String) -> TrailError {
        TrailError("merkle-out-of-range", what, category: .usage)
    }
}
