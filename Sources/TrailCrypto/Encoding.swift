import Foundation

/// Lowercase hex and base64 helpers used throughout chiptrail.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lowercase hex of `bytes`.
    public static func encode<C: Sequence>(_ bytes: C) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex (either case); nil when the text is not hex of whole bytes.
    public static func decode(_ text: String) -> [UInt8]? {
        let u = Array(text.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let h = nibble(u[i]), let l = nibble(u[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

public enum Base64 {
    /// Standard, padded base64.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        Data(bytes).base64EncodedString()
    }

    /// Strict standard base64 (padding required): nil on any other character.
    public static func decodeStandard(_ text: String) -> [UInt8]? {
        guard let d = Data(base64Encoded: text) else { return nil }
        return [UInt8](d)
    }

    /// Standard or URL-safe base64, padded or not, but not a mix of both alphabets (DESIGN.md §4.1).
    public static func decodeLenient(_ text: String) -> [UInt8]? {
        var hasStd = false
        var hasURL = false
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "+"), UInt8(ascii: "/"): hasStd = true
            case UInt8(ascii: "-"), UInt8(ascii: "_"): hasURL = true
            default: break
            }
        }
        if hasStd && hasURL { return nil }
        var s = text
        if hasURL {
            s = String(s.map { $0 == "-" ? "+" : ($0 == "_" ? "/" : $0) })
        }
        let rem = s.utf8.count % 4
        if rem == 1 { return nil }
        if rem != 0 { s += String(repeating: "=", count: 4 - rem) }
        guard let d = Data(base64Encoded: s) else { return nil }
        return [UInt8](d)
    }
}
