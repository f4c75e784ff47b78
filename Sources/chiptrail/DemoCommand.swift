import ArgumentParser
import Foundation
import TrailCompliance
import TrailCrypto
import TrailLedger

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a PKI and a realistic H200 ledger covering every status, verify it, print the report.")

    @Option(help: "An empty folder to build the demo in (default: a new temporary folder).") var dir: String?
    @OptionGroup var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() async throws {
        var exit: Int32 = 0
        try await reporting(format: format) {
            let folder = dir ?? (NSTemporaryDirectory() + "chiptrail-demo-" + UUID().uuidString.prefix(8))
            let demo = DemoLedger(directory: folder)
            let started = Date()
            let records = try demo.build()
            let root = try loadCertificate(demo.rootPath)
            let check = try LedgerCheck.run(path: demo.ledgerPath, options: VerifyOptions(trust: [root]), policy: .h200)
            if format == .json {
                var o = LedgerCheck.json(check, shipments: check.shipments)
                o["directory"] = folder
                printJSON(o)
            } else {
                print("built \(folder): PKI in certs/ and keys/ (demo keys, unencrypted), \(records) records in ledger.jsonl "
                    + String(format: "(%.1f s)", Date().timeIntervalSince(started)))
                print("verify it yourself:  chiptrail ledger verify \(demo.ledgerPath) --trust \(demo.rootPath)\n")
                print(LedgerCheck.text(check, shipments: check.shipments, path: demo.ledgerPath), terminator: "")
            }
            exit = check.report.integrityOK ? 0 : Exit.integrity
        }
        if exit != 0 { throw ExitCode(exit) }
    }
}
