import TrailCrypto

/// The C2SP tlog-tiles resource layout (c2sp.org/tlog-tiles), as chiptrail publishes a ledger:
///
///     checkpoint                         the latest checkpoint note (cosigned form)
///     tile/<L>/<N>[.p/<W>]               hash tiles: 256 (or W < 256) consecutive hashes of level 8·L
///     tile/entries/<N>[.p/<W>]           entry bundles: big-endian uint16 length-prefixed entries
///     tile/entries/large/<hex SHA-256>   chiptrail: a line that cannot be a bundle entry (SPEC.md §15.3)
///     tail.jsonl                         chiptrail: the ledger lines from the checkpoint record on (SPEC.md §15.4)
///
/// `<N>` is written in zero-padded three-digit groups, all but the last prefixed with `x` (1234067 is
/// `x001/x234/067`).
public enum TileLayout {
    /// Tile height: a tile holds the hashes of one level of the Merkle tree every 8 levels.
    public static let height = 8
    /// Hashes in a full tile, entries in a full bundle.
    public static let width = 1 << height
    /// The longest line an entry bundle can carry itself (its length is a uint16).
    public static let maxInlineEntry = 0xFFFF
    /// The path of the checkpoint.
    public static let checkpointPath = "checkpoint"
    /// The path of the ledger lines after the tree (the checkpoint record and its cosignatures).
    public static let tailPath = "tail.jsonl"

    /// `<N>` in three-digit groups (tlog-tiles "Merkle Tree").
    public static func indexPath(_ n: Int) -> String {
        precondition(n >= 0)
        var groups: [String] = []
        var v = n
        repeat {
            let g = String(v % 1000)
            groups.append(String(repeating: "0", count: 3 - g.count) + g)
            v /= 1000
        } while v > 0
        return groups.reversed().enumerated().map { i, g in i == groups.count - 1 ? g : "x" + g }.joined(separator: "/")
    }

    /// `tile/<L>/<N>[.p/<W>]`; `width` 256 is a full tile.
    public static func tilePath(level: Int, index: Int, width: Int) -> String {
        "tile/\(level)/\(indexPath(index))" + (width == TileLayout.width ? "" : ".p/\(width)")
    }

    /// `tile/entries/<N>[.p/<W>]`.
    public static func entriesPath(index: Int, width: Int) -> String {
        "tile/entries/\(indexPath(index))" + (width == TileLayout.width ? "" : ".p/\(width)")
    }

    /// `tile/entries/large/<hex SHA-256 of the line>`.
    public static func largeEntryPath(_ lineHash: [UInt8]) -> String { "tile/entries/large/" + Hex.encode(lineHash) }

    /// The width of tile `index` at tile level `level` in a tree of `size` leaves: 256 for a full tile,
    /// `floor(size / 256^level) mod 256` for the partial one, 0 when the tree has no such tile.
    public static func width(level: Int, index: Int, size: Int) -> Int {
        let hashes = size >> (height * level)  // complete subtrees of 256^level leaves
        let full = hashes >> height
        if index < full { return width }
        if index == full { return hashes & (width - 1) }
        return 0
    }

    /// Every tile (level, index, width) of a tree of `size` leaves, level 0 first. The partial tile of each
    /// level, if any, is last in its level.
    public static func tiles(size: Int) -> [(level: Int, index: Int, width: Int)] {
        var out: [(Int, Int, Int)] = []
        var level = 0
        while size >> (height * level) > 0 {
            let hashes = size >> (height * level)
            for n in 0..<(hashes >> height) { out.append((level, n, width)) }
            if hashes & (width - 1) != 0 { out.append((level, hashes >> height, hashes & (width - 1))) }
            level += 1
        }
        return out
    }
}
