extension Merkle {
    /// Verifies an inclusion proof (RFC 9162 §2.1.3.2): true when `leafHash` is leaf `index` of the
    /// tree of `size` leaves whose root is `root`.
    public static func verifyInclusion(
        leafHash: MerkleHash, index: Int, size: Int, proof: [MerkleHash], root: MerkleHash
    ) -> Bool {
        // Step 1: the index must lie inside the tree.
        guard index >= 0 && index < size else { return false }
        // Step 2.
        var fn = index
        var sn = size - 1
        // Step 3.
        var r = leafHash
        // Step 4.
        for p in proof {
            // 4a.
            if sn == 0 { return false }
            // 4b.
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = nodeHash(r, p)
            }
            // 4c.
            fn >>= 1
            sn >>= 1
        }
        // Step 5.
        return sn == 0 && r == root
    }

    /// Verifies a consistency proof (RFC 9162 §2.1.4.2): true when the tree of `size1` leaves with root
    /// `root1` is a prefix of the tree of `size2` leaves with root `root2`.
    ///
    /// The RFC's algorithm covers 0 < size1 < size2; equal sizes need an empty proof and equal roots,
    /// and size 0 (the empty tree, a prefix of every tree) needs an empty proof and the empty root.
    public static func verifyConsistency(
        size1: Int, size2: Int, root1: MerkleHash, root2: MerkleHash, proof: [MerkleHash]
    ) -> Bool {
        guard size1 >= 0 && size1 <= size2 else { return false }
        if size1 == size2 { return proof.isEmpty && root1 == root2 }
        if size1 == 0 { return proof.isEmpty && root1 == emptyRoot }
        // Step 1.
        if proof.isEmpty { return false }
        // Step 2.
        var path = proof
        if size1 & (size1 - 1) == 0 { path.insert(root1, at: 0) }
        // Step 3.
        var fn = size1 - 1
        var sn = size2 - 1
        // Step 4.
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // Step 5.
        var fr = path[0]
        var sr = path[0]
        // Step 6.
        for c in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        // Step 7.
        return fr == root1 && sr == root2 && sn == 0
    }
}
