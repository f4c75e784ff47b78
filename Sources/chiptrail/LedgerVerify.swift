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
            LEDGER may be `-` (stdin), /dev/stdin, a pipe or a process substitution such as <(gunzip -c L.gz): it is
            copied to a private temporary file first and gets exactly the verdict of the file.
            Findings are listed in seq order, the root cause first; the consequences of a deleted or moved line are
            counted under it. At most --max-findings findings of each code are listed; the rest are counted.
            Exit 0 intact and compliant; 1 integrity failure; 2 intact but a shipment is in violation.
            """)

    @Argument(help: "The ledger file (`-` for stdin), or a published tiles directory or http(s) URL.") var ledger: String
    @Option(help: "Trust anchor (root CA certificate), repeatable.") var trust: [String] = []
    @Option(help: "A JSON policy file (defaults to the built-in H200 rule).") var policy: String?
    @Option(help: "A previously saved checkpoint the ledger must extend.") var since: String?
    @Option(help: "Only report this shipment.") var shipment: String?
    @Flag(help: "Report lines that are not in RFC 8785 canonical form.") var strict = false
    @Option(name: .customLong("max-findings"), help: "Findings listed in full per code (1–1000000); the rest are counted.")
    var maxFindings = 100
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func validate() throws {
        guard (1...1_000_000).contains(maxFindings) else {
            throw ValidationError("--max-findings must be between 1 and 1000000 (got \(maxFindings))")
        }
    }

    func run() async throws {
        var exit: Int32 = 0
        try await reporting(format: format) {
            guard !trust.isEmpty else {
                throw TrailError.usage("no-trust-anchor", "ledger verify needs --trust ROOT.pem (the ledger's root)")
            }
            var options = VerifyOptions(trust: try loadCertificates(trust))
            options.strict = strict
            options.maxFindingsPerCode = maxFindings
            if let since { options.since = try readInputText(since, what: "checkpoint") }
            let pol = try loadPolicy(policy)
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
            let report = try LedgerCheck.stream(
                path: path, options: options, policy: pol, onProgress: { progress.update($0) },
                onIntegrity: { r in
                    progress.done()
                    notEvaluated = ReportInput.notEvaluated(r)
                    if format == .json {
                        let (head, t) = LedgerCheck.jsonEnvelope(r, input: shownAs)
                        out.write(head)
                        tail = t
                    } else {
                        out.write(LedgerCheck.textHeader(r, path: input.name, input: shownAs))
                        if let notEvaluated { out.write("\nshipments  not evaluated: \(notEvaluated)\n") }
                    }
                },
                onShipment: { s in
                    if notEvaluated != nil { return }
                    if let shipment, Array(s.id.unicodeScalars) != Array(shipment.unicodeScalars) { return }
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
            if let shipment, shown == 0, notEvaluated == nil {
                throw TrailError.usage("unknown-shipment", "no statement in \(input.name) is about shipment \(shipment)")
            }
            exit = !report.integrityOK ? Exit.integrity : (violation ? Exit.policy : 0)
        }
        if exit != 0 { throw ExitCode(exit) }
    }
}
