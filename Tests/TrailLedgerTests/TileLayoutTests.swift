import Testing
import TrailCrypto
@testable import TrailLedger

/// Tile paths and widths exactly as c2sp.org/tlog-tiles states them, and the entry-bundle codec with its
/// large-entry references (SPEC.md §15).
@Suite struct TileLayoutTests {
    @Test func indexPathsAreThreeDigitGroupsWithXPrefixes() {
        #expect(TileLayout.indexPath(1_234_067) == "x001/x234/067")  // the spec's example
        #expect(TileLayout.indexPath(0) == "000")
        #expect(TileLayout.indexPath(999) == "999")
        #expect(TileLayout.indexPath(1000) == "x001/000")
        #expect(TileLayout.tilePath(level: 0, index: 1_234_067, width: 8) == "tile/0/x001/x234/067.p/8")
        #expect(TileLayout.tilePath(level: 3, index: 5, width: 256) == "tile/3/005")
        #expect(TileLayout.entriesPath(index: 1_234_067, width: 8) == "tile/entries/x001/x234/067.p/8")
    }

    @Test func theSpecsTreeOfSize70000() {
        // "273 full level 0 tiles, one partial level 0 tile of width 112, one full level 1 tile, one partial
        // level 1 tile of width 17, and one partial level 2 tile of width 1."
        let t = TileLayout.tiles(size: 70_000)
        #expect(t.filter { $0.level == 0 && $0.width == 256 }.count == 273)
        #expect(t.filter { $0.level == 0 && $0.width < 256 }.map(\.width) == [112])
        #expect(t.filter { $0.level == 1 && $0.width == 256 }.count == 1)
        #expect(t.filter { $0.level == 1 && $0.width < 256 }.map(\.width) == [17])
        #expect(t.filter { $0.level == 2 }.map(\.width) == [1])
        #expect(t.count == 273 + 1 + 1 + 1 + 1)
        // "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile of width 1"
        #expect(TileLayout.tiles(size: 256).map { "\($0.level)/\($0.index)/\($0.width)" } == ["0/0/256", "1/0/1"])
        #expect(TileLayout.width(level: 0, index: 273, size: 70_000) == 112)
        #expect(TileLayout.width(level: 0, index: 274, size: 70_000) == 0)
    }

    @Test func bundlesRoundTripWithLargeEntriesByReference() throws {
        let small = Array("{\"a\":1}".utf8)
        let large = [UInt8](repeating: 0x41, count: 70_000)
        let nul: [UInt8] = [0x00, 0x01]
        let entries = [small, large, nul].map(EntryBundle.entry(for:))
        #expect(entries[0] == .inline(small))
        #expect(entries[1] == .reference(Digest.sha256(large)))
        #expect(entries[2] == .reference(Digest.sha256(nul)))  // a leading 0x00 always goes by reference
        let bytes = EntryBundle.encode(entries)
        #expect(Array(bytes.prefix(2)) == [0x00, UInt8(small.count)])  // big-endian uint16 length
        #expect(bytes.count == 2 + small.count + 2 * (2 + 33))
        #expect(try EntryBundle.decode(bytes, count: 3, path: "b") == entries)
        #expect(throws: TrailError.self) { try EntryBundle.decode(bytes, count: 2, path: "b") }
        #expect(throws: TrailError.self) { try EntryBundle.decode(Array(bytes.dropLast()), count: 3, path: "b") }
    }

    @Test func hashSourceOverTilesGivesTheTreesRootsAndProofs() throws {
        // A tree of 70,000 leaves published as tiles in memory; roots and proofs from tiles equal the tree's.
        var tree = InMemoryMerkleTree()
        for i in 0..<70_000 { tree.append(entry: Array("leaf \(i)".utf8)) }
        let size = 70_000
        var files: [String: [UInt8]] = [:]
        for (level, index, width) in TileLayout.tiles(size: size) {
            var b: [UInt8] = []
            for i in 0..<width { b += try tree.subtreeHash(level: 8 * level, index: index * 256 + i).bytes }
            files[TileLayout.tilePath(level: level, index: index, width: width)] = b
        }
        struct Mem: TileFetcher {
            let files: [String: [UInt8]]
            var location: String { "memory" }
            func fetch(_ path: String) throws -> [UInt8] {
                guard let f = files[path] else { throw TrailError("tiles-missing", path) }
                return f
            }
        }
        let log = TileLog(fetcher: Mem(files: files))
        let source = log.hashSource(size: size)
        #expect(try source.root() == tree.root(size: size))
        #expect(try source.root(size: 65_537) == tree.root(size: 65_537))
        #expect(try source.inclusionProof(index: 12_345, size: size) == tree.inclusionProof(index: 12_345, size: size))
        #expect(try source.consistencyProof(from: 300, to: size) == tree.consistencyProof(from: 300, to: size))
        #expect(log.fetched.count <= 8)  // O(log n) tiles, not all 277
    }
}
