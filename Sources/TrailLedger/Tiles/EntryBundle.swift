import TrailCrypto

/// A C2SP tlog-tiles entry bundle: a sequence of big-endian uint16 length-prefixed entries.
///
/// chiptrail's entries are ledger lines (without their LF). A line that a uint16 cannot measure (longer than
/// 65,535 bytes — a CRL of a few thousand serials) is published by reference (SPEC.md §15.3): its bundle entry
/// is the 33 bytes `0x00 ‖ SHA-256(line)` and the line itself is the file `tile/entries/large/<hex SHA-256>`.
/// A line that starts with 0x00 (never a valid record, which is a JSON object) is also published by
/// reference, so an entry is a reference exactly when its first byte is 0x00.
public enum EntryBundle {
    /// One bundle entry.
    public enum Entry: Sendable, Equatable {
        /// The line's bytes themselves.
        case inline([UInt8])
        /// The SHA-256 of a line published as `tile/entries/large/<hex>`.
        case reference([UInt8])
    }

    /// The first byte of a reference entry.
    public static let referenceMarker: UInt8 = 0x00

    /// Whether `line` goes into a bundle by reference.
    public static func needsReference(_ line: [UInt8]) -> Bool {
        line.count > TileLayout.maxInlineEntry || line.first == referenceMarker
    }

    /// The bundle entry of a line.
    public static func entry(for line: [UInt8]) -> Entry {
        needsReference(line) ? .reference(Digest.sha256(line)) : .inline(line)
    }

    /// The bundle bytes of `entries`.
    public static func encode(_ entries: [Entry]) -> [UInt8] {
        var out: [UInt8] = []
        for e in entries {
            let bytes: [UInt8]
            switch e {
            case .inline(let b): bytes = b
            case .reference(let h): bytes = [referenceMarker] + h
            }
            precondition(bytes.count <= TileLayout.maxInlineEntry)
            out.append(UInt8(bytes.count >> 8))
            out.append(UInt8(bytes.count & 0xFF))
            out += bytes
        }
        return out
    }

    /// Parses a bundle of exactly `count` entries. Errors: `tiles-malformed`.
    public static func decode(_ bytes: [UInt8], count: Int, path: String) throws -> [Entry] {
        var out: [Entry] = []
        out.reserveCapacity(count)
        var i = 0
        while i < bytes.count {
            guard i + 2 <= bytes.count else { throw malformed(path, "a length prefix is cut off at byte \(i)") }
            let n = Int(bytes[i]) << 8 | Int(bytes[i + 1])
            i += 2
            guard i + n <= bytes.count else { throw malformed(path, "entry \(out.count) runs past the end of the bundle") }
            let e = Array(bytes[i..<(i + n)])
            i += n
            if e.first == referenceMarker {
                guard e.count == 33 else {
                    throw malformed(path, "entry \(out.count) starts with 0x00 but is not a 33-byte large-entry reference")
                }
                out.append(.reference(Array(e[1...])))
            } else {
                out.append(.inline(e))
            }
        }
        guard out.count == count else {
            throw malformed(path, "the bundle holds \(out.count) entries, the tree needs \(count)")
        }
        return out
    }

    static func malformed(_ path: String, _ why: String) -> TrailError {
        TrailError("tiles-malformed", "\(path): \(why)", file: path)
    }
}
