import Foundation
import TrailCrypto

/// One sidecar file of the index, read and written at explicit offsets.
final class IndexFile {
    let fd: Int32
    let path: String

    /// Opens (creating when asked) `path` read-write; `truncate` empties it.
    init(path: String, create: Bool = true, truncate: Bool = false) throws {
        self.path = path
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0) | (truncate ? O_TRUNC : 0)
        fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw TrailError.io("cannot open \(path): \(FileIO.errnoText())", file: path) }
    }

    deinit { close(fd) }

    var size: Int64 {
        var st = stat()
        fstat(fd, &st)
        return Int64(st.st_size)
    }

    /// Reads exactly `count` bytes at `offset`; nil when the file is shorter.
    func read(at offset: Int64, count: Int) -> [UInt8]? {
        var buf = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            done += n
        }
        return buf
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw TrailError.io("write to \(path) failed: \(FileIO.errnoText())", file: path) }
            done += n
        }
    }

    func write(_ bytes: [UInt8], at offset: Int64) throws {
        try bytes.withUnsafeBytes { try write($0, at: offset) }
    }

    func truncate(to size: Int64) throws {
        guard ftruncate(fd, off_t(size)) == 0 else {
            throw TrailError.io("cannot resize \(path): \(FileIO.errnoText())", file: path)
        }
    }

    func sync() throws {
        guard fdatasync(fd) == 0 else { throw TrailError.io("fsync of \(path) failed: \(FileIO.errnoText())", file: path) }
    }
}

/// Reads the line starting at `offset` of an open ledger file (without its newline); nil when there is no
/// complete line there or it exceeds `limit`.
func readLine(fd: Int32, at offset: Int64, limit: Int = 64 << 20) -> [UInt8]? {
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16 << 10)
    var at = offset
    while out.count <= limit {
        let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(at)) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { return nil }
        if let nl = chunk[0..<n].firstIndex(of: 0x0A) {
            out += chunk[0..<nl]
            return out
        }
        out += chunk[0..<n]
        at += Int64(n)
        if chunk.count < 1 << 20 { chunk = [UInt8](repeating: 0, count: chunk.count * 4) }
    }
    return nil
}
