import Foundation
import TrailCrypto

/// Streams a ledger file line by line with bounded memory, keeping each line's byte offset.
///
/// A final line without `\n` is not a line: it is reported as a torn tail (SPEC.md §10).
public final class LineReader {
    public enum Item {
        /// A complete line (without its `\n`); `index` is 0-based, `offset` the byte offset of its first byte.
        case line(index: Int, offset: Int64, bytes: [UInt8])
        /// Bytes after the last `\n` (an interrupted append).
        case tornTail(offset: Int64, length: Int)
    }

    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    private var nextIndex = 0
    private var consumed: Int64 = 0
    private let chunk: Int
    /// Lines longer than this stop the reader (`line-too-long`), so a hostile file cannot exhaust memory.
    public let hardLimit: Int

    public init(path: String, startOffset: Int64 = 0, startIndex: Int = 0, chunk: Int = 4 << 20, hardLimit: Int = 64 << 20)
        throws
    {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TrailError.io("cannot open \(path): \(FileIO.errnoText())", file: path) }
        if startOffset > 0 { lseek(fd, off_t(startOffset), SEEK_SET) }
        consumed = startOffset
        nextIndex = startIndex
        self.chunk = chunk
        self.hardLimit = hardLimit
    }

    deinit { close(fd) }

    /// The next line or torn tail; nil at the end of the file.
    public func next() throws -> Item? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                let bytes = Array(buffer[start..<nl])
                let item = Item.line(index: nextIndex, offset: consumed, bytes: bytes)
                consumed += Int64(nl - start + 1)
                start = nl + 1
                nextIndex += 1
                return item
            }
            if eof {
                let rest = buffer.count - start
                if rest == 0 { return nil }
                let item = Item.tornTail(offset: consumed, length: rest)
                consumed += Int64(rest)
                start = buffer.count
                return item
            }
            if buffer.count - start > hardLimit {
                throw TrailError(
                    "line-too-long", "line \(nextIndex + 1) exceeds \(hardLimit) bytes; verification stops here",
                    file: path, line: nextIndex + 1, seq: nextIndex)
            }
            try fill()
        }
    }

    private func fill() throws {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        let old = buffer.count
        buffer.reserveCapacity(old + chunk)
        buffer += [UInt8](repeating: 0, count: chunk)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + old, chunk) }
        guard n >= 0 else { throw TrailError.io("cannot read \(path): \(FileIO.errnoText())", file: path) }
        buffer.removeLast(chunk - n)
        if n == 0 { eof = true }
    }
}
