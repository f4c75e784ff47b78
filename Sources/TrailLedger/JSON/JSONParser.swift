import TrailCrypto

/// A strict RFC 8259 JSON parser that reads bytes directly.
///
/// Refuses everything RFC 8259 does not allow (trailing commas, leading zeros, `NaN`, unescaped
/// control characters, lone surrogates in `\u` escapes) and, beyond the RFC, duplicate object keys
/// (as I-JSON, RFC 7493 §2.3, does) and input that is not valid UTF-8 (RFC 8259 §8.1). Whitespace
/// around tokens is allowed as RFC 8259 §2 says; callers that forbid it check the bytes themselves.
///
/// Errors are `TrailError`s in the `.malformed` category: `invalid-json` (what and the byte offset),
/// `duplicate-key` (names the key), `invalid-utf8`, `json-too-deep`, `json-string-too-long`.
public enum JSONParser {
    /// Parses exactly one JSON text (RFC 8259 §2: `ws value ws`) from `bytes`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: JSONLimits = .default) throws -> JSONValue {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw TrailError.malformed("invalid-json", "empty input: expected a JSON value at byte 0")
        }
        var reader = Reader(base: base.assumingMemoryBound(to: UInt8.self), end: bytes.count, limits: limits)
        return try reader.parseText()
    }

    /// Parses exactly one JSON text from a byte collection (contiguous storage is read in place).
    public static func parse<C: Collection>(_ bytes: C, limits: JSONLimits = .default) throws -> JSONValue
    where C.Element == UInt8 {
        if let v = try bytes.withContiguousStorageIfAvailable({
            try parse(UnsafeRawBufferPointer($0), limits: limits)
        }) {
            return v
        }
        return try Array(bytes).withUnsafeBytes { try parse($0, limits: limits) }
    }

    /// Parses exactly one JSON text from the UTF-8 of `text`.
    public static func parse(_ text: String, limits: JSONLimits = .default) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { try parse(UnsafeRawBufferPointer($0), limits: limits) }
    }
}

extension JSONParser {
    /// The recursive-descent reader over one buffer. Offsets in messages are 0-based byte offsets.
    struct Reader {
        let p: UnsafePointer<UInt8>
        let end: Int
        let limits: JSONLimits
        var pos = 0
        var depth = 0
        var scratch: [UInt8] = []

        init(base: UnsafePointer<UInt8>, end: Int, limits: JSONLimits) {
            self.p = base
            self.end = end
            self.limits = limits
        }

        // MARK: RFC 8259 §2 — JSON-text = ws value ws

        mutating func parseText() throws -> JSONValue {
            if end >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF {
                throw invalid("a byte order mark is not allowed", at: 0)
            }
            skipWhitespace()
            let v = try parseValue()
            skipWhitespace()
            if pos < end { throw unexpected("after the JSON value") }
            return v
        }

        @inline(__always)
        mutating func skipWhitespace() {
            while pos < end {
                switch p[pos] {
                case 0x20, 0x09, 0x0A, 0x0D: pos += 1
                default: return
                }
            }
        }

        // MARK: RFC 8259 §3 — values

        mutating func parseValue() throws -> JSONValue {
            guard pos < end else { throw invalid("unexpected end of input: expected a value", at: pos) }
            switch p[pos] {
            case UInt8(ascii: "{"): return try parseObject()
            case UInt8(ascii: "["): return try parseArray()
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw unexpected("where a value was expected")
            }
        }

        mutating func literal(_ word: StaticString) throws {
            let n = word.utf8CodeUnitCount
            let w = word.utf8Start
            guard end - pos >= n else { throw invalid("unknown literal (expected \(word))", at: pos) }
            for i in 0..<n where p[pos + i] != w[i] {
                throw invalid("unknown literal (expected \(word))", at: pos)
            }
            pos += n
        }

        mutating func enter() throws {
            depth += 1
            if depth > limits.maxDepth {
                throw TrailError.malformed(
                    "json-too-deep", "JSON nesting deeper than \(limits.maxDepth) levels at byte \(pos)")
            }
        }

        // MARK: RFC 8259 §4 — objects

