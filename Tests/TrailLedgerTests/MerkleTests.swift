import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

@Suite struct MerkleTests {
    let v = Vectors.merkle

    func vectorTree() -> InMemoryMerkleTree {
        var t = InMemoryMerkleTree()
        for leaf in v.leaves { t.append(entry: hexBytes(leaf)) }
        return t
    }

    @Test func hashingFollowsRFC6962() {
        #expect(Merkle.emptyRoot.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        for (leaf, expected) in zip(v.leaves, v.leafHashes) {
            #expect(Merkle.leafHash(hexBytes(leaf)).hex == expected)
            // Independently: SHA-256 over the prefixed bytes.
            #expect(Digest.sha256Hex([0x00] + hexBytes(leaf)) == expected)
        }
        let a = MerkleHash(vectorHex: v.leafHashes[0])
        let b = MerkleHash(vectorHex: v.leafHashes[1])
        #expect(Merkle.nodeHash(a, b).bytes == Digest.sha256([0x01] + a.bytes + b.bytes))
    }

    @Test func rootsMatchVectorsForTreeAndAccumulator() throws {
        let tree = vectorTree()
        var acc = MerkleAccumulator()
        #expect(acc.root.hex == v.roots["0"])
        for (i, leaf) in v.leaves.enumerated() {
            acc.append(entry: hexBytes(leaf))
            #expect(acc.root.hex == v.roots["\(i + 1)"], "accumulator root at size \(i + 1)")
        }
        for (size, root) in v.roots {
            #expect(try tree.root(size: Int(size)!).hex == root, "tree root at size \(size)")
            #expect(try MerkleAccumulator(source: tree, size: Int(size)!).root.hex == root)
        }
        #expect(throws: TrailError.self) { try tree.root(size: 9) }
    }

    @Test func inclusionProofsMatchVectorsAndVerify() throws {
        let tree = vectorTree()
        #expect(!v.inclusion.isEmpty)
        for c in v.inclusion {
            let proof = try tree.inclusionProof(index: c.index, size: c.size)
            #expect(proof.map(\.hex) == c.proof, "index \(c.index) size \(c.size)")
            let root = MerkleHash(vectorHex: v.roots["\(c.size)"]!)
            let leaf = MerkleHash(vectorHex: v.leafHashes[c.index])
            #expect(Merkle.verifyInclusion(leafHash: leaf, index: c.index, size: c.size, proof: proof, root: root))
        }
    }

    @Test func consistencyProofsMatchVectorsAndVerify() throws {
        let tree = vectorTree()
        #expect(!v.consistency.isEmpty)
        for c in v.consistency {
            let proof = try tree.consistencyProof(from: c.size1, to: c.size2)
            #expect(proof.map(\.hex) == c.proof, "\(c.size1) → \(c.size2)")
            let r1 = MerkleHash(vectorHex: v.roots["\(c.size1)"]!)
            let r2 = MerkleHash(vectorHex: v.roots["\(c.size2)"]!)
            #expect(Merkle.verifyConsistency(size1: c.size1, size2: c.size2, root1: r1, root2: r2, proof: proof))
        }
    }

    /// Every way of spoiling a proof: a flipped bit in any hash, a missing or extra hash, wrong index or size.
    @Test func alteredInclusionProofsAreRejected() throws {
        let tree = vectorTree()
        for c in v.inclusion {
            let proof = try tree.inclusionProof(index: c.index, size: c.size)
            let root = MerkleHash(vectorHex: v.roots["\(c.size)"]!)
            let leaf = MerkleHash(vectorHex: v.leafHashes[c.index])
            for bad in spoiled(proof) {
                #expect(!Merkle.verifyInclusion(leafHash: leaf, index: c.index, size: c.size, proof: bad, root: root))
            }
            for bit in [0, 100, 255] {
                #expect(
                    !Merkle.verifyInclusion(
                        leafHash: flip(leaf, bit), index: c.index, size: c.size, proof: proof, root: root))
                #expect(
                    !Merkle.verifyInclusion(
                        leafHash: leaf, index: c.index, size: c.size, proof: proof, root: flip(root, bit)))
            }
            for index in [c.index - 1, c.index + 1, c.index + c.size, -1] where index != c.index {
                #expect(!Merkle.verifyInclusion(leafHash: leaf, index: index, size: c.size, proof: proof, root: root))
            }
            // RFC 6962 roots do not commit to the tree size (the signed checkpoint does), so a wrong size is
            // checked against the root of the size claimed, and against the true root where the proof's shape
            // for the claimed size differs.
            for size in [c.size - 1, c.size + 1, c.size * 2, 0] where size != c.size {
                let claimed = v.roots["\(size)"].map { MerkleHash(vectorHex: $0) } ?? Merkle.emptyRoot
                #expect(
                    !Merkle.verifyInclusion(leafHash: leaf, index: c.index, size: size, proof: proof, root: claimed))
                let shape = (try? tree.inclusionProof(index: c.index, size: size))?.count
                if shape != proof.count {
                    #expect(
                        !Merkle.verifyInclusion(leafHash: leaf, index: c.index, size: size, proof: proof, root: root))
                }
            }
        }
    }

    @Test func alteredConsistencyProofsAreRejected() throws {
        let tree = vectorTree()
        for c in v.consistency {
            let proof = try tree.consistencyProof(from: c.size1, to: c.size2)
            let r1 = MerkleHash(vectorHex: v.roots["\(c.size1)"]!)
            let r2 = MerkleHash(vectorHex: v.roots["\(c.size2)"]!)
            for bad in spoiled(proof) {
                #expect(!Merkle.verifyConsistency(size1: c.size1, size2: c.size2, root1: r1, root2: r2, proof: bad))
            }
            for bit in [0, 77, 255] {
                #expect(
                    !Merkle.verifyConsistency(
                        size1: c.size1, size2: c.size2, root1: flip(r1, bit), root2: r2, proof: proof))
                #expect(
                    !Merkle.verifyConsistency(
                        size1: c.size1, size2: c.size2, root1: r1, root2: flip(r2, bit), proof: proof))
            }
            for s1 in [c.size1 - 1, c.size1 + 1] where s1 > 0 && s1 != c.size1 {
                #expect(!Merkle.verifyConsistency(size1: s1, size2: c.size2, root1: r1, root2: r2, proof: proof))
            }
            for s2 in [c.size2 - 1, c.size2 + 1, c.size2 * 2] where s2 != c.size2 && s2 >= c.size1 {
                let claimed = v.roots["\(s2)"].map { MerkleHash(vectorHex: $0) } ?? Merkle.emptyRoot
                #expect(!Merkle.verifyConsistency(size1: c.size1, size2: s2, root1: r1, root2: claimed, proof: proof))
                let shape = (try? tree.consistencyProof(from: c.size1, to: s2))?.count
                if shape != proof.count {
                    #expect(!Merkle.verifyConsistency(size1: c.size1, size2: s2, root1: r1, root2: r2, proof: proof))
                }
            }
        }
        // Sizes out of order, and the empty tree.
        let r4 = try tree.root(size: 4)
        let r8 = try tree.root(size: 8)
        #expect(
            !Merkle.verifyConsistency(
                size1: 8, size2: 4, root1: r8, root2: r4, proof: try tree.consistencyProof(from: 4, to: 8)))
        #expect(Merkle.verifyConsistency(size1: 0, size2: 8, root1: Merkle.emptyRoot, root2: r8, proof: []))
        #expect(!Merkle.verifyConsistency(size1: 0, size2: 8, root1: r4, root2: r8, proof: []))
    }

    @Test func proofRequestsOutsideTheTreeThrow() {
        let tree = vectorTree()
        #expect(throws: TrailError.self) { try tree.inclusionProof(index: 8, size: 8) }
        #expect(throws: TrailError.self) { try tree.inclusionProof(index: 0, size: 9) }
        #expect(throws: TrailError.self) { try tree.inclusionProof(index: -1, size: 3) }
        #expect(throws: TrailError.self) { try tree.consistencyProof(from: 5, to: 4) }
        #expect(throws: TrailError.self) { try tree.consistencyProof(from: 1, to: 9) }
        #expect(throws: TrailError.self) { try tree.subtreeHash(level: 3, index: 1) }
        #expect((try? tree.consistencyProof(from: 0, to: 8)) == [])
    }

    /// Every inclusion and consistency proof of random trees of 1…300 leaves verifies, and the
    /// accumulator agrees with the tree at every size.
    @Test func randomizedCrossCheck() throws {
        var rng = SystemRandomNumberGenerator()
        var tree = InMemoryMerkleTree()
        var acc = MerkleAccumulator()
        var roots = [Merkle.emptyRoot]
        var leaves: [MerkleHash] = []
        for n in 1...300 {
            let entry = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let leaf = Merkle.leafHash(entry)
            leaves.append(leaf)
            tree.append(leafHash: leaf)
            acc.append(leafHash: leaf)
            let root = try tree.root()
            #expect(acc.root == root, "size \(n)")
            #expect(root == naiveRoot(leaves[...]), "size \(n)")
            roots.append(root)
        }
        for n in 1...300 {
            // All indices for small trees, a random sample (always with both ends) for bigger ones.
            let indices = n <= 40 ? Array(0..<n) : [0, n - 1] + (0..<8).map { _ in Int.random(in: 0..<n, using: &rng) }
            for i in indices {
                let proof = try tree.inclusionProof(index: i, size: n)
                #expect(Merkle.verifyInclusion(leafHash: leaves[i], index: i, size: n, proof: proof, root: roots[n]))
            }
            let froms =
                n <= 40 ? Array(0...n) : [0, 1, n - 1, n] + (0..<8).map { _ in Int.random(in: 1...n, using: &rng) }
            for m in froms {
                let proof = try tree.consistencyProof(from: m, to: n)
                #expect(
                    Merkle.verifyConsistency(size1: m, size2: n, root1: roots[m], root2: roots[n], proof: proof),
                    "\(m) → \(n)")
                if m > 0 && m < n {
                    #expect(
                        !Merkle.verifyConsistency(
                            size1: m, size2: n, root1: roots[m - 1], root2: roots[n], proof: proof))
                }
            }
            #expect(try MerkleAccumulator(source: tree, size: n).root == roots[n])
        }
    }

    @Test func hashRendering() {
        let h = MerkleHash(vectorHex: v.roots["8"]!)
        #expect(MerkleHash(base64: h.base64) == h)
        #expect(MerkleHash(hex: h.hex.uppercased()) == h)
        #expect(MerkleHash(hex: "00") == nil)
        #expect(MerkleHash([UInt8](repeating: 0, count: 31)) == nil)
        #expect(MerkleHash(base64: "AAAA") == nil)
        #expect(Set([h, h, Merkle.emptyRoot]).count == 2)
    }

    // MARK: helpers

    /// MTH by the RFC's recursive definition, straight from the leaves.
    func naiveRoot(_ d: ArraySlice<MerkleHash>) -> MerkleHash {
        if d.isEmpty { return Merkle.emptyRoot }
        if d.count == 1 { return d.first! }
        var k = 1
        while k * 2 < d.count { k *= 2 }
        return Merkle.nodeHash(naiveRoot(d.prefix(k)), naiveRoot(d.dropFirst(k)))
    }

    func flip(_ h: MerkleHash, _ bit: Int) -> MerkleHash {
        var b = h.bytes
        b[bit / 8] ^= 1 << (bit % 8)
        return MerkleHash(b)!
    }

    /// Each hash with a bit flipped, each hash dropped, an extra hash appended and prepended.
    func spoiled(_ proof: [MerkleHash]) -> [[MerkleHash]] {
        var out: [[MerkleHash]] = []
        for i in proof.indices {
            for bit in [0, 131, 255] {
                var p = proof
                p[i] = flip(p[i], bit)
                out.append(p)
            }
            var p = proof
            p.remove(at: i)
            out.append(p)
        }
        out.append(proof + [Merkle.emptyRoot])
        if !proof.isEmpty { out.append([proof[0]] + proof) }
        return out
    }
}
