import ArgumentParser
import Foundation
import TrailCompliance
import TrailCrypto
import TrailLedger

struct LedgerVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a ledger offline: lines, chain, tree, checkpoints, signatures, certificates, compliance.",
        discussion: "Exit 0 intact and compliant; 1 integrity failure; 2 intact but a shipment is in violation.")

    @Argument(help: "The ledger file.") var ledger: String
    @Option(help: "Trust anchor (root CA certificate), repeatable.") var trust: [String] = []
    @Option(help: "A JSON policy file (defaults to the built-in H200 rule).") var policy: String?
    @Option(help: "A previously saved checkpoint the ledger must extend.") var since: String?
    @Option(help: "Only report this shipment.") var shipment: String?
    @Flag(help: "Report lines that are not in RFC 8785 canonical form.") var strict = false
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func run() async throws {
        var exit: Int32 = 0
        try await reporting(format: format) {
            guard !trust.isEmpty else {
                throw TrailError.usage("no-trust-anchor", "ledger verify needs --trust ROOT.pem (the ledger's root)")
            }
            var options = VerifyOptions(trust: try loadCertificates(trust))
            options.strict = strict
            if let since { options.since = try FileIO.readText(since) }
            let pol = try policy.map { try Policy.load(json: try FileIO.read($0), file: $0) } ?? .h200
            let size = (try? FileManager.default.attributesOfItem(atPath: ledger)[.size] as? Int64) ?? 0
            let progress = Progress("verifying \(ledger)", total: size, format: format)
            let out = StdoutWriter()
            var tail: [UInt8] = []
            var shown = 0
            var violation = false
            var counts: [ShipmentStatus: Int] = [:]
            let report = try LedgerCheck.stream(
                path: ledger, options: options, policy: pol, onProgress: { progress.update($0) },
                onIntegrity: { r in
                    progress.done()
                    if format == .json {
                        let (head, t) = LedgerCheck.jsonEnvelope(r)
                        out.write(head)
                        tail = t
                    } else {
                        out.write(LedgerCheck.textHeader(r, path: ledger))
                    }
                },
                onShipment: { s in
                    if let shipment, s.id != shipment { return }
                    if format == .json {
                        out.write((shown > 0 ? [0x2C] : []) + JCS.serialize(LedgerCheck.shipmentValue(s)))
                    } else {
                        out.write((shown == 0 ? "\nshipments\n" : "") + LedgerCheck.textLine(s))
                    }
                    shown += 1
                    counts[s.status, default: 0] += 1
                    if s.status == .violation { violation = true }
                })
            if format == .json {
                out.write(tail + [0x0A])
            } else if shown > 0 {
                out.write(LedgerCheck.textFooter(counts))
            }
            out.flush()
            if let shipment, shown == 0 {
                throw TrailError.usage("unknown-shipment", "no statement in \(ledger) is about shipment \(shipment)")
            }
            exit = !report.integrityOK ? Exit.integrity : (violation ? Exit.policy : 0)
        }
        if exit != 0 { throw ExitCode(exit) }
    }
}
