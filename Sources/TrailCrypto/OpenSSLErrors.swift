import COpenSSL

/// Drains OpenSSL's thread-local error queue into readable lines.
///
/// Every OpenSSL failure is converted into a `TrailError` through here, so the queue is always emptied
/// and never leaks into an unrelated later error.
enum OpenSSLErrors {
    static func drain() -> [String] {
        var lines: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buf = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buf, buf.count)
            lines.append(String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return lines
    }

    static func clear() { ERR_clear_error() }

    /// A TrailError carrying the drained queue.
    static func error(
        _ code: TrailError.Code, _ message: String, category: TrailError.Category? = nil, remedy: String? = nil
    ) -> TrailError {
        TrailError(code, message, category: category, remedy: remedy, openssl: drain())
    }
}
