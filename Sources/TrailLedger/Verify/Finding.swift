import TrailCrypto

/// One verification finding: where (seq, 1-based line), what (stable code), and why.
public struct Finding: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var seq: Int
    public var line: Int
    /// A registered code (`TrailError.Code`).
    public var code: TrailError.Code
    public var message: String
    public var severity: Severity
    public var remedy: String?
    /// Byte offset in the file, for findings about bytes rather than records (a torn tail).
    public var offset: Int64?

    public init(
        seq: Int, code: TrailError.Code, message: String, severity: Severity = .error, remedy: String? = nil, offset: Int64? = nil
    ) {
        self.seq = seq
        self.line = seq + 1
        self.code = code
        self.message = message
        self.severity = severity
        self.remedy = remedy
        self.offset = offset
    }

    init(seq: Int, _ e: TrailError, severity: Severity = .error) {
        var msg = e.message
        if !e.openssl.isEmpty { msg += " (OpenSSL: " + e.openssl.joined(separator: "; ") + ")" }
        self.init(seq: seq, code: e.code, message: msg, severity: severity, remedy: e.remedy)
    }

    public var description: String {
        "line \(line) (seq \(seq)): \(severity)[\(code)]: \(message)" + (remedy.map { "\n  hint: \($0)" } ?? "")
    }
}
