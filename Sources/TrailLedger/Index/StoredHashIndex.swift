/// The tlog "stored hash" layout (Go's golang.org/x/mod/sumdb/tlog): every complete subtree hash of an RFC 6962
/// tree in one append-only sequence, in the order the hashes become known as leaves are appended.
///
/// Appending leaf n stores its leaf hash and then the hash of every subtree it completes, so the hashes of a
/// tree of n leaves occupy indexes 0..<StoredHash.count(n) and never move.
public enum StoredHash {
    /// The position of the hash of the complete subtree (level, n) — the 2^level leaves starting at n·2^level
    /// (tlog.StoredHashIndex).
    public static func index(level: Int, _ n: Int) -> Int {
        // Level L's n-th hash is written right after level L−1's (2n+1)-th hash: work down to level 0's
        // ordering, and add the level back at the end.
        var n = n
        for _ in stride(from: level, to: 0, by: -1) { n = 2 * n + 1 }
        // Level 0's n-th hash is written at n + n/2 + n/4 + … (until n/2^i reaches zero).
        var i = 0
        while n > 0 {
            i += n
            n >>= 1
        }
        return i + level
    }

    /// The number of stored hashes of a tree of n leaves (tlog.StoredHashCount).
    public static func count(_ n: Int) -> Int {
        if n == 0 { return 0 }
        var count = index(level: 0, n - 1) + 1
        var i = n - 1
        while i & 1 != 0 {
            count += 1
            i >>= 1
        }
        return count
    }
}
