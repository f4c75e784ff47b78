import Foundation
import TrailCrypto

/// A ledger file opened for appending under an exclusive `flock`, released in `deinit`.
///
/// Every appender takes the lock before reading the tail, so concurrent appenders serialise and the chain
/// never forks.
final class LockedFile {
    let fd: Int32
    let path: String

    init(path: String, create: Bool = false) throws {
        self.path = path
        let flags = O_RDWR | O_APPEND | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0)
        fd = open(path, flags, 0o644)
        guard fd >= 0 else {
            if create && errno == EEXIST {
                throw TrailError.usage("file-exists", "\(path) already exists", remedy: "choose a new ledger path").at(file: path)
            }
            throw TrailError.io("cannot open \(path): \(FileIO.errnoText())", file: path)
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR {
                close(fd)
                throw TrailError.io("cannot lock \(path): \(FileIO.errnoText())", file: path)
            }
        }
    }

    deinit {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }

    var size: Int64 {
        var st = stat()
        fstat(fd, &st)
        return Int64(st.st_size)
    }

    /// The last byte of the file, if any.
    func lastByte() -> UInt8? {
        let n = size
        guard n > 0 else { return nil }
        var b: UInt8 = 0
        guard pread(fd, &b, 1, off_t(n - 1)) == 1 else { return nil }
        return b
    }

    /// Appends `bytes` with a single write and makes them durable (fsync) before returning.
    func appendDurably(_ bytes: [UInt8]) throws {
        let ok = bytes.withUnsafeBytes { FileIO.writeAll(fd, $0) }
        guard ok else { throw TrailError.io("write to \(path) failed: \(FileIO.errnoText())", file: path) }
        guard fsync(fd) == 0 else { throw TrailError.io("fsync of \(path) failed: \(FileIO.errnoText())", file: path) }
    }
}
