extension Merkle {
    /// MTH(D[start:end]) (RFC 9162 §2.1.1), read from `source`.
    ///
    /// The range is one that the RFC's recursion produces: when it is a complete aligned subtree it is
    /// one stored hash; otherwise it splits at the largest power of two k < n, and the left part
    /// D[start:start+k] is again complete and aligned.
    static func hash<S: MerkleHashSource>(_ source: S, _ start: Int, _ end: Int) throws -> MerkleHash {
        let n = end - start
        if n == 0 { return emptyRoot }
        if n & (n - 1) == 0 && start % n == 0 {
            return try source.subtreeHash(level: n.trailingZeroBitCount, index: start / n)
        }
        let k = splitPoint(n)
        return nodeHash(try hash(source, start, start + k), try hash(source, start + k, end))
    }

    /// The root of the first `size` leaves, MTH(D[0:size]) (RFC 9162 §2.1.1).
    public static func root<S: MerkleHashSource>(of source: S, size: Int) throws -> MerkleHash {
        guard size >= 0 && size <= source.size else {
            throw outOfRange("tree size \(size) is not within the \(source.size) leaves available")
        }
        return try hash(source, 0, size)
    }

    /// The inclusion proof PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), the leaf's sibling first.
    public static func inclusionProof<S: MerkleHashSource>(of source: S, index: Int, size: Int) throws -> [MerkleHash] {
        guard size <= source.size else {
            throw outOfRange("tree size \(size) is beyond the \(source.size) leaves available")
        }
        guard index >= 0 && index < size else {
            throw outOfRange("leaf \(index) is not in a tree of size \(size)")
        }
        var proof: [MerkleHash] = []
        try path(source, index, 0, size, &proof)
        return proof
    }

    /// PATH(m, D[start:end]): for n > 1 and k the largest power of two < n, PATH(m, D[0:k]) : MTH(D[k:n])
    /// if m < k, else PATH(m − k, D[k:n]) : MTH(D[0:k]). Appends deepest first.
    private static func path<S: MerkleHashSource>(
        _ source: S, _ m: Int, _ start: Int, _ end: Int, _ proof: inout [MerkleHash]
    ) throws {
        let n = end - start
        if n <= 1 { return }
        let k = splitPoint(n)
        if m < k {
            try path(source, m, start, start + k, &proof)
            proof.append(try hash(source, start + k, end))
        } else {
            try path(source, m - k, start + k, end, &proof)
            proof.append(try hash(source, start, start + k))
        }
    }

    /// The consistency proof PROOF(from, D[0:to]) (RFC 9162 §2.1.4.1); empty when `from` is 0 or equals `to`.
    public static func consistencyProof<S: MerkleHashSource>(of source: S, from m: Int, to n: Int) throws
        -> [MerkleHash]
    {
        guard n <= source.size else {
            throw outOfRange("tree size \(n) is beyond the \(source.size) leaves available")
        }
        guard m >= 0 && m <= n else {
            throw outOfRange("cannot prove size \(m) consistent with size \(n)")
        }
        if m == 0 { return [] }
        var proof: [MerkleHash] = []
        try subproof(source, m, 0, n, true, &proof)
        return proof
    }

    /// SUBPROOF(m, D[start:end], b) (RFC 9162 §2.1.4.1):
    /// {} if m = n and b; {MTH(D[0:m])} if m = n and not b; otherwise, with k the largest power of two
    /// < n, SUBPROOF(m, D[0:k], b) : MTH(D[k:n]) if m ≤ k, else SUBPROOF(m − k, D[k:n], false) : MTH(D[0:k]).
    private static func subproof<S: MerkleHashSource>(
        _ source: S, _ m: Int, _ start: Int, _ end: Int, _ b: Bool, _ proof: inout [MerkleHash]
    ) throws {
        let n = end - start
        if m == n {
            if !b { proof.append(try hash(source, start, end)) }
            return
        }
        let k = splitPoint(n)
        if m <= k {
            try subproof(source, m, start, start + k, b, &proof)
            proof.append(try hash(source, start + k, end))
        } else {
            try subproof(source, m - k, start + k, end, false, &proof)
            proof.append(try hash(source, start, start + k))
        }
    }
}
