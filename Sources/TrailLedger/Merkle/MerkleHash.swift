import Foundation
import TrailCrypto

/// A 32-byte SHA-256 hash in an RFC 6962 Merkle tree: a leaf hash, an interior node or a root.
///
/// Stored inline (no heap allocation), so a tree of a million leaves costs 64 MB, not millions of arrays.
public struct MerkleHash: Sendable, Hashable, Comparable, ContiguousBytes, CustomStringConvertible {
    /// Byte count of a SHA-256 hash.
    public static let byteCount = 32

    // The 32 bytes in order, in memory: (w0, w1, w2, w3) is laid out contiguously without padding.
    private var w: (UInt64, UInt64, UInt64, UInt64)

    /// The hash with the given 32 bytes; nil for any other length.
    public init?<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        guard bytes.count == MerkleHash.byteCount else { return nil }
        w = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &w) { dst in
            for (i, b) in bytes.enumerated() { dst[i] = b }
        }
    }

    /// Parses lowercase or uppercase hex of exactly 32 bytes.
    public init?(hex: String) {
        guard let b = Hex.decode(hex) else { return nil }
        self.init(b)
    }

    /// Parses standard padded base64 of exactly 32 bytes (canonical encoding only).
    public init?(base64: String) {
        guard let b = Base64.decodeStandard(base64), Base64.encode(b) == base64 else { return nil }
        self.init(b)
    }

    /// The hash's bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Lowercase hex.
    public var hex: String { withUnsafeBytes { Hex.encode($0) } }

    /// Standard padded base64.
    public var base64: String { Base64.encode(bytes) }

    public var description: String { hex }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: w) { try body($0) }
    }

    public static func == (a: MerkleHash, b: MerkleHash) -> Bool {
        a.w.0 == b.w.0 && a.w.1 == b.w.1 && a.w.2 == b.w.2 && a.w.3 == b.w.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(w.0)
        hasher.combine(w.1)
        hasher.combine(w.2)
        hasher.combine(w.3)
    }

    /// Byte-wise (lexicographic) order.
    public static func < (a: MerkleHash, b: MerkleHash) -> Bool {
        a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.lexicographicallyPrecedes(y) } }
    }
}
