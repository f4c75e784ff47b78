import Foundation
import TrailCrypto

/// A ledger or bundle named on the command line, as a seekable regular file the library can read by offset.
///
/// The verifier reads lines back by their byte offset (signatures in a second phase, retraction targets, checkpoint
/// subtrees), so a pipe — `-` (stdin), `/dev/stdin`, `<(gunzip -c L.gz)`, a named FIFO — is first copied, streaming
/// with constant memory, to a private temporary file (mode 0600 in a 0700 directory under `$TMPDIR`), which is
/// removed when this object goes away (callers keep it alive with `withExtendedLifetime` while the library reads
/// `path`: Swift may end an object's lifetime after its last use). A regular file is read where it is. Anything else (a terminal, a directory,
/// a device) is refused: `/dev/zero` would never end.
final class InputFile {
    /// What messages call the input: the argument as given, `stdin` for `-`.
    let name: String
    /// The regular file to read: the argument itself, or the private copy of a pipe.
    let path: String
    /// True when `path` is a private copy (so `ledger repair` and the like make no sense for it).
    var isCopy: Bool { directory != nil }
    private let directory: String?

    /// Opens `argument` (`-` for stdin) for reading; `what` names the kind of file in messages ("ledger", "bundle").
    init(_ argument: String, what: String = "ledger") throws {
        if argument == "-" {
            name = "stdin"
            if isatty(0) == 1 {
                throw TrailError.usage(
                    "stdin-is-a-terminal", "`-` reads the \(what) from stdin, but stdin is a terminal",
                    remedy: "pipe the \(what) in (`cat L | chiptrail … -`) or name its file")
            }
            let fd = dup(0)
            guard fd >= 0 else { throw TrailError.io("cannot read stdin: \(FileIO.errnoText())", file: "stdin") }
            (directory, path) = try Self.spool(fd: fd, name: name)
        } else {
            name = argument
            var st = stat()
            guard stat(argument, &st) == 0 else { throw Self.openError(argument, errno: errno, what: what) }
            switch st.st_mode & S_IFMT {
            case S_IFREG:
                let fd = open(argument, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw Self.openError(argument, errno: errno, what: what) }
                close(fd)
                (directory, path) = (nil, argument)
            case S_IFIFO:
                let fd = Self.openFIFO(argument)
                guard fd >= 0 else { throw Self.openError(argument, errno: errno, what: what) }
                (directory, path) = try Self.spool(fd: fd, name: name)
            default:
                let kind = st.st_mode & S_IFMT == S_IFDIR ? "a directory" : "a device or socket"
                throw TrailError(
                    "not-a-regular-file", "\(argument) is \(kind), not a \(what) file or a pipe",
                    remedy: "name the \(what) file, or pipe it in with `-`", file: argument)
            }
        }
        if let directory { Self.registry.add(copy: path, directory: directory, name: name) }
    }

    /// Adopts `path`, a private copy in `directory` made by the caller (a ledger reassembled from tiles), removed
    /// with `directory` when this object goes away; messages name it `name`.
    init(adopting path: String, directory: String, name: String) {
        self.name = name
        self.path = path
        self.directory = directory
        Self.registry.add(copy: path, directory: directory, name: name)
    }

