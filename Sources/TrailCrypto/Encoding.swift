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

    /// Standard or URL-safe base64, padded or not, but not a mix of both alphabets (SPEC.md §10). Padding,
    /// when present, is only at the end and never more than the length needs; unused low bits of the last
    /// character are ignored (as most decoders do).
    public static func decodeLenient(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decodeLenient(UnsafeRawBufferPointer($0)) }
    }

    /// 6-bit values of both alphabets; 0xFF for any other byte. Bit 6 marks the standard `+ /`, bit 7 the
    /// URL-safe `- _` (masked off after the alphabet check).
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8.enumerated() { t[Int(c)] = UInt8(i) }
        t[Int(UInt8(ascii: "+"))] = 62 | 0x40
        t[Int(UInt8(ascii: "/"))] = 63 | 0x40
        t[Int(UInt8(ascii: "-"))] = 62 | 0x80
        t[Int(UInt8(ascii: "_"))] = 63 | 0x80
        return t
    }()

    public static func decodeLenient(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        var n = text.count
        while n > 0 && text[n - 1] == UInt8(ascii: "=") { n -= 1 }
        let padding = text.count - n
        switch n % 4 {
        case 1: return nil
        case 2: if padding > 2 { return nil }
        case 3: if padding > 1 { return nil }
        default: if padding > 0 { return nil }
        }
        var out = [UInt8]()
        out.reserveCapacity(n / 4 * 3 + 2)
        let ok: Bool = table.withUnsafeBufferPointer { table in
            var marks: UInt8 = 0
            var acc: UInt32 = 0
            var bits = 0
            for i in 0..<n {
                let v = table[Int(text[i])]
                if v == 0xFF { return false }
                marks |= v
                acc = acc << 6 | UInt32(v & 0x3F)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
                }
            }
            return marks & 0xC0 != 0xC0  // not both alphabets
        }
        return ok ? out : nil
    }
}
