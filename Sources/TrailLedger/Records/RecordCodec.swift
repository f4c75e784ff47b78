import TrailCrypto

extension Record {
    /// Limits applied to every line (hostile-input bounds, SPEC.md §10).
    public static let defaultMaxLineLength = 1 << 20

    /// The record as a JSON object with the field names of SPEC.md §4.
    public var json: JSONValue {
        var o: JSONObject = ["v": 1, "seq": .number(JSONNumber(Int64(seq))), "type": .string(type.rawValue),
            "time": .string(time.text), "prev": prev.map { JSONValue.string($0) } ?? .null]
        switch body {
        case .genesis(let g):
            o["origin"] = .string(g.origin)
            o["anchors"] = .array(g.anchors.map { .string($0) })
            o["operator"] = .string(Base64.encode(g.operatorCert))
            o["chain"] = .array(g.chain.map { .string(Base64.encode($0)) })
        case .certificate(let cert, let chain):
            o["cert"] = .string(Base64.encode(cert))
            o["chain"] = .array(chain.map { .string(Base64.encode($0)) })
        case .statement(let env):
            o["envelope"] = env.json
        case .crl(let der):
            o["crl"] = .string(Base64.encode(der))
        case .checkpoint(let note):
            o["note"] = .string(note)
        case .cosignature(let cp, let note):
            o["checkpoint"] = .number(JSONNumber(Int64(cp)))
            o["note"] = .string(note)
        }
        return .object(o)
    }

    /// The line chiptrail writes: the record in RFC 8785 canonical form, without the newline.
    public var line: [UInt8] { JCS.serialize(json) }

    /// `Record(seq:time:prev:body: .statement(env)).line`, given `JCS.serialize(env.json)`: the members in RFC 8785
    /// order (envelope, prev, seq, time, type, v) around the envelope's bytes. `prev` (hex) and the time need no
    /// escaping. Lets an appender encode envelopes in parallel.
    static func statementLine(envelopeJSON: [UInt8], seq: Int, time: LedgerTime, prev: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(envelopeJSON.count + 180)
        out += Array("{\"envelope\":".utf8)
        out += envelopeJSON
        out += Array(",\"prev\":\"\(prev)\",\"seq\":\(seq),\"time\":\"\(time.text)\",\"type\":\"statement\",\"v\":1}".utf8)
        return out
    }

    /// Parses one line strictly (SPEC.md §10). Errors carry stable codes: `line-too-long`,
    /// `malformed-line` (whitespace or CR around the object), `invalid-json`, `duplicate-key`, `invalid-utf8`,
    /// `json-too-deep`, `malformed-record`, `unsupported-version`, `unknown-record-type`.
    public static func parse(line bytes: [UInt8], maxLineLength: Int = defaultMaxLineLength) throws -> Record {
        guard bytes.count <= maxLineLength else {
            throw TrailError("line-too-long", "the line is \(bytes.count) bytes (limit \(maxLineLength))")
        }
        // No CR anywhere: not around the object, not as JSON whitespace inside it (a CR in a string is escaped).
        if let i = bytes.firstIndex(of: 0x0D) {
            throw TrailError("malformed-line", "the line contains a carriage return (CR) at byte \(i)")
        }
        guard let first = bytes.first, let last = bytes.last, first == UInt8(ascii: "{"), last == UInt8(ascii: "}")
        else {
            throw TrailError("malformed-line", "a line must be exactly one JSON object with no surrounding whitespace")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch var e as TrailError {
            e.category = .integrity
            throw e
        }
        return try Record(json: value)
    }

    /// Builds a record from its JSON object.
    public init(json value: JSONValue) throws {
        guard case .object(let o) = value else { throw malformed("the line is not a JSON object") }
        guard let v = o["v"]?.intValue else { throw malformed("missing \"v\"") }
        guard v == 1 else { throw TrailError("unsupported-version", "record version \(v) is not supported (v = 1)") }
        guard let seq = o["seq"]?.intValue, seq >= 0 else { throw malformed("missing or negative \"seq\"") }
        guard let typeName = o["type"]?.stringValue else { throw malformed("missing \"type\"") }
        guard let type = RecordType(rawValue: typeName) else {
            throw TrailError("unknown-record-type", "unknown record type \"\(typeName)\"")
        }
        guard let timeText = o["time"]?.stringValue else { throw malformed("missing \"time\"") }
        guard let time = LedgerTime(timeText) else {
            throw TrailError(
                "invalid-time", "time \"\(timeText)\" is not RFC 3339 UTC (YYYY-MM-DDTHH:MM:SS[.f]Z, no leap second)")
        }
        let prev: String?
        switch o["prev"] {
        case .some(.null): prev = nil
        case .some(.string(let s)): prev = s
        default: throw malformed("\"prev\" must be a hex string or null")
        }
        func str(_ k: String) throws -> String {
            guard let s = o[k]?.stringValue else { throw malformed("missing string \"\(k)\"") }
            return s
        }
        func der(_ k: String) throws -> [UInt8] {
            guard let b = Base64.decodeStandard(try str(k)) else { throw malformed("\"\(k)\" is not standard base64") }
            return b
        }
        func ders(_ k: String) throws -> [[UInt8]] {
            guard let a = o[k]?.arrayValue else {
                if o[k] == nil { return [] }
                throw malformed("\"\(k)\" must be an array")
            }
            return try a.map {
                guard let s = $0.stringValue, let b = Base64.decodeStandard(s) else {
                    throw malformed("\"\(k)\" holds a value that is not standard base64")
                }
                return b
            }
        }
        let body: Body
        switch type {
        case .genesis:
            guard let anchors = o["anchors"]?.arrayValue?.compactMap(\.stringValue) else {
                throw malformed("missing \"anchors\"")
            }
            body = .genesis(
                Genesis(origin: try str("origin"), anchors: anchors, operatorCert: try der("operator"), chain: try ders("chain")))
        case .certificate:
            body = .certificate(cert: try der("cert"), chain: try ders("chain"))
        case .statement:
            guard let e = o["envelope"] else { throw malformed("missing \"envelope\"") }
            body = .statement(try Envelope(json: e))
        case .crl:
            body = .crl(try der("crl"))
        case .checkpoint:
            body = .checkpoint(note: try str("note"))
        case .cosignature:
            guard let cp = o["checkpoint"]?.intValue, cp >= 0 else { throw malformed("missing \"checkpoint\" seq") }
            body = .cosignature(checkpoint: Int(cp), note: try str("note"))
        }
        self.init(seq: Int(seq), time: time, prev: prev, body: body)
    }
}

private func malformed(_ message: String) -> TrailError {
    TrailError("malformed-record", message, remedy: "the line does not follow SPEC.md §4; it was not written by chiptrail")
}