    deinit {
        // The name stays registered: an error thrown while reading is printed after this object is gone.
        guard let directory else { return }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Refuses a ledger path that an appending or repairing command cannot work on in place (a pipe, a device or a
    /// directory); a path that does not exist is left to the command.
    static func requireRegular(_ path: String, for command: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else { throw openError(path, errno: errno, what: "ledger") }
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw TrailError(
                "not-a-regular-file", "\(path) is not a regular file; \(command) changes the ledger in place",
                category: .usage,
                remedy: "name the ledger file itself", file: path)
        }
    }

    /// The error for a failed `stat` or `open` of an input file: `no-such-file` (exit 66), `permission-denied`
    /// (exit 77) or `io-error` (exit 74).
    static func openError(_ path: String, errno code: Int32, what: String) -> TrailError {
        let text = String(cString: strerror(code))
        switch code {
        case ENOENT, ENOTDIR:
            return TrailError(
                "no-such-file", "\(path) does not exist", remedy: "check the path of the \(what) file",
                file: path)
        case EACCES, EPERM:
            return TrailError(
                "permission-denied", "cannot open \(path): \(text)",
                remedy: "check the file's permissions (it must be readable by this user)", file: path)
        default:
            return TrailError.io("cannot open \(path): \(text)", file: path)
        }
    }

    /// Opens a FIFO for reading. `open` waits until something writes to it; after a second, a note on a terminal
    /// says what it waits for, so a FIFO nobody writes to does not hang silently.
    private static func openFIFO(_ path: String) -> Int32 {
        let notice = DelayedNotice(
            "chiptrail: waiting for a writer on the FIFO \(Terminal.safe(path)) (press Ctrl-C to stop)")
        if stderrIsTerminal { notice.schedule(after: 1) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        let code = errno
        notice.cancel()
        errno = code
        return fd
    }

    /// Copies everything readable from `fd` (then closed) into a new private file; returns its directory and path.
    private static func spool(fd: Int32, name: String) throws -> (String, String) {
        defer { close(fd) }
        let base = (ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
        var template = Array((base + "/chiptrail-input-XXXXXX").utf8CString)
        guard let dirPointer = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TrailError.io(
                "cannot make a temporary directory in \(base) to read \(name): \(FileIO.errnoText())", file: name,
                remedy: "set TMPDIR to a writable directory")
        }
        let directory = String(cString: dirPointer)
        let path = directory + "/" + (name == "stdin" ? "stdin" : FileIO.fileName(of: name))
        do {
            let out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard out >= 0 else {
                throw TrailError.io("cannot create \(path) to read \(name): \(FileIO.errnoText())", file: name)
            }
            defer { close(out) }
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw TrailError.io("cannot read \(name): \(FileIO.errnoText())", file: name)
                }
                if n == 0 { break }
                let ok = buffer.withUnsafeBytes { FileIO.writeAll(out, UnsafeRawBufferPointer(rebasing: $0[..<n])) }
                guard ok else {
                    throw TrailError.io(
                        "cannot copy \(name) to \(directory): \(FileIO.errnoText())", file: name,
                        remedy: "set TMPDIR to a directory with room for the whole \(name)")
                }
            }
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        return (directory, path)
    }

    // MARK: - Names in messages

    /// `e` with every private copy's path replaced by the name of what was read (the library only knows the copy).
    static func renamed(_ e: TrailError) -> TrailError { registry.renamed(e) }

    /// `text` with every private copy's path replaced by its input's name.
    static func renamed(_ text: String) -> String { registry.renamed(text) }

    static let registry = CopyRegistry()

    /// The private copies alive in this process, to name them as the user did.
    final class CopyRegistry: @unchecked Sendable {
        // @unchecked: every access to `copies` holds `lock`.
        private let lock = NSLock()
        private var copies: [(path: String, directory: String, name: String)] = []

        func add(copy path: String, directory: String, name: String) {
            lock.withLock { copies.append((path, directory, name)) }
        }

        func renamed(_ text: String) -> String {
            lock.withLock {
                var t = text
                for c in copies {
                    t = t.replacingOccurrences(of: c.path, with: c.name)
                    t = t.replacingOccurrences(of: c.directory, with: "(a private copy of \(c.name))")
                }
                return t
            }
        }

        func renamed(_ e: TrailError) -> TrailError {
            var e = e
            e.message = renamed(e.message)
            e.remedy = e.remedy.map(renamed)
            e.file = e.file.map(renamed)
            return e
        }
    }
}

/// A line printed to stderr unless cancelled before its time.
final class DelayedNotice: @unchecked Sendable {
    // @unchecked: `cancelled` is read and written only under `lock`.
    private let lock = NSLock()
    private var cancelled = false
    private let text: String

    init(_ text: String) { self.text = text }

    func schedule(after seconds: Double) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            lock.withLock {
                if !cancelled { FileHandle.standardError.write(Data((text + "\n").utf8)) }
            }
        }
    }

    func cancel() { lock.withLock { cancelled = true } }
}

/// The whole input file at `path` (`-` for stdin), with a missing file, a permission problem and a directory told
/// apart (exit 66, 77 and 66) from other read errors.
func readInput(_ path: String, what: String = "input") throws -> [UInt8] {
    if path == "-" || isPipe(path) {
        let input = try InputFile(path, what: what)
        return try withExtendedLifetime(input) { try FileIO.read(input.path) }
    }
    var st = stat()
    guard stat(path, &st) == 0 else { throw InputFile.openError(path, errno: errno, what: what) }
    if st.st_mode & S_IFMT == S_IFDIR {
        throw TrailError(
            "not-a-regular-file", "\(path) is a directory, not a \(what) file",
            remedy: "name the \(what) file", file: path)
    }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw InputFile.openError(path, errno: errno, what: what) }
    close(fd)
    return try FileIO.read(path)
}

/// `readInput` as UTF-8 text.
func readInputText(_ path: String, what: String = "input") throws -> String {
    String(decoding: try readInput(path, what: what), as: UTF8.self)
}

/// True when `path` is a regular file this process can open; false for a pipe (read it with `readInput`); the errors
/// of `readInput` for a file that does not exist, may not be read, or is a directory or device.
func isRegularInput(_ path: String, what: String) throws -> Bool {
    if path == "-" { return false }
    var st = stat()
    guard stat(path, &st) == 0 else { throw InputFile.openError(path, errno: errno, what: what) }
    switch st.st_mode & S_IFMT {
    case S_IFREG:
        guard access(path, R_OK) == 0 else { throw InputFile.openError(path, errno: errno, what: what) }
        return true
    case S_IFIFO: return false
    default:
        throw TrailError(
            "not-a-regular-file", "\(path) is not a \(what) file or a pipe",
            remedy: "name the \(what) file",
            file: path)
    }
}

private func isPipe(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFIFO
}
