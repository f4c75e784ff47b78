import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// Inputs the fuzz targets of Fuzz/ found or that guard their invariants, kept as byte literals (so the test
/// target needs no resource declaration), and the hostile-input limits with their exact error codes.
@Suite struct FuzzRegressionTests {
    /// Each parser must refuse these with a `TrailError` (never trap).
    static let hostileLines: [[UInt8]] = [
        [],
        Array("{".utf8),
        Array("{}".utf8),
        Array("{\"v\":1}".utf8),
        Array(
            "{\"v\":2,\"seq\":9223372036854775807,\"type\":\"checkpoint\",\"time\":\"2026-03-01T00:00:00Z\",\"prev\":null,\"note\":\"\"}"
                .utf8),
        Array(
            "{\"v\":1,\"seq\":0,\"type\":\"cosignature\",\"time\":\"2026-03-01T00:00:00Z\",\"prev\":null,\"checkpoint\":-1,\"note\":\"x\"}"
                .utf8),
        Array(
            "{\"v\":1,\"seq\":0,\"type\":\"cosignature\",\"time\":\"2026-03-01T00:00:00Z\",\"prev\":null,\"checkpoint\":1e300,\"note\":\"x\"}"
                .utf8),
        Array(
            "{\"v\":1,\"seq\":-0,\"type\":\"crl\",\"time\":\"2026-02-29T00:00:00Z\",\"prev\":null,\"crl\":\"!!\"}".utf8),
        Array(
            "{\"v\":1,\"seq\":0,\"type\":\"statement\",\"time\":\"2026-03-01T23:59:60Z\",\"prev\":null,\"envelope\":{}}"
                .utf8),
        Array(
            "{\"v\":1,\"seq\":0,\"type\":\"statement\",\"time\":\"2026-03-01T00:00:00Z\",\"prev\":null,\"envelope\":{\"payloadType\":\"x\",\"payload\":\"=\",\"signatures\":[{\"sig\":\"A\"}]}}"
                .utf8),
        Array(
            "{\"v\":1,\"seq\":0,\"type\":\"genesis\",\"time\":\"2026-03-01T00:00:00Z\",\"prev\":null,\"anchors\":[1],\"operator\":\"-_\",\"origin\":\"\"}"
                .utf8),
        [0x7B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x3A, 0x31, 0x7D],  // {"<UTF-8 encoded surrogate>":1}
        [0x7B, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22, 0x3A, 0x31, 0x7D],  // beyond U+10FFFF
        [0x7B, 0x22, 0x5C, 0x75, 0x44, 0x38, 0x30, 0x30, 0x22, 0x7D],  // {"\uD800"}
        [0x7B, 0x22, 0xE2, 0x80, 0x22, 0x7D],  // a truncated 3-byte sequence before the quote
        Array("{\"a\":\"\\u".utf8),
        Array("{\"a\":-}".utf8),
        Array("{\"a\":1e}".utf8),
        Array("{\"a\":1.}".utf8),
        Array("{\"a\":1e99999}".utf8),
        Array("{\"a\":tru}".utf8),
        Array("{\"a\":1,\"a\":2}".utf8),
        Array("{\"a\":1}\r".utf8),
        Array(" {\"a\":1}".utf8),
    ]

