import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// File reads and crash-safe writes shared by every chiptrail module.
public enum FileIO {
    /// The whole file, or `io-error` naming it.
    public static func read(_ path: String) throws -> [UInt8] {
        guard let d = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw TrailError.io(
                exists ? "cannot read \(path)" : "\(path) does not exist", file: path,
                remedy: exists ? "check the file's permissions" : "check the path")
        }
        return [UInt8](d)
    }

    /// The whole file as UTF-8 text.
    public static func readText(_ path: String) throws -> String {
        String(decoding: try read(path), as: UTF8.self)
    }

    /// Writes `bytes` to `path` atomically: a temporary file in the same directory, fsync, rename, fsync
    /// of the directory. A crash leaves either the old file or the new one, never a mix.
    ///
    /// - Parameters:
    ///   - mode: permission bits of the new file (0600 for private keys).
    ///   - overwrite: when false, an existing `path` is an error (`file-exists`).
    public static func writeAtomically(
        _ bytes: [UInt8], to path: String, mode: mode_t = 0o644, overwrite: Bool
    ) throws {
        if !overwrite && FileManager.default.fileExists(atPath: path) {
            throw TrailError.usage(
                "file-exists", "\(path) exists and would be overwritten", remedy: "pass --force to replace it"
            ).at(file: path)
        }
        let dir = directory(of: path)
        let base = fileName(of: path)
        let tmp = dir + "/.\(base).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw TrailError.io("cannot create \(tmp): \(errnoText())", file: path) }
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        _ = fchmod(fd, mode)  // umask must not widen or narrow what was asked
        let written = bytes.withUnsafeBytes { writeAll(fd, $0) }
        guard written, fsync(fd) == 0 else {
            let e = errnoText()
            close(fd)
            throw TrailError.io("cannot write \(path): \(e)", file: path)
        }
        close(fd)
        guard rename(tmp, path) == 0 else { throw TrailError.io("cannot rename into \(path): \(errnoText())", file: path) }
        ok = true
        syncDirectory(dir)
    }

    /// The directory part of `path`: "." when it has none, "/" for a file in the root.
    ///
    /// Plain string work on purpose: Foundation's `NSString.deletingLastPathComponent` traps on a
    /// one-character relative path (e.g. `--out k`) on Linux with swift-corelibs-foundation of Swift 6.3.
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = path[..<slash]
        return dir.isEmpty ? "/" : String(dir)
    }

    /// The last path component of `path` (the whole path when it has no slash).
    public static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Writes all of `buf` to `fd`, retrying on short writes and EINTR.
    public static func writeAll(_ fd: Int32, _ buf: UnsafeRawBufferPointer) -> Bool {
        var off = 0
        while off < buf.count {
            let n = write(fd, buf.baseAddress! + off, buf.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            off += n
        }
        return true
    }

    /// fsyncs a directory so a rename or create in it is durable.
    public static func syncDirectory(_ dir: String) {
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    public static func errnoText() -> String { String(cString: strerror(errno)) }
}
