import Foundation
import TrailCompliance
import TrailCrypto
import TrailLedger

/// Text and JSON renderings of `ledger verify` (also used by `demo`, `ledger show` and `bundle verify`).
///
/// Shipments are rendered one at a time so a million-record ledger's report streams to stdout instead of
/// being held in memory.
extension LedgerCheck {
    /// `run` with a progress line on a terminal.
    static func run(path: String, options: VerifyOptions, policy: Policy, progress: (Int64) -> Progress) throws
        -> LedgerCheck
    {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
        let p = progress(size)
        defer { p.done() }
        return try run(path: path, options: options, policy: policy, onProgress: { p.update($0) })
    }

    static func findingValue(_ f: Finding) -> JSONValue {
        var o: JSONObject = [
            "seq": .number(JSONNumber(Int64(f.seq))), "line": .number(JSONNumber(Int64(f.line))), "code": .string(f.code),
            "message": .string(f.message),
        ]
        if let off = f.offset { o["offset"] = .number(JSONNumber(off)) }
        if let r = f.remedy { o["remedy"] = .string(r) }
        return .object(o)
    }

    static func findingJSON(_ f: Finding) -> Any { anyJSON(findingValue(f)) }

    static func shipmentValue(_ s: ShipmentReport) -> JSONValue {
        func ints(_ a: [Int]) -> JSONValue { .array(a.map { .number(JSONNumber(Int64($0))) }) }
        var o: JSONObject = [
            "id": .string(s.id), "status": .string(s.status.rawValue),
            "steps": .array(s.steps.map { .object(["name": .string($0.name), "done": .bool($0.done), "seqs": ints($0.seqs)]) }),
            "missing": .array(s.missing.map { .string($0) }),
            "violations": .array(
                s.violations.map { .object(["code": .string($0.code), "message": .string($0.message), "seqs": ints($0.seqs)]) }),
        ]
        if let d = s.decision { o["decision"] = .string(d) }
        if let m = s.manifestDigest { o["manifest"] = .string(m) }
        if !s.unverifiableSeqs.isEmpty {
            o["unverifiable"] = .object(["seqs": ints(s.unverifiableSeqs), "codes": .array(s.unverifiableCodes.map { .string($0) })])
        }
        return .object(o)
    }

    static func shipmentJSON(_ s: ShipmentReport) -> [String: Any] { anyJSON(shipmentValue(s)) as! [String: Any] }

    /// The report's fields other than `shipments`, split around where the shipments go (keys in JCS order).
    static func jsonEnvelope(_ r: VerificationReport) -> (head: [UInt8], tail: [UInt8]) {
        var head: JSONObject = [
            "integrity": .string(r.integrityOK ? "ok" : "failed"), "records": .number(JSONNumber(Int64(r.records))),
            "root": .string(r.root), "errors": .array(r.errors.map(findingValue)),
        ]
        if let origin = r.origin { head["origin"] = .string(origin) }
        if let cp = r.latestCheckpoint {
            head["checkpoint"] = .object([
                "seq": .number(JSONNumber(Int64(cp.seq))), "size": .number(JSONNumber(Int64(cp.size))),
                "root": .string(cp.root), "witnesses": .array(cp.witnessNames.map { .string($0) }),
            ])
        }
        let tail: JSONObject = [
            "treeSize": .number(JSONNumber(Int64(r.records))), "warnings": .array(r.warnings.map(findingValue)),
        ]
        // "shipments" sorts after every head key and before every tail key.
        return (Array(JCS.serialize(.object(head)).dropLast()) + Array(",\"shipments\":[".utf8),
            Array("],".utf8) + Array(JCS.serialize(.object(tail)).dropFirst()))
    }