    @Test func recordParserRefusesHostileLinesCleanly() {
        for line in Self.hostileLines {
            #expect(throws: TrailError.self, "\(String(decoding: line, as: UTF8.self))") {
                try Record.parse(line: line)
            }
            // The JSON parser and the envelope parser see the same bytes without trapping.
            _ = try? JSONParser.parse(line)
            _ = try? Envelope(json: line)
        }
    }

    static let hostileNotes: [String] = [
        "",
        "\n",
        "\n\n",
        "\n\n\n",
        "a\n\n",
        "a\n\n\n",
        "a\n\n— \n",
        "a\n\n— k\n",
        "a\n\n— k \n",
        "a\n\n— k AAAA\n",  // 3 bytes: too short for a key ID
        "a\n\n— k+ AAAAAAA=\n",
        "a\n\n—k AAAAAAA=\n",
        "a\n\n— k AAAAAAA=",
        "a\r\n\n— k AAAAAAA=\n",
        "\u{2028}\n\n— \u{3000} AAAAAAA=\n",
    ]

    @Test func signedNoteParserRefusesHostileNotesCleanly() {
        for note in Self.hostileNotes {
            #expect(throws: TrailError.self, "\(note.debugDescription)") { try SignedNote(parsing: note) }
        }
        // Invalid UTF-8 is refused by the byte parser, not repaired.
        #expect(
            thrownCode { try SignedNote(parsing: [0x61, 0x0A, 0x0A, 0xE2, 0x80, 0x94, 0x20, 0x6B, 0x20, 0xFF, 0x0A]) }
                == "malformed-note")
        // The smallest well-formed note parses and round-trips.
        let ok = try? SignedNote(parsing: "a\n\n— k AAAAAAA=\n")
        #expect(ok?.serialized == "a\n\n— k AAAAAAA=\n")
        #expect(ok?.signatures.first?.signature == [0x00])
    }

    static let hostileCheckpoints: [String] = [
        "", "\n", "o\n", "o\n1\n", "o\n1\n\n", "\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "o\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "o\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "o\n+1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", "o\n١\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "o\n99999999999999999999\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n",  // non-canonical padding bits
        "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n",  // 31 bytes
        "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n",  // empty extension line
        "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "o\t\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
    ]

    @Test func checkpointParserRefusesHostileTextCleanly() throws {
        for text in Self.hostileCheckpoints {
            #expect(thrownCode { try Checkpoint(text: text) } == "malformed-checkpoint", "\(text.debugDescription)")
        }
        let good = "o\n9223372036854775807\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next\n"
        #expect(try Checkpoint(text: good).text == good)
    }

    // MARK: limits, with their exact codes

    @Test func lineLengthLimit() throws {
        // A record line of exactly the limit parses as far as its content allows; one byte more is line-too-long.
        let pad = String(repeating: "a", count: 200)
        let line = Array(
            "{\"v\":1,\"seq\":0,\"type\":\"checkpoint\",\"time\":\"2026-03-01T00:00:00Z\",\"prev\":null,\"note\":\"\(pad)\"}"
                .utf8)
        #expect(thrownCode { try Record.parse(line: line, maxLineLength: line.count) } == nil)
        #expect(thrownCode { try Record.parse(line: line, maxLineLength: line.count - 1) } == "line-too-long")
        let huge = [UInt8](repeating: UInt8(ascii: " "), count: Record.defaultMaxLineLength + 1)
        #expect(thrownCode { try Record.parse(line: huge) } == "line-too-long")
        #expect(Record.defaultMaxLineLength == 1 << 20)
    }

    @Test func overlongLinesInALedgerAreFindingsWithTheirSeq() throws {
        let f = try LedgerFixture()
        var lines = try f.lines
        let big = "{\"v\":1,\"pad\":\"" + String(repeating: "x", count: Record.defaultMaxLineLength) + "\"}"
        lines.append(Array(big.utf8))
        try f.write(lines: lines)
        let report = try f.verify()
        #expect(codes(report).contains("line-too-long@2"), "\(codes(report))")
        // Past the reader's hard limit (4 × the line limit) verification stops at that line instead of buffering it.
        lines[2] = [UInt8](repeating: UInt8(ascii: "x"), count: 4 * Record.defaultMaxLineLength + (1 << 20))
        try f.write(lines: lines)
        let stopped = try f.verify()
        #expect(stopped.errors.contains { $0.code == "line-too-long" && $0.seq == 2 }, "\(codes(stopped))")
    }

    @Test func jsonDepthLimit() {
        func nested(_ n: Int) -> [UInt8] {
            Array(("{\"v\":" + String(repeating: "[", count: n) + String(repeating: "]", count: n) + "}").utf8)
        }
        #expect(JSONLimits.default.maxDepth == 64)
        #expect(thrownCode { try JSONParser.parse(nested(63)) } == nil)
        #expect(thrownCode { try JSONParser.parse(nested(64)) } == "json-too-deep")
        #expect(thrownCode { try Record.parse(line: nested(64)) } == "json-too-deep")
        #expect(thrownCode { try Record.parse(line: nested(600_000)) } == "line-too-long")
        #expect(thrownCode { try Record.parse(line: nested(200_000)) } == "json-too-deep")
        // An envelope file says it is not valid JSON, and why.
        do {
            _ = try Envelope(json: nested(100))
            Issue.record("a 100-deep envelope parsed")
        } catch let e as TrailError {
            #expect(e.code == "malformed-envelope" && e.message.contains("deeper than 64"), "\(e)")
        } catch { Issue.record("\(error)") }
    }

    @Test func base64SizeLimits() throws {
        let maxText = (Envelope.maxPayloadBytes * 4 / 3 + 4)
        let ok = String(repeating: "A", count: Envelope.maxPayloadBytes / 3 * 4)
        #expect(
            thrownCode {
                try Envelope(payloadType: DSSE.inTotoPayloadType, payloadBase64: ok, signatures: [("k", "AA==")])
            } == nil)
        let big = String(repeating: "A", count: maxText + 4)
        #expect(
            thrownCode {
                try Envelope(payloadType: DSSE.inTotoPayloadType, payloadBase64: big, signatures: [("k", "AA==")])
            } == "payload-too-large")
        let longSig = String(repeating: "A", count: Envelope.maxSignatureBase64 + 4)
        #expect(
            thrownCode {
                try Envelope(payloadType: DSSE.inTotoPayloadType, payloadBase64: "e30=", signatures: [("k", longSig)])
            } == "signature-too-large")
        let sig = String(repeating: "A", count: Envelope.maxSignatureBase64)
        #expect(
            thrownCode {
                try Envelope(payloadType: DSSE.inTotoPayloadType, payloadBase64: "e30=", signatures: [("k", sig)])
            } == nil)
        #expect(
            thrownCode {
                try Envelope(payloadType: DSSE.inTotoPayloadType, payloadBase64: "e30", signatures: [("k", "!!")])
            } == "malformed-envelope")
    }

    @Test func signatureCountLimits() throws {
        let one = (keyid: "k", sig: "AAAA")
        #expect(
            thrownCode { try Envelope(payloadType: DSSE.inTotoPayloadType, payloadBase64: "e30=", signatures: []) }
                == "no-signatures")
        let max = Array(repeating: one, count: Envelope.maxSignatures)
        #expect(
            thrownCode { try Envelope(payloadType: DSSE.inTotoPayloadType, payloadBase64: "e30=", signatures: max) }
                == nil)
        #expect(
            thrownCode {
                try Envelope(payloadType: DSSE.inTotoPayloadType, payloadBase64: "e30=", signatures: max + [one])
            } == "too-many-signatures")
        // Signed notes: the spec's 16 are accepted, more than 100 are refused.
        let line = "— k AAAAAAA=\n"
        #expect(
            thrownCode { try SignedNote(parsing: "a\n\n" + String(repeating: line, count: SignedNote.maxSignatures)) }
                == nil)
        #expect(
            thrownCode {
                try SignedNote(parsing: "a\n\n" + String(repeating: line, count: SignedNote.maxSignatures + 1))
            } == "malformed-note")
    }
}