        mutating func parseObject() throws -> JSONValue {
            try enter()
            pos += 1
            var members: [JSONObject.Member] = []
            members.reserveCapacity(8)
            // Names compare as exact sequences of Unicode scalars (their UTF-8 bytes), never by Swift's canonical
            // equivalence: "é" and "e\u{301}" are two names.
            var seen: Set<[UInt8]>? = nil
            skipWhitespace()
            if pos < end && p[pos] == UInt8(ascii: "}") {
                pos += 1
                depth -= 1
                return .object(JSONObject(uncheckedMembers: members))
            }
            while true {
                skipWhitespace()
                guard pos < end, p[pos] == UInt8(ascii: "\"") else {
                    throw pos < end
                        ? unexpected("where an object key was expected")
                        : invalid("unexpected end of input: expected an object key", at: pos)
                }
                let keyOffset = pos
                let key = try parseString()
                // Linear search is fastest for the handful of keys a record has; a set takes over for big objects.
                if members.count < 16 {
                    if members.contains(where: { $0.key.utf8.elementsEqual(key.utf8) }) { throw duplicate(key, at: keyOffset) }
                    if members.count == 15 { seen = Set(members.map { Array($0.key.utf8) }) }
                } else if seen!.contains(Array(key.utf8)) {
                    throw duplicate(key, at: keyOffset)
                }
                seen?.insert(Array(key.utf8))
                skipWhitespace()
                guard pos < end, p[pos] == UInt8(ascii: ":") else {
                    throw pos < end
                        ? unexpected("where ':' was expected")
                        : invalid("unexpected end of input: expected ':'", at: pos)
                }
                pos += 1
                skipWhitespace()
                let value: JSONValue
                do {
                    value = try parseValue()
                } catch var e as TrailError {
                    // Name the innermost member whose value is wrong (a policy or manifest author looks for the key).
                    if !e.message.contains(" (in the value of \"") {
                        let shown = key.unicodeScalars.count > 64 ? String(key.unicodeScalars.prefix(64)) + "…" : key
                        e.message += " (in the value of \"\(Self.printable(shown))\")"
                    }
                    throw e
                }
                members.append(JSONObject.Member(key: key, value: value))
                skipWhitespace()
                guard pos < end else { throw invalid("unexpected end of input: expected ',' or '}'", at: pos) }
                if p[pos] == UInt8(ascii: ",") {
                    pos += 1
                } else if p[pos] == UInt8(ascii: "}") {
                    pos += 1
                    break
                } else {
                    throw unexpected("where ',' or '}' was expected")
                }
            }
            depth -= 1
            return .object(JSONObject(uncheckedMembers: members))
        }

        // MARK: RFC 8259 §5 — arrays

        mutating func parseArray() throws -> JSONValue {
            try enter()
            pos += 1
            var elements: [JSONValue] = []
            elements.reserveCapacity(4)
            skipWhitespace()
            if pos < end && p[pos] == UInt8(ascii: "]") {
                pos += 1
                depth -= 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try parseValue())
                skipWhitespace()
                guard pos < end else { throw invalid("unexpected end of input: expected ',' or ']'", at: pos) }
                if p[pos] == UInt8(ascii: ",") {
                    pos += 1
                } else if p[pos] == UInt8(ascii: "]") {
                    pos += 1
                    break
                } else {
                    throw unexpected("where ',' or ']' was expected")
                }
            }
            depth -= 1
            return .array(elements)
        }

        // MARK: RFC 8259 §6 — numbers: [ minus ] int [ frac ] [ exp ]

