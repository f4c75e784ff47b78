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
            "seq": .number(JSONNumber(Int64(f.seq))), "line": .number(JSONNumber(Int64(f.line))), "code": .string(f.code.rawValue),
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

    /// `JCS.serialize(shipmentValue(s))`, written directly (members in their RFC 8785 order): a million-record
    /// ledger's report has a third of a million shipments.
    static func shipmentJCS(_ s: ShipmentReport) -> [UInt8] {
        var o: [UInt8] = []
        o.reserveCapacity(512)
        func key(_ k: StaticString, first: Bool = false) {
            if !first { o.append(0x2C) }
            o.append(0x22)
            o.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
            o.append(0x22)
            o.append(0x3A)
        }
        func string(_ x: String) { JCS.writeString(x, to: &o) }
        func ints(_ a: [Int]) {
            o.append(0x5B)
            for (i, x) in a.enumerated() {
                if i > 0 { o.append(0x2C) }
                o.append(contentsOf: String(x).utf8)
            }
            o.append(0x5D)
        }
        func strings(_ a: [String]) {
            o.append(0x5B)
            for (i, x) in a.enumerated() {
                if i > 0 { o.append(0x2C) }
                string(x)
            }
            o.append(0x5D)
        }
        o.append(0x7B)
        var first = true
        if let d = s.decision {
            key("decision", first: true)
            string(d)
            first = false
        }
        key("id", first: first)
        string(s.id)
        if let m = s.manifestDigest {
            key("manifest")
            string(m)
        }
        key("missing")
        strings(s.missing)
        key("status")
        string(s.status.rawValue)
        key("steps")
        o.append(0x5B)
        for (i, st) in s.steps.enumerated() {
            if i > 0 { o.append(0x2C) }
            o.append(0x7B)
            key("done", first: true)
            o.append(contentsOf: (st.done ? "true" : "false").utf8)
            key("name")
            string(st.name)
            key("seqs")
            ints(st.seqs)
            o.append(0x7D)
        }
        o.append(0x5D)
        if !s.unverifiableSeqs.isEmpty {
            key("unverifiable")
            o.append(0x7B)
            key("codes", first: true)
            strings(s.unverifiableCodes)
            key("seqs")
            ints(s.unverifiableSeqs)
            o.append(0x7D)
        }
        key("violations")
        o.append(0x5B)
        for (i, v) in s.violations.enumerated() {
            if i > 0 { o.append(0x2C) }
            o.append(0x7B)
            key("code", first: true)
            string(v.code)
            key("message")
            string(v.message)
            key("seqs")
            ints(v.seqs)
            o.append(0x7D)
        }
        o.append(0x5D)
        o.append(0x7D)
        assert(o == JCS.serialize(shipmentValue(s)), "shipmentJCS differs from JCS.serialize(shipmentValue)")
        return o
    }

    static func shipmentJSON(_ s: ShipmentReport) -> [String: Any] { anyJSON(shipmentValue(s)) as! [String: Any] }

    /// The report's fields other than `shipments`, split around where the shipments go (keys in JCS order).
    /// `omitted` counts, by code, the findings beyond `--max-findings` that are not listed.
    static func jsonEnvelope(_ r: VerificationReport, input: ReportInput = .plain, resumedFrom: Int? = nil) -> (head: [UInt8], tail: [UInt8]) {
        let r = input.presented(r)
        var omitted = JSONObject()
        for (code, n) in r.omitted.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
            omitted[code] = .number(JSONNumber(Int64(n)))
        }
        var head: JSONObject = [
            "integrity": .string(r.integrityOK ? "ok" : "failed"), "records": .number(JSONNumber(Int64(r.records))),
            "root": .string(r.root), "errors": .array(r.errors.map(findingValue)), "omitted": .object(omitted),
        ]
        if let origin = r.origin { head["origin"] = .string(origin) }
        // Incremental verification (`--state`): the records of the verified prefix the run resumed after.
        if let resumedFrom { head["resumedFrom"] = .number(JSONNumber(Int64(resumedFrom))) }
        if let cp = r.latestCheckpoint {
            head["checkpoint"] = .object([
                "seq": .number(JSONNumber(Int64(cp.seq))), "size": .number(JSONNumber(Int64(cp.size))),
                "root": .string(cp.root), "witnesses": .array(cp.witnessNames.map { .string($0) }),
            ])
        }
        var tail: JSONObject = [
            "treeSize": .number(JSONNumber(Int64(r.records))), "warnings": .array(r.warnings.map(findingValue)),
        ]
        if let since = r.since {
            tail["since"] = .object([
                "consistent": .bool(true), "size": .number(JSONNumber(Int64(since.size))), "root": .string(since.root),
            ])
        }
        // "shipments" sorts after every head key and before every tail key ("since", "treeSize", "warnings").
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

    /// Codes that, after a `seq-mismatch` (a line deleted, duplicated or moved), every later record repeats only
    /// because it stands one place off: counted under that root cause instead of listed.
    static let shiftConsequences: Set<String> = ["seq-mismatch", "checkpoint-size-mismatch"]

    /// The integrity part of the text report: root causes first (findings in seq order), the consequences of a
    /// shifted line counted under it, findings beyond `--max-findings` counted by code. Every string from the
    /// ledger is made safe for a terminal.
    static func textHeader(_ rep: VerificationReport, path: String, input: ReportInput? = nil, resumedFrom: Int? = nil) -> String {
        let input = input ?? ReportInput(name: path)
        let rep = input.presented(rep)
        let name = Terminal.safe(input.name)
        var out = "ledger     \(name)\n"
        if let o = rep.origin { out += "origin     \(Terminal.safe(o))\n" }
        out += "records    \(rep.records)   root \(rep.root)\n"
        if let resumedFrom { out += "resumed    after the \(resumedFrom) records verified before (--state)\n" }
        if let cp = rep.latestCheckpoint {
            out += "checkpoint seq \(cp.seq), size \(cp.size)"
            out += cp.witnessNames.isEmpty
                ? ", no witnesses\n" : ", witnesses: \(cp.witnessNames.map(Terminal.safe).joined(separator: ", "))\n"
        }
        if let since = rep.since {
            out += "since      consistent: extends the saved checkpoint of size \(since.size) (root \(since.root.prefix(16))…)\n"
        }
        let errorCount = rep.errors.count + rep.omittedErrors
        out += "integrity  \(rep.integrityOK ? "ok" : "FAILED (\(errorCount) error\(errorCount == 1 ? "" : "s"))")\n"
        // The first seq-mismatch is the root cause of every later finding of a shift-consequence code.
        let shiftRoot = rep.findings.first { $0.code == "seq-mismatch" }
        var consequences: [String: Int] = [:]
        var consequenceSeqs: ClosedRange<Int>?
        if let root = shiftRoot {
            for f in rep.findings where f.seq > root.seq && shiftConsequences.contains(f.code.rawValue) {
                consequences[f.code.rawValue, default: 0] += 1
                let seen = consequenceSeqs ?? f.seq...f.seq
                consequenceSeqs = min(seen.lowerBound, f.seq)...max(seen.upperBound, f.seq)
            }
            for (code, n) in rep.omitted where shiftConsequences.contains(code) { consequences[code, default: 0] += n }
        }
        for f in rep.findings {
            if let root = shiftRoot, f.seq > root.seq, shiftConsequences.contains(f.code.rawValue) { continue }
            out += "\(name):\(f.line): seq \(f.seq): \(f.severity.rawValue)[\(Terminal.safe(f.code.rawValue))]: "
            out += Terminal.safe(f.message) + "\n"
            if let h = f.remedy { out += "  hint: \(Terminal.safe(h))\n" }
            if f == shiftRoot, !consequences.isEmpty {
                let total = consequences.values.reduce(0, +)
                let codes = consequences.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
                let seqs = consequenceSeqs.map {
                    $0.lowerBound == $0.upperBound ? " at seq \($0.lowerBound)" : " at seq \($0.lowerBound)–\($0.upperBound)"
                } ?? ""
                out += "  + \(total) consequence\(total == 1 ? "" : "s") of this shift: "
                out += codes.joined(separator: ", ") + seqs + " (listed with --format json)\n"
            }
        }
        for (code, n) in rep.omitted.sorted(by: { $0.key < $1.key }) {
            if shiftRoot != nil, shiftConsequences.contains(code) { continue }
            out += "… and \(n) more [\(Terminal.safe(code))] (not listed; --max-findings N lists up to N per code)\n"
        }
        return out
    }

    static func textLine(_ s: ShipmentReport, width: Int = 0) -> String {
        let id = Terminal.safe(s.id)
        var line = id.padding(toLength: max(width, id.count), withPad: " ", startingAt: 0) + "  "
        let status = s.status.rawValue
        line += status.count < 10 ? status.padding(toLength: 10, withPad: " ", startingAt: 0) : status + " "
        switch s.status {
        case .pending: line += "missing: " + s.missing.map(Terminal.safe).joined(separator: ", ")
        case .held, .returned: line += "customs: \(Terminal.safe(s.decision ?? s.status.rawValue))"
        case .compliant: line += s.steps.map { Terminal.safe($0.name) }.joined(separator: " → ")
        case .violation: line += s.violations.map { Terminal.safe($0.code) }.joined(separator: ", ")
        case .unverifiable:
            line += "integrity: \(s.unverifiableCodes.map(Terminal.safe).joined(separator: ", ")) at seq \(s.unverifiableSeqs.map(String.init).joined(separator: ", "))"
        }
        line += "\n"
        for v in s.violations {
            line += "    [\(Terminal.safe(v.code))] \(Terminal.safe(v.message)) (seq \(v.seqs.map(String.init).joined(separator: ", ")))\n"
        }
        return line
    }

    static func textFooter(_ counts: [ShipmentStatus: Int]) -> String {
        "\n" + ShipmentStatus.allCases.compactMap { st in counts[st].map { "\($0) \(st.rawValue)" } }.joined(separator: ", ")
            + "\n"
    }

    static func text(_ r: LedgerCheck, shipments: [ShipmentReport], path: String) -> String {
        var out = textHeader(r.report, path: path)
        if let why = ReportInput.notEvaluated(r.report) { return out + "\nshipments  not evaluated: \(why)\n" }
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

/// What `ledger verify` read, for presenting its report: the name to show, whether it read a private copy of a pipe,
/// and whether the file starts with a genesis record (else no hint suggests `ledger repair`).
struct ReportInput {
    var name: String
    var isCopy = false
    var isLedger = true

    static let plain = ReportInput(name: "")

    /// The report as shown: errors, then warnings, each in seq order (the root cause of a run of findings comes
    /// first; findings of one seq keep the verifier's order), paths of a private copy replaced by the input's name, and a torn-tail hint
    /// that fits the input.
    func presented(_ r: VerificationReport) -> VerificationReport {
        var r = r
        func rank(_ f: Finding) -> Int { f.severity == .error ? 0 : 1 }
        r.findings = r.findings.enumerated().sorted {
            (rank($0.element), $0.element.seq, $0.offset) < (rank($1.element), $1.element.seq, $1.offset)
        }.map {
            var f = $0.element
            f.message = InputFile.renamed(f.message)
            f.remedy = f.remedy.map(InputFile.renamed)
            if f.code == "torn-tail" {
                if !isLedger {
                    f.remedy = "\(name) does not start with a genesis record: it is not a chiptrail ledger, and `ledger repair` refuses it"
                } else if isCopy {
                    f.remedy = "\(name) was read from a pipe: run `chiptrail ledger repair` on the ledger file itself"
                }
            }
            return f
        }
        return r
    }

    /// Why shipments are not listed, when nothing after the genesis could be checked (a wrong `--trust`, no valid
    /// genesis): their statuses would only repeat that.
    static func notEvaluated(_ r: VerificationReport) -> String? {
        let codes = Set(r.errors.map(\.code))
        if codes.contains("untrusted-ledger") || codes.contains("unverifiable-records") {
            return "no record after the genesis could be checked (see the seq 0 finding)"
        }
        return nil
    }
}
