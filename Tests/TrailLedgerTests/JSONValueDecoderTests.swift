import Foundation
import Testing
import TrailLedger

/// The statement decoder: values, unknown fields ignored, and errors naming the path to the bad value (the path is
/// built only when an error needs it).
@Suite struct JSONValueDecoderTests {
    struct Inner: Decodable, Equatable {
        var tpp: Double
        var count: Int
        var note: String?
    }

    struct Outer: Decodable, Equatable {
        var name: String
        var ok: Bool
        var measured: Inner
        var units: [String]
        var rows: [Inner]
    }

    func decode(_ text: String) throws -> Outer {
        try JSONValueDecoder.decode(Outer.self, from: try JSONParser.parse(Array(text.utf8)))
    }

    func path(_ e: Error) -> [String] {
        switch e {
        case DecodingError.keyNotFound(let k, let c): return c.codingPath.map(\.stringValue) + [k.stringValue]
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c): return c.codingPath.map(\.stringValue)
        default: return ["?"]
        }
    }

    @Test func decodesValuesAndIgnoresUnknownFields() throws {
        let o = try decode(
            #"{"name":"x","ok":true,"extra":[1,{}],"measured":{"tpp":15832.5,"count":3},"units":["a","b"],"rows":[{"tpp":1,"count":2,"note":"n"}]}"#)
        #expect(o == Outer(name: "x", ok: true, measured: Inner(tpp: 15832.5, count: 3), units: ["a", "b"], rows: [Inner(tpp: 1, count: 2, note: "n")]))
    }

    @Test func errorsNameThePathToTheBadValue() throws {
        let base = #""name":"x","ok":true,"units":["a"]"#
        let cases: [(String, [String])] = [
            (#"{\#(base),"measured":{"tpp":1},"rows":[]}"#, ["measured", "count"]),
            (#"{\#(base),"measured":{"tpp":1,"count":1.5},"rows":[]}"#, ["measured", "count"]),
            (#"{\#(base),"measured":{"tpp":"high","count":1},"rows":[]}"#, ["measured", "tpp"]),
            (#"{\#(base),"measured":{"tpp":1,"count":1},"rows":[{"tpp":1,"count":1},{"tpp":null,"count":1}]}"#, ["rows", "1", "tpp"]),
            (#"{"name":"x","ok":true,"units":["a",7],"measured":{"tpp":1,"count":1},"rows":[]}"#, ["units", "1"]),
            (#"{"name":"x","ok":"yes","units":[],"measured":{"tpp":1,"count":1},"rows":[]}"#, ["ok"]),
        ]
        for (text, expected) in cases {
            do {
                _ = try decode(text)
                Issue.record("decoded \(text)")
            } catch {
                #expect(path(error) == expected, "\(text)")
            }
        }
    }
}