        mutating func parseNumber() throws -> JSONNumber {
            let start = pos
            let negative = p[pos] == UInt8(ascii: "-")
            if negative { pos += 1 }
            guard pos < end, isDigit(p[pos]) else { throw invalid("a number needs digits after '-'", at: start) }
            var magnitude: UInt64 = 0
            var overflow = false
            if p[pos] == UInt8(ascii: "0") {
                pos += 1
                if pos < end && isDigit(p[pos]) { throw invalid("a number may not have a leading zero", at: start) }
            } else {
                while pos < end && isDigit(p[pos]) {
                    let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
                    let (s, o2) = m.addingReportingOverflow(UInt64(p[pos] - UInt8(ascii: "0")))
                    overflow = overflow || o1 || o2
                    magnitude = s
                    pos += 1
                }
            }
            var integral = true
            if pos < end && p[pos] == UInt8(ascii: ".") {
                integral = false
                pos += 1
                guard pos < end, isDigit(p[pos]) else { throw invalid("a fraction needs digits after '.'", at: pos) }
                while pos < end && isDigit(p[pos]) { pos += 1 }
            }
            if pos < end && (p[pos] == UInt8(ascii: "e") || p[pos] == UInt8(ascii: "E")) {
                integral = false
                pos += 1
                if pos < end && (p[pos] == UInt8(ascii: "+") || p[pos] == UInt8(ascii: "-")) { pos += 1 }
                guard pos < end, isDigit(p[pos]) else { throw invalid("an exponent needs digits", at: pos) }
                while pos < end && isDigit(p[pos]) { pos += 1 }
            }
            if integral && !overflow {
                if !negative && magnitude <= UInt64(Int64.max) { return JSONNumber(Int64(magnitude)) }
                if negative && magnitude <= UInt64(Int64.max) + 1 {
                    return JSONNumber(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
                }
            }
            let text = String(decoding: UnsafeBufferPointer(start: p + start, count: pos - start), as: UTF8.self)
            guard let d = Double(text), d.isFinite else {
                throw invalid("number \(text) is out of range for a double", at: start)
            }
            return JSONNumber(d)
        }

        @inline(__always)
        func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

        // MARK: RFC 8259 §7 — strings

        mutating func parseString() throws -> String {
            let quote = pos
            pos += 1
            let start = pos
            // Fast path: no escapes, so the string is the bytes between the quotes.
            while pos < end {
                // Skip plain ASCII eight bytes at a time: the base64 payloads that fill ledger lines are all plain.
                while end - pos >= 8 && Reader.isPlain(UnsafeRawPointer(p + pos).loadUnaligned(as: UInt64.self)) {
                    pos += 8
                }
                guard pos < end else { break }
                let b = p[pos]
                if b == UInt8(ascii: "\"") {
                    try checkLength(pos - start, at: quote)
                    let s = String(decoding: UnsafeBufferPointer(start: p + start, count: pos - start), as: UTF8.self)
                    pos += 1
                    return s
                } else if b == UInt8(ascii: "\\") {
                    break
                } else if b < 0x20 {
                    throw invalid("unescaped control character U+\(hex4(UInt16(b))) in a string", at: pos)
                } else if b < 0x80 {
                    pos += 1
                } else {
                    pos += try utf8Sequence(at: pos)
                }
            }
            guard pos < end else { throw invalid("unterminated string", at: quote) }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeBufferPointer(start: p + start, count: pos - start))
            while pos < end {
                let b = p[pos]
                if b == UInt8(ascii: "\"") {
                    try checkLength(scratch.count, at: quote)
                    pos += 1
                    return String(decoding: scratch, as: UTF8.self)
                } else if b == UInt8(ascii: "\\") {
                    try parseEscape()
                } else if b < 0x20 {
                    throw invalid("unescaped control character U+\(hex4(UInt16(b))) in a string", at: pos)
                } else if b < 0x80 {
                    scratch.append(b)
                    pos += 1
                } else {
                    let n = try utf8Sequence(at: pos)
                    scratch.append(contentsOf: UnsafeBufferPointer(start: p + pos, count: n))
                    pos += n
                }
            }
            throw invalid("unterminated string", at: quote)
        }

        /// True when none of the 8 bytes is a quote, a backslash, a control character or non-ASCII
        /// (the "has byte less than / equal to" bit tricks; exact for whether any byte matches).
        @inline(__always)
        static func isPlain(_ w: UInt64) -> Bool {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let high: UInt64 = 0x8080_8080_8080_8080
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            let special =
                (w & high) | ((w &- ones &* 0x20) & ~w & high) | ((quote &- ones) & ~quote & high)
                | ((backslash &- ones) & ~backslash & high)
            return special == 0
        }

        func checkLength(_ n: Int, at offset: Int) throws {
            if let max = limits.maxStringLength, n > max {
                throw TrailError.malformed(
                    "json-string-too-long", "string at byte \(offset) is longer than \(max) bytes")
            }
        }

