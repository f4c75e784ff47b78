import ArgumentParser
import Foundation
import TrailCompliance
import TrailCrypto
import TrailLedger

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write an HTML report of a ledger.",
        discussion: """
            Verifies the ledger and evaluates every shipment (as `ledger verify`), then writes one self-contained
            HTML page: no scripts, no network, printable. Exit 0 when the report is written, whatever it shows.
            """)

    @Argument(help: "The ledger file (`-` for stdin).") var ledger: String
    @Option(help: "Trust anchor (root CA certificate), repeatable.") var trust: [String] = []
    @Option(help: "Where to write the HTML report.") var html: String
    @Option(help: "A JSON policy file (defaults to the built-in H200 rule).") var policy: String?
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func run() async throws {
        try await reporting(format: format) {
            guard !trust.isEmpty else {
                throw TrailError.usage("no-trust-anchor", "report needs --trust ROOT.pem (the ledger's root)")
            }
            let pol = try loadPolicy(policy)
            let input = try InputFile(ledger)
            // The private copy of a pipe lives until the command is done with it (not only until `input`'s last use).
            defer { withExtendedLifetime(input) {} }
            let check = try LedgerCheck.run(
                path: input.path, options: VerifyOptions(trust: try loadCertificates(trust)), policy: pol,
                progress: { Progress("verifying \(Terminal.safe(input.name))", total: $0, format: format) })
            let page = HTMLReport.render(check, ledger: FileIO.fileName(of: input.name))
            try FileIO.writeAtomically(Array(page.utf8), to: html, mode: 0o644, overwrite: true)
            if format == .json {
                printJSON([
                    "html": html, "integrity": check.report.integrityOK ? "ok" : "failed",
                    "shipments": check.shipments.count,
                ])
            } else {
                print(
                    "wrote \(html): \(check.shipments.count) shipment\(check.shipments.count == 1 ? "" : "s"), integrity \(check.report.integrityOK ? "ok" : "FAILED")"
                )
            }
        }
    }
}
