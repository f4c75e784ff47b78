/// The JSON Canonicalization Scheme, RFC 8785.
///
/// chiptrail writes every ledger line in this form so the same record always has the same bytes;
/// verifiers still hash the stored bytes and use `isCanonical` only to report non-canonical lines.
public enum JCS {
    /// The canonical UTF-8 bytes of `value` (RFC 8785 §3.2): no whitespace, object members sorted by
    /// the UTF-16 code units of their keys (§3.2.3), strings escaped minimally (§3.2.2.2), numbers in
    /// ECMAScript `Number.prototype.toString` form (§3.2.2.3).
    public static func serialize(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, to: &out)
        return out
    }

    /// True when `line` parses as JSON and its bytes are exactly its RFC 8785 serialisation.
    public static func isCanonical(_ line: [UInt8]) -> Bool {
        guard let v = try? line.withUnsafeBytes({ try JSONParser.parse($0) }) else { return false }
        return serialize(v) == line
    }

    /// Appends the canonical bytes of `value` to `out`.
    public static func write(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): writeNumber(n, to: &out)
        case .string(let s): writeString(s, to: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, e) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(e, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            // RFC 8785 §3.2.3: sort by UTF-16 code units, compared as unsigned integers.
            let sorted = o.members.sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
            for (i, m) in sorted.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(m.key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(m.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// RFC 8785 §3.2.2.2: `\"`, `\\`, `\b \t \n \f \r`, `\u00xx` (lowercase) for the other controls,
    /// every other code point as itself in UTF-8.
    /// Appends `s` as an RFC 8785 string (quotes and minimal escapes).
    public static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            // Runs of bytes that need no escape (all of a base64 payload) are copied at once.
            var run = 0
            for (i, b) in utf8.enumerated() where b < 0x20 || b == 0x22 || b == 0x5C {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<i]))
                escape(b, to: &out)
                run = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func escape(_ b: UInt8, to out: inout [UInt8]) {
        switch b {
        case 0x22:
            out.append(0x5C)
            out.append(0x22)
        case 0x5C:
            out.append(0x5C)
            out.append(0x5C)
        case 0x08:
            out.append(0x5C)
            out.append(UInt8(ascii: "b"))
        case 0x09:
            out.append(0x5C)
            out.append(UInt8(ascii: "t"))
        case 0x0A:
            out.append(0x5C)
            out.append(UInt8(ascii: "n"))
        case 0x0C:
            out.append(0x5C)
            out.append(UInt8(ascii: "f"))
        case 0x0D:
            out.append(0x5C)
            out.append(UInt8(ascii: "r"))
        case 0x00..<0x20:
            out.append(contentsOf: "\\u00".utf8)
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0xF)])
        default: out.append(b)
        }
    }

    /// RFC 8785 §3.2.2.3: the ECMAScript (ECMA-262 §7.1.12.1 Number::toString) form of the double.
    static func writeNumber(_ n: JSONNumber, to out: inout [UInt8]) {
        out.append(contentsOf: numberString(n.doubleValue).utf8)
    }

    /// ECMAScript `Number::toString(x)` for a finite double (ECMA-262 §6.1.6.1.20).
    public static func numberString(_ x: Double) -> String {
        precondition(x.isFinite, "RFC 8785 has no NaN or infinity")
        if x == 0 { return "0" }  // step 2: +0 and -0 both print as "0"
        // Integers below 2^53 are exact, and their shortest digits padded with zeros are the integer itself.
        if x.rounded(.towardZero) == x && abs(x) < 0x1p53 { return String(Int64(x)) }
        let negative = x < 0
        // Swift's description gives the shortest digit string that round-trips and, among those, the
        // closest to x: exactly the k and s that step 5 asks for. Only the layout differs.
        let (digits, n) = shortestDigits(abs(x))
        let k = digits.count
        var s = negative ? "-" : ""
        if k <= n && n <= 21 {
            // step 6: the digits followed by n-k zeros
            s += String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            // step 7: the decimal point inside the digits
            s += String(decoding: digits[0..<n], as: UTF8.self) + "." + String(decoding: digits[n...], as: UTF8.self)
        } else if -6 < n && n <= 0 {
            // step 8: "0." then -n zeros then the digits
            s += "0." + String(repeating: "0", count: -n) + String(decoding: digits, as: UTF8.self)
        } else {
            // steps 9-10: exponent form, "e", sign, |n-1|
            let e = n - 1
            s += String(decoding: digits[0..<1], as: UTF8.self)
            if k > 1 { s += "." + String(decoding: digits[1...], as: UTF8.self) }
            s += "e" + (e < 0 ? "-" : "+") + String(abs(e))
        }
        return s
    }

    /// The shortest round-trip decimal digits of positive finite `x` and the position n of the decimal
    /// point, so that x ≈ 0.d₁d₂…dₖ × 10ⁿ (ECMA-262's k, n and s).
    static func shortestDigits(_ x: Double) -> (digits: [UInt8], n: Int) {
        let text = x.description  // e.g. "4.5", "1e-07", "5e-324", "9.999999999999999e+20", "1234.5"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...])!
        }
        var digits: [UInt8] = []
        var pointAt: Int? = nil
        for c in mantissa.utf8 {
            if c == UInt8(ascii: ".") { pointAt = digits.count } else { digits.append(c) }
        }
        var n = (pointAt ?? digits.count) + exponent
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            n -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, n)
    }
}