    static func json(_ r: LedgerCheck, shipments: [ShipmentReport]) -> [String: Any] {
        let (head, tail) = jsonEnvelope(r.report)
        var body = head
        for (i, s) in shipments.enumerated() { body += (i > 0 ? [0x2C] : []) + JCS.serialize(shipmentValue(s)) }
        let v = try! JSONParser.parse(body + tail)
        return anyJSON(v) as! [String: Any]
    }

    static func textHeader(_ rep: VerificationReport, path: String) -> String {
        var out = "ledger     \(path)\n"
        if let o = rep.origin { out += "origin     \(o)\n" }
        out += "records    \(rep.records)   root \(rep.root)\n"
        if let cp = rep.latestCheckpoint {
            out += "checkpoint seq \(cp.seq), size \(cp.size)"
            out += cp.witnessNames.isEmpty ? ", no witnesses\n" : ", witnesses: \(cp.witnessNames.joined(separator: ", "))\n"
        }
        out += "integrity  \(rep.integrityOK ? "ok" : "FAILED (\(rep.errors.count) error\(rep.errors.count == 1 ? "" : "s"))")\n"
        for f in rep.findings {
            out += "\(path):\(f.line): seq \(f.seq): \(f.severity.rawValue)[\(f.code)]: \(f.message)\n"
            if let h = f.remedy { out += "  hint: \(h)\n" }
        }
        return out
    }

    static func textLine(_ s: ShipmentReport, width: Int = 0) -> String {
        var line = s.id.padding(toLength: max(width, s.id.count), withPad: " ", startingAt: 0) + "  "
        let status = s.status.rawValue
        line += status.count < 10 ? status.padding(toLength: 10, withPad: " ", startingAt: 0) : status + " "
        switch s.status {
        case .pending: line += "missing: " + s.missing.joined(separator: ", ")
        case .held, .returned: line += "customs: \(s.decision ?? s.status.rawValue)"
        case .compliant: line += s.steps.map(\.name).joined(separator: " → ")
        case .violation: line += s.violations.map(\.code).joined(separator: ", ")
        case .unverifiable:
            line += "integrity: \(s.unverifiableCodes.joined(separator: ", ")) at seq \(s.unverifiableSeqs.map(String.init).joined(separator: ", "))"
        }
        line += "\n"
        for v in s.violations {
            line += "    [\(v.code)] \(v.message) (seq \(v.seqs.map(String.init).joined(separator: ", ")))\n"
        }
        return line
    }

    static func textFooter(_ counts: [ShipmentStatus: Int]) -> String {
        "\n" + ShipmentStatus.allCases.compactMap { st in counts[st].map { "\($0) \(st.rawValue)" } }.joined(separator: ", ")
            + "\n"
    }

    static func text(_ r: LedgerCheck, shipments: [ShipmentReport], path: String) -> String {
        var out = textHeader(r.report, path: path)
        guard !shipments.isEmpty else { return out }
        out += "\nshipments\n"
        var counts: [ShipmentStatus: Int] = [:]
        for s in shipments {
            out += textLine(s)
            counts[s.status, default: 0] += 1
        }
        return out + textFooter(counts)
    }
}

/// A JSONValue as Foundation objects (for the commands that print small reports with `printJSON`).
func anyJSON(_ v: JSONValue) -> Any {
    switch v {
    case .null: return NSNull()
    case .bool(let b): return b
    case .number(let n): return n.int64Value.map { Int($0) as Any } ?? n.doubleValue
    case .string(let s): return s
    case .array(let a): return a.map(anyJSON)
    case .object(let o):
        var d: [String: Any] = [:]
        for m in o.members { d[m.key] = anyJSON(m.value) }
        return d
    }
}

/// Buffered stdout for streamed reports.
final class StdoutWriter {
    private var buffer: [UInt8] = []

    func write(_ bytes: [UInt8]) {
        buffer += bytes
        if buffer.count >= 1 << 16 { flush() }
    }

    func write(_ s: String) { write(Array(s.utf8)) }

    func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { _ = FileIO.writeAll(1, $0) }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}
