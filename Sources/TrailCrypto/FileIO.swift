import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// read(2), named apart from `FileIO.read`.
private func sysRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer, _ n: Int) -> Int {
    #if canImport(Glibc)
        Glibc.read(fd, buf, n)
    #else
        Darwin.read(fd, buf, n)
    #endif
}

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

    /// The whole file, read with read(2) straight into the array (no intermediate copy), or `io-error` naming it.
    public static func readAll(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw TrailError.io("cannot read \(path): \(errnoText())", file: path, remedy: "check the path and the file's permissions")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw TrailError.io("cannot read \(path): \(errnoText())", file: path) }
        let size = Int(st.st_size)
        var failed = false
        let out = [UInt8](unsafeUninitializedCapacity: size) { buf, n in
            var done = 0
            while done < size {
                let r = sysRead(fd, buf.baseAddress! + done, size - done)
                if r < 0 && errno == EINTR { continue }
                if r <= 0 {
                    failed = r < 0
                    break
                }
                done += r
            }
            n = done
        }
        if failed { throw TrailError.io("cannot read \(path): \(errnoText())", file: path) }
        return out
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
        try writeAtomically(to: path, mode: mode, overwrite: overwrite) { try $0.write(bytes) }
    }

    /// A file being written by `writeAtomically(to:mode:overwrite:_:)`: sequential, buffered writes.
    public final class AtomicFile {
        let fd: Int32
        let path: String
        private var buffer: [UInt8] = []
        /// Bytes written so far (buffered ones included).
        public private(set) var count: Int64 = 0

        init(fd: Int32, path: String) {
            self.fd = fd
            self.path = path
            buffer.reserveCapacity(1 << 20)
        }

        public func write(_ bytes: UnsafeRawBufferPointer) throws {
            count += Int64(bytes.count)
            if buffer.count + bytes.count > 1 << 20 { try flush() }
            if bytes.count >= 1 << 20 {
                guard writeAll(fd, bytes) else { throw TrailError.io("cannot write \(path): \(errnoText())", file: path) }
            } else {
                buffer.append(contentsOf: bytes)
            }
        }

        public func write<C: Collection>(_ bytes: C) throws where C.Element == UInt8 {
            if let done = try bytes.withContiguousStorageIfAvailable({ try write(UnsafeRawBufferPointer($0)) }) { return done }
            try Array(bytes).withUnsafeBytes { try write($0) }
        }

        func flush() throws {
            guard !buffer.isEmpty else { return }
            let ok = buffer.withUnsafeBytes { writeAll(fd, $0) }
            buffer.removeAll(keepingCapacity: true)
            guard ok else { throw TrailError.io("cannot write \(path): \(errnoText())", file: path) }
        }
    }

    /// Writes `path` atomically from what `body` writes (streamed, not held in memory): a temporary file in the same
    /// directory, fsync, rename, fsync of the directory. When `body` throws, nothing replaces `path`.
    public static func writeAtomically(
        to path: String, mode: mode_t = 0o644, overwrite: Bool, _ body: (AtomicFile) throws -> Void
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
        let file = AtomicFile(fd: fd, path: path)
        do {
            try body(file)
            try file.flush()
        } catch {
            close(fd)
            throw error
        }
        guard fsync(fd) == 0 else {
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
