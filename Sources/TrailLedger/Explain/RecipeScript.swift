import TrailCrypto

/// Builds the text of a POSIX shell script line by line.
struct RecipeScript {
    private(set) var text = ""

    mutating func line(_ s: String = "") { text += s + "\n" }

    mutating func comment(_ s: String) {
        for l in s.split(separator: "\n", omittingEmptySubsequences: false) { line(l.isEmpty ? "#" : "# " + l) }
    }

    /// Embeds `bytes` as `$W/name` (one line of base64 in a quoted here-document, decoded by `emb`).
    mutating func embed(_ name: String, _ bytes: [UInt8]) {
        line("emb \(name) <<'B64'")
        line(Base64.encode(bytes))
        line("B64")
    }

    /// `s` as one single-quoted shell word.
    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// `s` safe inside a single-quoted `say` argument on one line (no quote, no control character).
    static func plain(_ s: String) -> String {
        String(
            String.UnicodeScalarView(
                s.unicodeScalars.map { $0 == "'" || $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
    }
}
