/// The one error type of chiptrail.
///
/// `code` is a stable, kebab-case identifier (the same string the CLI prints and tests assert);
/// `message` says what went wrong in words; `remedy` says what to do next. Where the error comes from
/// OpenSSL, `openssl` holds the drained OpenSSL error queue.
public struct TrailError: Error, Sendable, Equatable, CustomStringConvertible {
    /// How a failure maps onto the CLI's exit status (README.md "Commands").
    public enum Category: Sendable, Equatable {
        /// Integrity or authenticity failure (exit 1).
        case integrity
        /// Policy violation with integrity intact (exit 2).
        case policy
        /// Usage error (exit 64).
        case usage
        /// Malformed input (exit 65).
        case malformed
        /// I/O error (exit 74).
        case io
        /// Permission refused, e.g. a wrong passphrase or token PIN (exit 77).
        case permission
        /// An input file that does not exist or is not a file or pipe (exit 66).
        case noInput

        /// The CLI's exit status for the category (sysexits; DESIGN-NOTES "Exit status").
        public var exitStatus: Int32 {
            switch self {
            case .integrity: 1
            case .policy: 2
            case .usage: 64
            case .malformed: 65
            case .noInput: 66
            case .io: 74
            case .permission: 77
            }
        }
    }

    /// The stable code: one of the registered `TrailError.Code` members (ErrorCodes.swift).
    public var code: Code
    public var message: String
    public var category: Category
    public var remedy: String?
    /// The file the error is about, when there is one.
    public var file: String?
    /// 1-based line number in `file`, when known.
    public var line: Int?
    /// Ledger sequence number, when known.
    public var seq: Int?
    /// OpenSSL's error queue at the time of the failure, one entry per line.
    public var openssl: [String]

    /// An error of `code`; its category is the code's own unless the context makes it another (a JSON error inside
    /// a ledger line is an integrity finding, the same error in a policy file malformed input).
    public init(
        _ code: Code, _ message: String, category: Category? = nil, remedy: String? = nil,
        file: String? = nil, line: Int? = nil, seq: Int? = nil, openssl: [String] = []
    ) {
        self.code = code
        self.message = message
        self.category = category ?? code.category
        self.remedy = remedy
        self.file = file
        self.line = line
        self.seq = seq
        self.openssl = openssl
    }

    /// Returns a copy located at `file` (and optionally a line and seq).
    public func at(file: String? = nil, line: Int? = nil, seq: Int? = nil) -> TrailError {
        var e = self
        if let file { e.file = file }
        if let line { e.line = line }
        if let seq { e.seq = seq }
        return e
    }

    public var description: String {
        var s = ""
        if let file { s += file + ":" }
        if let line { s += "\(line):" }
        if !s.isEmpty { s += " " }
        if let seq { s += "seq \(seq): " }
        s += "error[\(code)]: \(message)"
        if !openssl.isEmpty { s += " (OpenSSL: " + openssl.joined(separator: "; ") + ")" }
        if let remedy { s += "\n  hint: " + remedy }
        return s
    }
}

extension TrailError {
    public static func io(_ message: String, file: String? = nil, remedy: String? = nil) -> TrailError {
        TrailError("io-error", message, category: .io, remedy: remedy, file: file)
    }

    public static func usage(_ code: Code, _ message: String, remedy: String? = nil) -> TrailError {
        TrailError(code, message, category: .usage, remedy: remedy)
    }

    public static func malformed(_ code: Code, _ message: String, remedy: String? = nil) -> TrailError {
        TrailError(code, message, category: .malformed, remedy: remedy)
    }
}

extension TrailError {
    /// `error` as a TrailError: itself when it is one, otherwise an `internal-error` that names it. Verification
    /// turns every error into a finding this way, so an error nobody expected can never pass silently.
    public static func wrap(_ error: any Error) -> TrailError {
        if let e = error as? TrailError { return e }
        return TrailError(
            "internal-error", "an unexpected error: \(error)",
            remedy: "this is a chiptrail bug; report it with the input that caused it")
    }
}
