import TrailCrypto

/// A C2SP tlog-checkpoint body: origin, tree size, root hash, optional extension lines.
///
///     <origin>\n<decimal size>\n<base64 root hash>\n[<extension line>\n…]
///
/// Parsing is strict (code `malformed-checkpoint`): a non-empty origin, a decimal size without leading
/// zeros, a root that is canonical standard base64 of exactly 32 bytes, non-empty extension lines.
public struct Checkpoint: Sendable, Equatable {
    /// The log's origin line (for chiptrail, also the checkpoint key name).
    public let origin: String
    /// The number of leaves the checkpoint commits to.
    public let size: Int
    /// The RFC 6962 root of the first `size` leaves.
    public let rootHash: MerkleHash
    /// Extension lines, without their newlines.
    public let extensions: [String]

    /// A checkpoint from its parts, validated as `init(text:)` would.
    public init(origin: String, size: Int, rootHash: MerkleHash, extensions: [String] = []) throws {
        guard Checkpoint.isValidLine(origin) else { throw Checkpoint.malformed("the origin line is empty or invalid") }
        guard size >= 0 else { throw Checkpoint.malformed("the tree size is negative") }
        for e in extensions where !Checkpoint.isValidLine(e) {
            throw Checkpoint.malformed("an extension line is empty or invalid")
        }
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
        self.extensions = extensions
    }

    /// Parses a checkpoint body (C2SP tlog-checkpoint §Note text), e.g. a signed note's `text`.
    public init(text: String) throws {
        guard text.utf8.last == 0x0A else { throw Checkpoint.malformed("the text must end with a newline") }
        let lines = text.utf8.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        guard lines.count >= 3 else { throw Checkpoint.malformed("expected origin, size and root hash lines") }
        let sizeLine = lines[1].utf8
        guard !sizeLine.isEmpty, sizeLine.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw Checkpoint.malformed("the tree size \"\(lines[1])\" is not a decimal number")
        }
        guard sizeLine.count == 1 || sizeLine.first != 0x30 else {
            throw Checkpoint.malformed("the tree size \"\(lines[1])\" has a leading zero")
        }
        guard let size = Int(lines[1]) else { throw Checkpoint.malformed("the tree size \(lines[1]) is too large") }
        guard let root = MerkleHash(base64: lines[2]) else {
            throw Checkpoint.malformed("the root hash is not standard base64 of 32 bytes")
        }
        try self.init(origin: lines[0], size: size, rootHash: root, extensions: Array(lines[3...]))
    }

    /// The checkpoint body, with its final newline.
    public var text: String {
        var s = origin + "\n" + String(size) + "\n" + rootHash.base64 + "\n"
        for e in extensions { s += e + "\n" }
        return s
    }

    /// Non-empty, no newline or other control character (a signed note may not hold them).
    static func isValidLine(_ line: String) -> Bool {
        !line.isEmpty && !line.unicodeScalars.contains { $0.value < 0x20 }
    }

    static func malformed(_ why: String) -> TrailError {
        TrailError.malformed("malformed-checkpoint", "malformed checkpoint: \(why)")
    }
}
