/// Making text from a file safe to print on a terminal.
enum Terminal {
    /// `s` with every character that could move the cursor, erase, recolour or reorder what a terminal shows
    /// replaced by a visible escape: C0 controls (tab and newline included), DEL and C1 controls as `\xHH`,
    /// the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) as `\u{HHHH}`.
    ///
    /// Every string a ledger, bundle, envelope or certificate supplies (shipment ids, names, subjects, messages
    /// that quote them) goes through this before the CLI prints it as text. JSON output needs no such step: its
    /// serialiser escapes controls, and a JSON consumer does not interpret the rest.
    static func safe(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: needsEscape) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            guard needsEscape(u) else {
                out.append(u)
                continue
            }
            let hex = String(u.value, radix: 16, uppercase: true)
            let escaped = u.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{" + hex + "}"
            out.append(contentsOf: escaped.unicodeScalars)
        }
        return String(out)
    }

    /// Like `safe`, but keeps line breaks (for multi-line text such as a signed note).
    static func safeLines(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { safe(String($0)) }.joined(separator: "\n")
    }

    static func needsEscape(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}

extension Terminal {
    /// A JSON text (a ledger line) with DEL, C1 controls and the bidi controls written as `\uHHHH` escapes inside
    /// its strings: the same JSON value, safe on a terminal. (JCS already escapes C0 controls; outside strings a
    /// valid line has none of these characters, and any found there is escaped the same way.)
    static func safeJSON(_ line: [UInt8]) -> [UInt8] {
        let text = String(decoding: line, as: UTF8.self)
        guard text.unicodeScalars.contains(where: needsEscape) else { return Array(text.utf8) }
        var out = ""
        for u in text.unicodeScalars {
            if needsEscape(u) {
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return Array(out.utf8)
    }
}
