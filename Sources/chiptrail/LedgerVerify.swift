import ArgumentParser
import Foundation
import TrailCompliance
import TrailCrypto
import TrailLedger

struct LedgerVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a ledger offline: lines, chain, tree, checkpoints, signatures, certificates, compliance.",
        discussion: """
            LEDGER may be `-` (stdin), /dev/stdin, a pipe or a process substitution such as <(gunzip -c L.gz): it is \
            copied to a private temporary file first and gets exactly the verdict of the file. \
            Findings are listed in seq order, the root cause first; the consequences of a deleted or moved line are \
            counted under it. At most --max-findings findings of each code are listed; the rest are counted. \
            Exit 0 intact and compliant; 1 integrity failure; 2 intact but a shipment is in violation.
            """)

    @Argument(help: "The ledger file (`-` for stdin), or a published tiles directory or http(s) URL.") var ledger: String
    @OptionGroup var trustOptions: TrustOptions
    @OptionGroup var policyOptions: PolicyOptions
    @Option(help: "A previously saved checkpoint the ledger must extend.") var since: String?
    @Option(help: "Only report this shipment.") var shipment: String?
    @Flag(help: "Report lines that are not in RFC 8785 canonical form.") var strict = false
    @Option(name: .customLong("max-findings"), help: "Findings listed in full per code (1–1000000); the rest are counted.")
    var maxFindings = 100
    @OptionGroup var output: OutputOptions
    var format: OutputFormat { output.format }
    @Option(
        help: ArgumentHelp(
            "Incremental verification: resume after this state file when it exists (verifying only the records appended since), then write it.",
            valueName: "STATE"))
    var state: String?

    func validate() throws {
        guard (1...1_000_000).contains(maxFindings) else {
            throw ValidationError("--max-findings must be between 1 and 1000000 (got \(maxFindings))")
        }
    }

    func run() async throws {
        var exit: Int32 = 0
        try await reporting(format: format) {
            var options = VerifyOptions(trust: try trustOptions.anchors(for: "ledger verify"))
            options.strict = strict
            options.maxFindingsPerCode = maxFindings
            if let since { options.since = try readInputText(since, what: "checkpoint") }
            let pol = try policyOptions.load()
            let input = try TilesInput.open(ledger)  // a file, a pipe, or a tiles location (TilesInput.swift)
            // The private copy of a pipe lives until the command is done with it (not only until `input`'s last use).
            defer { withExtendedLifetime(input) {} }
            let path = input.path
            let shownAs = ReportInput(name: input.name, isCopy: input.isCopy, isLedger: Ledger.startsWithGenesis(path: path))
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
            let progress = Progress("verifying \(Terminal.safe(input.name))", total: size, format: format)
            let out = StdoutWriter()
            var tail: [UInt8] = []
            var shown = 0
            var violation = false
            var counts: [ShipmentStatus: Int] = [:]
            var notEvaluated: String?
            let onIntegrity = { (r: VerificationReport, resumedFrom: Int?) in
                progress.done()
                notEvaluated = ReportInput.notEvaluated(r)
                if format == .json {
                    let (head, t) = LedgerCheck.jsonEnvelope(r, input: shownAs, resumedFrom: resumedFrom)
                    out.write(head)
                    tail = t
                } else {
                    out.write(LedgerCheck.textHeader(r, path: input.name, input: shownAs, resumedFrom: resumedFrom))
                    if let notEvaluated { out.write("\nshipments  not evaluated: \(notEvaluated)\n") }
                }
            }
            let onShipment = { (s: ShipmentReport) in
                if notEvaluated != nil { return }
                if let shipment, Array(s.id.unicodeScalars) != Array(shipment.unicodeScalars) { return }
                if format == .json {
                    if shown > 0 { out.write([0x2C]) }
                    out.write(LedgerCheck.shipmentJCS(s))
                } else {
                    out.write((shown == 0 ? "\nshipments\n" : "") + LedgerCheck.textLine(s))
                }
                shown += 1
                counts[s.status, default: 0] += 1
                if s.status == .violation { violation = true }
            }
            let report: VerificationReport
            if let state {
                report = try IncrementalVerifier.stream(
                    path: path, statePath: state, options: options, policy: pol, onProgress: { progress.update($0) },
                    onIntegrity: onIntegrity, onShipment: onShipment
                ).report
            } else {
                report = try LedgerCheck.stream(
                    path: path, options: options, policy: pol, onProgress: { progress.update($0) },
                    onIntegrity: { try onIntegrity($0, nil) }, onShipment: onShipment)
            }
            if format == .json {
                out.write(tail + [0x0A])
            } else if shown > 0 {
                out.write(LedgerCheck.textFooter(counts))
            }
            out.flush()
            if let shipment, shown == 0, notEvaluated == nil {
                throw TrailError.usage("unknown-shipment", "no statement in \(input.name) is about shipment \(shipment)")
            }
            exit = !report.integrityOK ? Exit.integrity : (violation ? Exit.policy : 0)
        }
        if exit != 0 { throw ExitCode(exit) }
    }
}
