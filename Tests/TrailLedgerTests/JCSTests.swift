import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

@Suite struct JCSTests {
    func canonical(_ text: String) throws -> String {
        String(decoding: JCS.serialize(try JSONParser.parse(text)), as: UTF8.self)
    }

    /// RFC 8785 §3.2.2 / §3.2.3: the sample input and its canonical form.
    @Test func rfc8785SampleObject() throws {
        let input = #"""
            {
              "numbers": [333333333.33333329, 1E30, 4.50,
                          2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#
        let expected =
            #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        let out = JCS.serialize(try JSONParser.parse(input))
        #expect(String(decoding: out, as: UTF8.self) == expected)
        // RFC 8785 §3.2.4 gives the bytes in hex; spot-check the euro sign and the escapes.
        #expect(Hex.encode(out).hasPrefix("7b226c69746572616c73223a5b6e756c6c2c747275652c66616c73655d"))
        #expect(Hex.encode(out).hasSuffix("22e282ac245c75303030665c6e4127425c225c5c5c5c5c222f227d"))
        #expect(JCS.isCanonical(out))
        #expect(!JCS.isCanonical(Array(input.utf8)))
    }

    /// RFC 8785 §3.2.3: sorting by UTF-16 code units (so U+1F600 sorts before U+FB33).
    @Test func rfc8785PropertySorting() throws {
        let input = #"""
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """#
        let v = try JSONParser.parse(input)
        let order = try JSONParser.parse(JCS.serialize(v)).objectValue!.map { $0.value.stringValue! }
        #expect(
            order == [
                "Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign",
                "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh",
            ])
    }

    /// RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript serialisations.
    @Test(arguments: [
        ("0000000000000000", "0"), ("8000000000000000", "0"), ("0000000000000001", "5e-324"),
        ("8000000000000001", "-5e-324"), ("7fefffffffffffff", "1.7976931348623157e+308"),
        ("ffefffffffffffff", "-1.7976931348623157e+308"), ("4340000000000000", "9007199254740992"),
        ("c340000000000000", "-9007199254740992"), ("4430000000000000", "295147905179352830000"),
        ("44b52d02c7e14af5", "9.999999999999997e+22"), ("44b52d02c7e14af6", "1e+23"),
        ("44b52d02c7e14af7", "1.0000000000000001e+23"), ("444b1ae4d6e2ef4e", "999999999999999700000"),
        ("444b1ae4d6e2ef4f", "999999999999999900000"), ("444b1ae4d6e2ef50", "1e+21"),
        ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"), ("3eb0c6f7a0b5ed8d", "0.000001"),
        ("41b3de4355555553", "333333333.3333332"), ("41b3de4355555554", "333333333.33333325"),
        ("41b3de4355555555", "333333333.3333333"), ("41b3de4355555556", "333333333.3333334"),
        ("41b3de4355555557", "333333333.33333343"), ("becbf647612f3696", "-0.0000033333333333333333"),
        ("43143ff3c1cb0959", "1424953923781206.2"),
    ])
    func rfc8785AppendixB(_ bits: String, _ expected: String) {
        let x = Double(bitPattern: UInt64(bits, radix: 16)!)
        #expect(JCS.numberString(x) == expected)
    }

    @Test(arguments: [
        ("0", "0"), ("-0", "0"), ("-0.0", "0"), ("1e30", "1e+30"), ("4.50", "4.5"), ("0.002", "0.002"),
        ("1e-7", "1e-7"), ("333333333.33333329", "333333333.3333333"), ("1e21", "1e+21"),
        ("9.999999999999999e20", "999999999999999900000"), ("5e-324", "5e-324"),
        ("1.7976931348623157e+308", "1.7976931348623157e+308"),
        ("-1.7976931348623157e+308", "-1.7976931348623157e+308"), ("100", "100"), ("1E2", "100"),
        ("9007199254740993", "9007199254740992"), ("0.1", "0.1"), ("123456789012345680000", "123456789012345680000"),
    ])
    func numbersFromText(_ text: String, _ expected: String) throws {
        #expect(try canonical(text) == expected)
    }

    @Test func escapesOnlyWhatRFC8785Requires() throws {
        var s = ""
        for c in 0..<0x20 { s.unicodeScalars.append(Unicode.Scalar(UInt8(c))) }
        s += "\"\\/\u{7F}\u{80}\u{2028}é😀<>&'"
        let out = String(decoding: JCS.serialize(.string(s)), as: UTF8.self)
        let expectedControls =
            #"\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f"#
            + #"\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"#
        #expect(out == "\"" + expectedControls + #"\"\\/"# + "\u{7F}\u{80}\u{2028}é😀<>&'\"")
        #expect(try JSONParser.parse(out).stringValue == s, "round-trips")
    }

    @Test func isCanonicalFlagsEveryDeviation() {
        #expect(JCS.isCanonical(Array(#"{"a":1,"b":[true,null,"x"]}"#.utf8)))
        for text in [
            #"{"b":1,"a":2}"#, #"{"a": 1}"#, #"{"a":1.0}"#, #"{"a":"\u0041"}"#, #"{"a":"\/"}"#, " {}", "{}\n",
            #"{"a":1e2}"#, "not json",
        ] {
            #expect(!JCS.isCanonical(Array(text.utf8)), "\(text)")
        }
    }

    /// Cross-check number formatting against a real ECMAScript engine when one is installed.
    @Test func numbersMatchNodeWhenAvailable() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/node") else { return }
        var rng = SystemRandomNumberGenerator()
        var xs: [Double] = []
        for _ in 0..<2000 {
            let x = Double(bitPattern: rng.next())
            if x.isFinite { xs.append(x) }
            xs.append(
                Double(Int64.random(in: -1_000_000_000...1_000_000_000)) / pow(10, Double(Int.random(in: 0...25))))
        }
        let dir = TempDir()
        let hexes = xs.map { String($0.bitPattern, radix: 16) }.joined(separator: "\n")
        let input = try dir.write("in.txt", hexes)
        let script =
            "require('fs').readFileSync(process.argv[1],'utf8').split('\\n').forEach(h=>{const b=Buffer.alloc(8);"
            + "b.writeBigUInt64BE(BigInt('0x'+h));console.log(String(b.readDoubleBE(0)))})"
        let r = try runProcess("/usr/bin/node", ["-e", script, input])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == xs.count)
        for (x, js) in zip(xs, lines) where JCS.numberString(x) != js {
            Issue.record("\(x): chiptrail \(JCS.numberString(x)) vs node \(js)")
        }
    }
}
