/// Structural checks on PEM text, done before OpenSSL parses it, so that a truncated file, a public key
/// given where a private key belongs, and a wrong passphrase each get their own error.
public enum PEM {
    /// One `-----BEGIN X-----` … `-----END X-----` block.
    public struct Block: Sendable, Equatable {
        public var label: String
        /// The whole block text including its BEGIN and END lines.
        public var text: String
    }

    /// All complete PEM blocks in `text`, in order. Throws `malformed-pem` when a BEGIN has no matching
    /// END (a truncated file) and `no-pem` when there is no block at all.
    public static func blocks(in text: String, file: String? = nil) throws -> [Block] {
        var out: [Block] = []
        var current: (label: String, lines: [Substring])? = nil
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if let label = marker(line, "BEGIN") {
                if current != nil {
                    throw TrailError.malformed(
                        "malformed-pem", "PEM block \"\(current!.label)\" is not closed before the next BEGIN",
                        remedy: "the file looks truncated or spliced; restore it from its source"
                    ).at(file: file)
                }
                current = (label, [line])
            } else if let label = marker(line, "END") {
                guard let c = current, c.label == label else {
                    throw TrailError.malformed("malformed-pem", "PEM END line without a matching BEGIN").at(file: file)
                }
                out.append(Block(label: label, text: (c.lines + [line]).joined(separator: "\n") + "\n"))
                current = nil
            } else if current != nil {
                current!.lines.append(line)
            }
        }
        if let c = current {
            throw TrailError.malformed(
                "malformed-pem", "PEM block \"\(c.label)\" has no END line: the file is truncated",
                remedy: "restore the complete file from its source"
            ).at(file: file)
        }
        if out.isEmpty {
            throw TrailError.malformed("no-pem", "no PEM block found", remedy: "give a PEM file (-----BEGIN …-----)")
                .at(file: file)
        }
        return out
    }

    private static func marker(_ line: Substring, _ kind: String) -> String? {
        let prefix = "-----\(kind) "
        guard line.hasPrefix(prefix), line.hasSuffix("-----"), line.count > prefix.count + 5 else { return nil }
        return String(line.dropFirst(prefix.count).dropLast(5))
    }
}