        /// One escape (RFC 8259 §7); `\u` escapes of UTF-16 surrogates must come as a high-low pair.
        mutating func parseEscape() throws {
            let at = pos
            guard pos + 1 < end else { throw invalid("unterminated escape", at: at) }
            let c = p[pos + 1]
            pos += 2
            switch c {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                let u = try hexQuad(at: at)
                var scalar: UInt32
                if u >= 0xD800 && u < 0xDC00 {
                    guard pos + 1 < end, p[pos] == UInt8(ascii: "\\"), p[pos + 1] == UInt8(ascii: "u") else {
                        throw invalid("lone high surrogate \\u\(hex4(u)) in a string", at: at)
                    }
                    pos += 2
                    let low = try hexQuad(at: pos - 2)
                    guard low >= 0xDC00 && low < 0xE000 else {
                        throw invalid("high surrogate \\u\(hex4(u)) not followed by a low surrogate", at: at)
                    }
                    scalar = 0x10000 + ((UInt32(u) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                } else if u >= 0xDC00 && u < 0xE000 {
                    throw invalid("lone low surrogate \\u\(hex4(u)) in a string", at: at)
                } else {
                    scalar = UInt32(u)
                }
                appendUTF8(scalar)
            default:
                throw invalid("invalid escape sequence", at: at)
            }
        }

        mutating func hexQuad(at escape: Int) throws -> UInt16 {
            guard end - pos >= 4 else { throw invalid("\\u needs four hex digits", at: escape) }
            var v: UInt16 = 0
            for i in 0..<4 {
                let b = p[pos + i]
                let d: UInt8
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
                default: throw invalid("\\u needs four hex digits", at: escape)
                }
                v = v << 4 | UInt16(d)
            }
            pos += 4
            return v
        }

        mutating func appendUTF8(_ s: UInt32) {
            switch s {
            case 0..<0x80:
                scratch.append(UInt8(s))
            case 0x80..<0x800:
                scratch.append(UInt8(0xC0 | s >> 6))
                scratch.append(UInt8(0x80 | s & 0x3F))
            case 0x800..<0x10000:
                scratch.append(UInt8(0xE0 | s >> 12))
                scratch.append(UInt8(0x80 | s >> 6 & 0x3F))
                scratch.append(UInt8(0x80 | s & 0x3F))
            default:
                scratch.append(UInt8(0xF0 | s >> 18))
                scratch.append(UInt8(0x80 | s >> 12 & 0x3F))
                scratch.append(UInt8(0x80 | s >> 6 & 0x3F))
                scratch.append(UInt8(0x80 | s & 0x3F))
            }
        }

        /// Length of the well-formed UTF-8 sequence starting at `i` (Unicode 15 Table 3-7), or `invalid-utf8`.
        func utf8Sequence(at i: Int) throws -> Int {
            let b0 = p[i]
            var lo: UInt8 = 0x80
            var hi: UInt8 = 0xBF
            let n: Int
            switch b0 {
            case 0xC2...0xDF: n = 2
            case 0xE0:
                n = 3
                lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: n = 3
            case 0xED:
                n = 3
                hi = 0x9F
            case 0xF0:
                n = 4
                lo = 0x90
            case 0xF1...0xF3: n = 4
            case 0xF4:
                n = 4
                hi = 0x8F
            default: throw badUTF8(at: i)
            }
            guard end - i >= n else { throw badUTF8(at: i) }
            let b1 = p[i + 1]
            guard b1 >= lo && b1 <= hi else { throw badUTF8(at: i) }
            for k in 2..<max(n, 2) where p[i + k] & 0xC0 != 0x80 { throw badUTF8(at: i) }
            return n
        }

        // MARK: errors

        func invalid(_ what: String, at offset: Int) -> TrailError {
            TrailError.malformed("invalid-json", "\(what) at byte \(offset)")
        }

        func badUTF8(at offset: Int) -> TrailError {
            TrailError.malformed("invalid-utf8", "invalid UTF-8 at byte \(offset)")
        }

        func duplicate(_ key: String, at offset: Int) -> TrailError {
            TrailError.malformed("duplicate-key", "duplicate object key \"\(key)\" at byte \(offset)")
        }

        /// The byte at `pos` is not allowed here; non-ASCII garbage is reported as bad UTF-8 when it is.
        func unexpected(_ context: String) -> TrailError {
            let b = p[pos]
            if b >= 0x80, (try? utf8Sequence(at: pos)) == nil { return badUTF8(at: pos) }
            let shown = b >= 0x21 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
            return invalid("unexpected \(shown) \(context)", at: pos)
        }

        /// `s` with control characters shown as \u escapes (it goes into an error message).
        static func printable(_ s: String) -> String {
            var out = ""
            for c in s.unicodeScalars {
                if c.value < 0x20 || c.value == 0x7F || (0x80...0x9F).contains(c.value) {
                    out += "\\u" + String(repeating: "0", count: 4 - String(c.value, radix: 16).count) + String(c.value, radix: 16)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
            return out
        }

        func hex4(_ v: UInt16) -> String {
            let s = String(v, radix: 16, uppercase: true)
            return String(repeating: "0", count: 4 - s.count) + s
        }
    }
}
