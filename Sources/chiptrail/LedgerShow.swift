import ArgumentParser
import Foundation
import TrailCompliance
import TrailCrypto
import TrailLedger

struct LedgerShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "List the ledger's records, one record in full, or one shipment's timeline.")

    @Argument(help: "The ledger file.") var ledger: String
    @Option(help: "Print the record at this seq in full.") var seq: Int?
    @Option(help: "Print this shipment's trail as a timeline (needs --trust).") var shipment: String?
    @Option(help: "Trust anchor for --shipment (root CA certificate), repeatable.") var trust: [String] = []
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func run() async throws {
        try await reporting(format: format) {
            if let shipment {
                try showShipment(shipment)
                return
            }
            var found = false
            try LedgerReader.forEach(path: ledger) { r, line in
                if let seq, r.seq != seq { return }
                found = true
                if seq != nil {
                    print(String(decoding: line, as: UTF8.self))
                    return
                }
                print(String(format: "%6d  %@  %@", r.seq, r.time.text, RecordSummary.of(r)))
            }
            if let seq, !found { throw TrailError.usage("unknown-seq", "\(ledger) has no record at seq \(seq)") }
        }
    }

    func showShipment(_ id: String) throws {
        guard !trust.isEmpty else { throw TrailError.usage("no-trust-anchor", "--shipment needs --trust ROOT.pem") }
        let check = try LedgerCheck.run(path: ledger, options: VerifyOptions(trust: try loadCertificates(trust)), policy: .h200)
        guard let s = check.shipments.first(where: { $0.id == id }) else {
            throw TrailError.usage("unknown-shipment", "no statement in \(ledger) is about shipment \(id)")
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
        print("shipment \(s.id): \(s.status.rawValue)")
        for t in s.timeline {
            var line = "  seq " + String(t.seq).padding(toLength: 6, withPad: " ", startingAt: 0) + " " + t.time + "  "
            line += t.kind.padding(toLength: 19, withPad: " ", startingAt: 0)
            line += t.parties.joined(separator: ", ") + " (" + t.roles.joined(separator: ", ") + ")  " + t.summary
            if t.retracted { line += "  [retracted]" }
            if !t.intact { line += "  [integrity failure: not evaluated]" }
            print(line)
        }
        for v in s.violations { print("  violation [\(v.code)] \(v.message)") }
        if s.status == .pending, !s.missing.isEmpty { print("  missing: \(s.missing.joined(separator: ", "))") }
    }
}
