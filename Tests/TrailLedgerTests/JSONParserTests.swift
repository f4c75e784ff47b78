import Testing
import TrailCrypto
import TrailLedger

@Suite struct JSONParserTests {
    func code(_ text: String, limits: JSONLimits = .default) -> String? {
        code(Array(text.utf8), limits: limits)
    }

    func code(_ bytes: [UInt8], limits: JSONLimits = .default) -> String? {
        do {
            _ = try JSONParser.parse(bytes, limits: limits)
            return nil
        } catch let e as TrailError {
            #expect(e.category == .malformed)
            return e.code.rawValue
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func parsesEveryKindOfValue() throws {
        let v = try JSONParser.parse(#" {"a": [1, -2, 3.5, true, false, null], "b": {"c": "d"}, "e": ""} "#)
        #expect(v["a"]?.arrayValue?.count == 6)
        #expect(v["a"]?[0]?.intValue == 1)
        #expect(v["a"]?[1]?.intValue == -2)
        #expect(v["a"]?[2]?.doubleValue == 3.5)
        #expect(v["a"]?[2]?.intValue == nil)
        #expect(v["a"]?[3]?.boolValue == true)
        #expect(v["a"]?[5]?.isNull == true)
        #expect(v["b"]?["c"]?.stringValue == "d")
        #expect(v["e"]?.stringValue == "")
        #expect(v["missing"] == nil)
        #expect(v.objectValue?.keys == ["a", "b", "e"], "keys stay in document order")
    }

    @Test func keepsIntegersExactly() throws {
        #expect(try JSONParser.parse("9223372036854775807").intValue == Int64.max)
        #expect(try JSONParser.parse("-9223372036854775808").intValue == Int64.min)
        #expect(try JSONParser.parse("9007199254740993").intValue == 9_007_199_254_740_993)
        #expect(try JSONParser.parse("9223372036854775808").intValue == nil, "beyond Int64 becomes a double")
        #expect(try JSONParser.parse("9223372036854775808").doubleValue == 0x1p63)
        #expect(try JSONParser.parse("1.0").intValue == 1, "an integral value is an integer")
        #expect(try JSONParser.parse("1e2").intValue == 100)
        #expect(try JSONParser.parse("-0").intValue == 0)
        #expect(try JSONParser.parse("1e-400").doubleValue == 0)
    }

    @Test func decodesEscapesAndUnicode() throws {
        let v = try JSONParser.parse(#""a\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00\u0000z""#)
        #expect(v.stringValue == "a\"\\/\u{8}\u{c}\n\r\tAé€😀\u{0}z")
        #expect(try JSONParser.parse("\"ಠ😀\"").stringValue == "ಠ😀")
    }

    @Test(arguments: [
        "", " ", "[1,]", "{\"a\":1,}", "[,1]", "{,}", "NaN", "Infinity", "-Infinity", "01", "-01", "1.", ".5",
        "1e", "1e+", "+1", "-", "0x10", "[1 2]", "{\"a\" 1}", "{\"a\":}", "{1:2}", "{'a':1}", "'a'", "tru",
        "nul", "True", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\ud800\"", "\"\\udc00\"",
        "\"\\ud800\\u0041\"", "\"\\ud800x\"", "\"a\u{1}b\"", "\"tab\there\"", "\"nl\nhere\"", "1 2", "{} {}",
        "[", "{", "[[]", "\u{FEFF}1", "1e400", "-1e400", "//c\n1", "[1]x",
    ])
    func refusesInvalidJSON(_ text: String) {
        #expect(code(text) == "invalid-json", "\(text.debugDescription)")
    }

    @Test func allowsRFCWhitespaceOnly() throws {
        #expect(try JSONParser.parse(" \t\r\n[ 1 ,\t2 ]\n ").arrayValue?.count == 2)
        #expect(code("\u{0B}1") == "invalid-json", "vertical tab is not JSON whitespace")
        #expect(code("\u{A0}1") == "invalid-json", "no-break space is not JSON whitespace")
    }

    @Test func refusesDuplicateKeysNamingThem() {
        for text in [#"{"a":1,"a":2}"#, #"{"a":1,"b":{"x":1,"x":1}}"#, #"{"\u0061":1,"a":2}"#] {
            #expect(code(text) == "duplicate-key", "\(text)")
        }
        // Beyond the linear-scan threshold a set takes over; both must catch duplicates.
        let many = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(code("{\(many)}") == nil)
        #expect(code("{\(many),\"k3\":0}") == "duplicate-key")
        #expect(code("{\(many),\"k39\":0}") == "duplicate-key")
        do {
            _ = try JSONParser.parse(#"{"name":1,"name":2}"#)
            Issue.record("accepted a duplicate key")
        } catch let e as TrailError {
            #expect(e.message.contains("\"name\""))
        } catch { Issue.record("\(error)") }
    }

    @Test func errorMessagesGiveTheByteOffset() {
        do {
            _ = try JSONParser.parse("[1,2,,3]")
            Issue.record("accepted")
        } catch let e as TrailError {
            #expect(e.code == "invalid-json")
            #expect(e.message.contains("at byte 5"), "\(e.message)")
        } catch { Issue.record("\(error)") }
    }

    @Test func refusesInvalidUTF8() {
        let cases: [[UInt8]] = [
            [0x22, 0xFF, 0x22],  // never valid
            [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
            [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong 3-byte
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-16 surrogate encoded in UTF-8
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0xE2, 0x82, 0x22],  // truncated sequence
            [0x22, 0x80, 0x22],  // lone continuation byte
            [0x22, 0x61, 0x5C, 0x6E, 0xC3, 0x22],  // bad UTF-8 after an escape (slow path)
            [0x5B, 0xFE, 0x5D],  // outside a string
        ]
        for c in cases { #expect(code(c) == "invalid-utf8", "\(Hex.encode(c))") }
        #expect(code([0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22]) == nil)
        #expect(code([0x22, 0xEF, 0xBF, 0xBF, 0x22]) == nil, "U+FFFF is a valid scalar")
    }

    @Test func enforcesDepthAndStringLimits() {
        let deep = { (n: Int) in String(repeating: "[", count: n) + String(repeating: "]", count: n) }
        #expect(code(deep(64)) == nil)
        #expect(code(deep(65)) == "json-too-deep")
        #expect(
            code(String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65)) == "json-too-deep")
        #expect(code(deep(3), limits: JSONLimits(maxDepth: 2)) == "json-too-deep")
        #expect(code(deep(100_000)) == "json-too-deep", "deep input fails cleanly instead of overflowing the stack")
        #expect(code("\"abcd\"", limits: JSONLimits(maxStringLength: 4)) == nil)
        #expect(code("\"abcde\"", limits: JSONLimits(maxStringLength: 4)) == "json-string-too-long")
        #expect(code("\"ab\\ncde\"", limits: JSONLimits(maxStringLength: 4)) == "json-string-too-long")
    }

    /// The string scanner skips plain ASCII eight bytes at a time; a special byte at any offset and any
    /// string length must still be seen.
    @Test func specialBytesAreFoundAtEveryOffset() throws {
        for length in 0..<20 {
            let plain = String(repeating: "a", count: length)
            #expect(try JSONParser.parse("\"\(plain)\"").stringValue == plain)
            for at in 0..<length {
                func with(_ inserted: [UInt8]) -> [UInt8] {
                    var b = Array(plain.utf8)
                    b.replaceSubrange(at..<(at + 1), with: inserted)
                    return [0x22] + b + [0x22]
                }
                #expect(code(with([0x01])) == "invalid-json")
                #expect(code(with([0x1F])) == "invalid-json")
                #expect(code(with([0x80])) == "invalid-utf8")
                #expect(code(with([0x22])) == "invalid-json", "a quote ends the string early")
                #expect(try JSONParser.parse(with([0x5C, 0x6E])).stringValue?.utf8.filter { $0 == 0x0A }.count == 1)
                #expect(try JSONParser.parse(with([0xC3, 0xA9])).stringValue?.contains("é") == true)
                #expect(try JSONParser.parse(with([0x7F])).stringValue?.unicodeScalars.contains("\u{7F}") == true)
            }
        }
    }

    @Test func parsesFromEveryInputShape() throws {
        let text = #"{"x":[1,"é"]}"#
        let bytes = Array(text.utf8)
        let expected: JSONValue = .object(["x": .array([1, "é"])])
        #expect(try JSONParser.parse(text) == expected)
        #expect(try JSONParser.parse(bytes) == expected)
        #expect(try JSONParser.parse(bytes[...]) == expected)
        #expect(try bytes.withUnsafeBytes { try JSONParser.parse($0) } == expected)
        #expect(try JSONParser.parse(text.utf8) == expected)
    }
}
