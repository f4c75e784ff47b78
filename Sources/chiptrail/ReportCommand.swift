import ArgumentParser
import Foundation
import TrailCompliance
import TrailCrypto
import TrailLedger

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write an HTML report of a ledger.",
        discussion: """
            Verifies the ledger and evaluates every shipment (as `ledger verify`), then writes one self-contained \
            HTML page (inline CSS and SVG charts, one small inline script for search and filtering; no network), \
            printable and readable on a phone. Exit 0 when the report is written, whatever it shows.
            """)

    @Argument(help: "The ledger file (`-` for stdin).") var ledger: String
    @OptionGroup var trustOptions: TrustOptions
    @Option(help: "Where to write the HTML report.") var html: String
    @OptionGroup var forceOptions: ForceOptions
    @OptionGroup var policyOptions: PolicyOptions
    @OptionGroup var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() async throws {
        try await reporting(format: format) {
            try forceOptions.checkWritable(html)
            let anchors = try trustOptions.anchors(for: "report")
            let pol = try policyOptions.load()
            let input = try InputFile(ledger)
            // The private copy of a pipe lives until the command is done with it (not only until `input`'s last use).
            defer { withExtendedLifetime(input) {} }
            // Who signed what (certificates, CRLs, signatures by seq): a read of the file beside the verifier's.
            let context = try ReportContext.collect(path: input.path, trust: anchors)
            var writer: HTMLReport.Writer?
            var shipments = 0
            let size = (try? FileManager.default.attributesOfItem(atPath: input.path)[.size] as? Int64) ?? 0
            let p = Progress("verifying \(Terminal.safe(input.name))", total: size, format: format)
            let report = try LedgerCheck.stream(
                path: input.path, options: VerifyOptions(trust: anchors), policy: pol, onProgress: { p.update($0) },
                onIntegrity: {
                    writer = HTMLReport.Writer(
                        report: $0, policy: pol, ledger: FileIO.fileName(of: input.name), context: context,
                        toolVersion: Chiptrail.version)
                },
                onShipment: {
                    shipments += 1
                    writer?.add($0)
                })
            p.done()
            guard let page = writer?.finish() else { throw TrailError("internal-error", "the verifier reported no integrity result") }
            try FileIO.writeAtomically(Array(page.utf8), to: html, mode: 0o644, overwrite: forceOptions.force)
            let check = (integrityOK: report.integrityOK, count: shipments)
            if format == .json {
                printJSON([
                    "html": html, "integrity": check.integrityOK ? "ok" : "failed", "shipments": check.count,
                    "bytes": page.utf8.count,
                ])
            } else {
                print(
                    "wrote \(html): \(check.count) shipment\(check.count == 1 ? "" : "s"), integrity \(check.integrityOK ? "ok" : "FAILED"), \(page.utf8.count) bytes"
                )
            }
        }
    }
}
