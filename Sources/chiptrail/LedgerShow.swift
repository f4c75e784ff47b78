import ArgumentParser
import Foundation
import TrailCompliance
import TrailCrypto
import TrailLedger

struct LedgerShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "List the ledger's records, one record in full, or one shipment's timeline.")

    @Argument(help: "The ledger file (`-` for stdin).") var ledger: String
    @Option(help: "Print the record at this seq decoded (a statement's type, subject, predicate and signers).") var seq: Int?
    @Flag(help: "With --seq: print the record's line itself (as JSON, the characters a terminal acts on escaped).")
    var raw = false
    @Option(help: "Print this shipment's trail as a timeline (needs --trust).") var shipment: String?
    @OptionGroup var trustOptions: TrustOptions
    @OptionGroup var policyOptions: PolicyOptions
    @OptionGroup var output: OutputOptions
    var format: OutputFormat { output.format }

    func validate() throws {
        if raw && seq == nil { throw ValidationError("--raw prints one record: give --seq N") }
    }

    func run() async throws {
        try await reporting(format: format) {
            let input = try InputFile(ledger)
            // The private copy of a pipe lives until the command is done with it (not only until `input`'s last use).
            defer { withExtendedLifetime(input) {} }
            if let shipment {
                try showShipment(shipment, input: input)
                return
            }
            var found = false
            let out = StdoutWriter()
            var registered = RecordDetail.Registered()
            var listed = 0
            if seq == nil && format == .json { out.write("{\"records\":[") }
            try LedgerReader.forEach(path: input.path) { r, line in
                if let seq {
                    if r.seq < seq { registered.add(r) }
                    guard r.seq == seq, !found else { return }
                    found = true
                    if raw {
                        // The line as JSON with the characters a terminal acts on as \u escapes: the same JSON value.
                        out.write(Terminal.safeJSON(line) + [0x0A])
                        return
                    }
                    let detail = RecordDetail.json(r, line: line, registered: registered)
                    if format == .json {
                        out.write(Terminal.safeJSON(JCS.serialize(detail)) + [0x0A])
                    } else {
                        out.write(RecordDetail.text(detail))
                    }
                    return
                }
                if format == .json {
                    let item: JSONValue = .object([
                        "seq": .number(JSONNumber(Int64(r.seq))), "time": .string(r.time.text),
                        "type": .string(r.type.rawValue), "summary": .string(RecordSummary.of(r)),
                    ])
                    out.write((listed > 0 ? [0x2C] : []) + Terminal.safeJSON(JCS.serialize(item)))
                    listed += 1
                    return
                }
                let number = String(r.seq)
                let pad = String(repeating: " ", count: max(0, 6 - number.count))
                out.write("\(pad)\(number)  \(r.time.text)  \(Terminal.safe(RecordSummary.of(r)))\n")
            }
            if seq == nil && format == .json { out.write("]}\n") }
            out.flush()
            if let seq, !found { throw TrailError.usage("unknown-seq", "\(input.name) has no record at seq \(seq)") }
        }
    }

    func showShipment(_ id: String, input: InputFile) throws {
        let check = try LedgerCheck.run(
            path: input.path, options: VerifyOptions(trust: try trustOptions.anchors(for: "ledger show --shipment")),
            policy: try policyOptions.load())
        guard let s = check.shipments.first(where: { Array($0.id.unicodeScalars) == Array(id.unicodeScalars) }) else {
            throw TrailError.usage("unknown-shipment", "no statement in \(input.name) is about shipment \(id)")
        }
        if format == .json {
            var o = LedgerCheck.shipmentJSON(s)
            o["timeline"] = s.timeline.map {
                ["seq": $0.seq, "time": $0.time, "kind": $0.kind, "parties": $0.parties, "roles": $0.roles,
                    "summary": $0.summary, "retracted": $0.retracted, "intact": $0.intact] as [String: Any]
            }
            printJSON(o)
            return
        }
        let safe = Terminal.safe
        print("shipment \(safe(s.id)): \(s.status.rawValue)")
        for t in s.timeline {
            var line = "  seq " + String(t.seq).padding(toLength: 6, withPad: " ", startingAt: 0) + " " + safe(t.time) + "  "
            line += safe(t.kind).padding(toLength: 19, withPad: " ", startingAt: 0)
            line += t.parties.map(safe).joined(separator: ", ") + " (" + t.roles.map(safe).joined(separator: ", ") + ")  "
                + safe(t.summary)
            if t.retracted { line += "  [retracted]" }
            if !t.intact { line += "  [integrity failure: not evaluated]" }
            print(line)
        }
        for v in s.violations { print("  violation [\(safe(v.code))] \(safe(v.message))") }
        if s.status == .pending, !s.missing.isEmpty { print("  missing: \(s.missing.map(safe).joined(separator: ", "))") }
    }
}
