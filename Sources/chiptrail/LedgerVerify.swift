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
            let result = try LedgerCheck.run(path: ledger, options: options, policy: pol, progress: { total in
                Progress("verifying \(ledger)", total: total, format: format)
            })
            var shipments = result.shipments
            if let shipment {
                shipments = shipments.filter { $0.id == shipment }
                if shipments.isEmpty {
                    throw TrailError.usage("unknown-shipment", "no statement in \(ledger) is about shipment \(shipment)")
                }
            }
            if format == .json {
                printJSON(LedgerCheck.json(result, shipments: shipments))
            } else {
                print(LedgerCheck.text(result, shipments: shipments, path: ledger), terminator: "")
            }
            exit = result.exitStatus(shipments: shipments)
        }
        if exit != 0 { throw ExitCode(exit) }
    }
}
