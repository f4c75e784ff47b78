import Foundation
import Testing
import TrailCrypto
@testable import TrailLedger
import TrailTestSupport

/// The sidecar index: tlog layout, proofs, and that append gives the same result whatever state the index is in.
@Suite struct IndexTests {
    /// Go's sumdb/tlog: StoredHashIndex and StoredHashCount (values from tlog_test.go's layout comment).
    @Test func storedHashLayoutMatchesTlog() {
        // Leaf 0 → 0; leaf 1 → 1, (1,0) → 2; leaf 2 → 3; leaf 3 → 4, (1,1) → 5, (2,0) → 6; leaf 4 → 7 …
        let expected: [(Int, Int, Int)] = [
            (0, 0, 0), (0, 1, 1), (1, 0, 2), (0, 2, 3), (0, 3, 4), (1, 1, 5), (2, 0, 6), (0, 4, 7), (0, 5, 8), (1, 2, 9),
            (0, 6, 10), (0, 7, 11), (1, 3, 12), (2, 1, 13), (3, 0, 14),
        ]
        for (level, n, i) in expected { #expect(StoredHash.index(level: level, n) == i, "(\(level), \(n))") }
        let counts = [0, 1, 3, 4, 7, 8, 10, 11, 15]
        for (n, c) in counts.enumerated() { #expect(StoredHash.count(n) == c, "count(\(n))") }
        // Every index is used once and the layout is append-only.
        for n in 1..<300 { #expect(StoredHash.count(n) == StoredHash.index(level: 0, n - 1) + 1 + (n - 1).trailingNonzeroBitCountOfOnes) }
    }

    /// A ledger of `extra` statement batches after registration.
    func ledger(batches: Int) throws -> LedgerFixture {
        let f = try LedgerFixture()
        try f.registerParties()
        for i in 0..<batches {
            let m = Samples.manifest(id: "SHP-\(i)")
            try f.append([
                .envelope(try Samples.envelope(.supplySufficiency, manifest: m, predicate: Samples.supply(), signers: [f.pki.exporter])),
                .envelope(try Samples.envelope(.labTest, manifest: m, predicate: Samples.labTest(serials: ["H200-SHP-\(i)-1"]), signers: [f.pki.lab])),
            ])
        }
        return f
    }

    @Test func proofsFromTheIndexEqualInMemoryProofs() throws {
        let f = try ledger(batches: 6)
        let index = try LedgerIndex.open(ledger: f.path)
        let lines = try f.lines
        let tree = InMemoryMerkleTree(leafHashes: lines.map { Merkle.leafHash($0) })
        #expect(index.recordCount == lines.count)
        #expect(index.hashes.size == lines.count)
        for size in 1...lines.count {
            #expect(try index.hashes.root(size: size) == tree.root(size: size))
            for i in stride(from: 0, to: size, by: 3) {
                #expect(try index.hashes.inclusionProof(index: i, size: size) == tree.inclusionProof(index: i, size: size))
            }
            #expect(try index.hashes.consistencyProof(from: size / 2, to: size) == tree.consistencyProof(from: size / 2, to: size))
        }
        for (i, l) in lines.enumerated() { #expect(index.line(of: i) == l) }
    }

    /// Appends the same items to a copy of `f`'s ledger without any index (a full verification pass) and with the
    /// index in whatever state `f` left it; both files and results must be identical.
    func expectSameAppend(_ f: LedgerFixture, _ items: [AppendItem], minute: Int) throws {
        let copy = f.dir.file("reference.jsonl")
        unlink(copy)
        _ = try f.dir.write("reference.jsonl", bytes: try f.dir.read("ledger.jsonl"), mode: 0o644)
        let key = f.pki.operatorParty.key
        let a = try Ledger.append(path: f.path, operatorKey: key, items: items, time: Samples.time(minute))
        let b = try Ledger.append(path: copy, operatorKey: key, items: items, time: Samples.time(minute), useIndex: false)
        #expect(a.seqs == b.seqs)
        #expect(a.checkpoint == b.checkpoint)
        #expect(a.treeSize == b.treeSize)
        #expect(try f.dir.read("ledger.jsonl") == f.dir.read("reference.jsonl"))
        let r = try f.verify()
        #expect(r.errors.isEmpty, "\(r.errors)")
    }

    func envelope(_ f: LedgerFixture, _ id: String) throws -> AppendItem {
        .envelope(try Samples.envelope(.customsDecision, manifest: Samples.manifest(id: id), predicate: Samples.customs(), signers: [f.pki.customs]))
    }

    @Test func rebuiltWhenMissing() throws {
        let f = try ledger(batches: 2)
        #expect(FileManager.default.fileExists(atPath: f.path + ".idx"))
        for s in ["", ".records", ".hashes", ".keys"] { unlink(f.path + ".idx" + s) }
        try expectSameAppend(f, [try envelope(f, "SHP-0")], minute: 50)
        #expect(FileManager.default.fileExists(atPath: f.path + ".idx"))
        // The rebuilt index still knows every earlier envelope: a duplicate is refused.
        #expect(thrownCode { try f.append([try envelope(f, "SHP-0")]) } == "duplicate-statement")
    }

    @Test func rebuildReportsItsProgressUpToTheLedgerSize() throws {
        let f = try ledger(batches: 2)
        let size = Int64(try f.dir.read("ledger.jsonl").count)
        let seen = Locked<[(Int64, Int64)]>([])
        LedgerIndex.catchUpProgress = { done, total in seen.update { $0.append((done, total)) } }
        defer { LedgerIndex.catchUpProgress = nil }
        try LedgerIndex.rebuild(ledger: f.path)
        // Other tests may index other ledgers meanwhile: look only at calls that end at this ledger's size.
        let mine = seen.get().filter { $0.1 == size }
        #expect(mine.last.map { $0 == (size, size) } == true, "\(mine)")
        #expect(mine.allSatisfy { $0.0 <= size })
    }

    @Test func caughtUpWhenBehind() throws {
        let f = try ledger(batches: 2)
        let stateBefore = try f.dir.read("ledger.jsonl.idx")
        // Two appends that bypass the index leave it behind the ledger.
        _ = try Ledger.append(path: f.path, operatorKey: f.pki.operatorParty.key, items: [try envelope(f, "SHP-0")], time: Samples.time(40), useIndex: false)
        _ = try Ledger.append(path: f.path, operatorKey: f.pki.operatorParty.key, items: [try envelope(f, "SHP-1")], time: Samples.time(41), useIndex: false)
        #expect(try f.dir.read("ledger.jsonl.idx") == stateBefore)
        try expectSameAppend(f, [try envelope(f, "SHP-2")], minute: 50)
        #expect(try f.dir.read("ledger.jsonl.idx") != stateBefore)
        // What was caught up counts: the envelope appended behind the index's back is a duplicate.
        #expect(thrownCode { try f.append([try envelope(f, "SHP-1")]) } == "duplicate-statement")
        let index = try LedgerIndex.open(ledger: f.path)
        #expect(index.recordCount == (try f.lines.count))
    }

    @Test func rebuiltWhenCorruptOrStale() throws {
        let f = try ledger(batches: 2)
        // A flipped byte in the state fails its checksum.
        var state = try f.dir.read("ledger.jsonl.idx")
        state[10] ^= 0x01
        _ = try f.dir.write("ledger.jsonl.idx", bytes: state, mode: 0o644)
        try expectSameAppend(f, [try envelope(f, "SHP-0")], minute: 50)
        // A wrong stored hash: the last leaf no longer matches the last line.
        let hashes = f.path + ".idx.hashes"
        var h = [UInt8](try Data(contentsOf: URL(fileURLWithPath: hashes)))
        let last = StoredHash.index(level: 0, (try f.lines.count) - 1) * 32
        h[last] ^= 0xFF
        try Data(h).write(to: URL(fileURLWithPath: hashes))
        try expectSameAppend(f, [try envelope(f, "SHP-1")], minute: 51)
        // A truncated key table.
        let keys = f.path + ".idx.keys"
        truncate(keys, 100)
        try expectSameAppend(f, [try envelope(f, "SHP-2")], minute: 52)
        #expect(thrownCode { try f.append([try envelope(f, "SHP-2")]) } == "duplicate-statement")
        // An index of another ledger (same path, different content): stale, rebuilt.
        let other = try ledger(batches: 3)
        for s in ["", ".records", ".hashes", ".keys"] {
            _ = try f.dir.write("ledger.jsonl.idx" + s, bytes: try other.dir.read("ledger.jsonl.idx" + s), mode: 0o644)
        }
        try expectSameAppend(f, [try envelope(f, "SHP-3")], minute: 53)
    }

    @Test func aTamperedLedgerWithAStaleIndexStillFailsVerify() throws {
        let f = try ledger(batches: 2)
        var lines = try f.lines
        // Alter a statement in the middle; the index (which append trusts for the prefix) is not consulted by verify.
        let i = lines.count - 3
        lines[i][lines[i].count - 3] ^= 0x01
        try f.write(lines: lines)
        let r = try f.verify()
        #expect(!r.integrityOK)
        #expect(codes(r).contains("prev-mismatch@\(i + 1)") || codes(r).contains { $0.hasSuffix("@\(i)") })
    }

    @Test func aRefusedBatchLeavesNoTraceInTheIndex() throws {
        let f = try ledger(batches: 1)
        let good = try envelope(f, "SHP-0")
        let bad: AppendItem = .envelope(
            try Samples.envelope(.customsDecision, manifest: Samples.manifest(id: "SHP-9"), predicate: Samples.customs(), signers: [f.pki.lab]))
        // Refused (wrong role): the good envelope in the same batch is not remembered as appended.
        #expect(thrownCode { try f.append([good, bad]) } == "role-not-permitted")
        try expectSameAppend(f, [good], minute: 60)
    }
}

extension Int {
    /// The number of trailing one bits.
    fileprivate var trailingNonzeroBitCountOfOnes: Int { (~self).trailingZeroBitCount }
}
