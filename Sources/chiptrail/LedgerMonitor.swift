import ArgumentParser
import Foundation
import TrailCompliance
import TrailCrypto
import TrailLedger

struct LedgerMonitor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Follow a published ledger: prove each new checkpoint consistent, verify, report status changes.",
        discussion: """
            Fetches LOG/checkpoint (LOG: a directory or an http(s) base URL), proves it consistent with the last
            checkpoint seen (kept in --state), fetches only the entries added since, verifies the ledger and prints
            the shipments whose status is new or changed. Exit 0 when consistent and intact; 1 when the checkpoint
            is inconsistent with the last one seen (a split view or rewritten history: both signed checkpoints are
            kept in STATE/evidence/) or the ledger fails verification. One run, or one every --every seconds (then a
            log that cannot be reached, tiles-fetch-failed or tiles-missing, is reported and tried again next time).
            """)

    @Argument(help: "The published log: a directory or an http(s) base URL.") var log: String
    @Option(help: "Trust anchor (root CA certificate), repeatable.") var trust: [String] = []
    @Option(help: "The monitor's state directory (created if missing).") var state: String
    @Option(help: "A JSON policy file (defaults to the built-in H200 rule).") var policy: String?
    @Option(help: "Run again every SECONDS (default: one run).") var every: Double?
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func validate() throws {
        if let every, every < 1 { throw ValidationError("--every must be at least 1 second") }
    }

    func run() async throws {
        var exit: Int32 = 0
        try await reporting(format: format) {
            guard !trust.isEmpty else {
                throw TrailError.usage("no-trust-anchor", "ledger monitor needs --trust ROOT.pem (the ledger's root)")
            }
            let options = VerifyOptions(trust: try loadCertificates(trust))
            let pol = try loadPolicy(policy)
            // The plug point (TileMonitor.Verifier): a full verification today; the incremental verifier later.
            let verifier: TileMonitor.Verifier = { path, _ in
                var statuses: [String: String] = [:]
                let report = try LedgerCheck.stream(path: path, options: options, policy: pol) { s in
                    statuses[s.id] = s.status.rawValue
                }
                return TileMonitor.Verdict(
                    integrityOK: report.integrityOK, statuses: statuses,
                    errors: report.errors.map { "seq \($0.seq): [\($0.code.rawValue)] \($0.message)" })
            }
            while true {
                let tileLog = TileLog(fetcher: try TileFetcherFactory.at(log, timeout: TilesInput.timeout))
                let o: TileMonitor.Outcome
                do {
                    o = try TileMonitor.run(log: tileLog, state: state, verifier: verifier)
                } catch let e as TrailError where every != nil && Self.transient.contains(e.code) {
                    // With --every, a log that cannot be reached now is tried again at the next run; the state
                    // is unchanged. An inconsistency or a failed verification still ends the monitor.
                    printError(e, format: format)
                    try await Task.sleep(nanoseconds: UInt64(every! * 1e9))
                    continue
                }
                print(Self.describe(o, format: format))
                fflush(nil)  // one report per run, visible at once in a log file or pipe (nil: every stream)
                if !o.verdict.integrityOK {
                    exit = Exit.integrity
                    return
                }
                guard let every else { return }
                try await Task.sleep(nanoseconds: UInt64(every * 1e9))
            }
        }
        if exit != 0 { throw ExitCode(exit) }
    }

    /// Failures of one `--every` run that the next run may not have: the log could not be reached or read.
    static let transient: Set<TrailError.Code> = [.tilesFetchFailed, .tilesMissing]

    static func describe(_ o: TileMonitor.Outcome, format: OutputFormat) -> String {
        if format == .json {
            let obj: [String: Any] = [
                "treeSize": o.size, "root": o.root.hex, "previousSize": o.previousSize ?? NSNull(),
                "newEntries": o.newEntries, "fetched": o.fetched,
                "integrity": o.verdict.integrityOK ? "ok" : "failed", "errors": o.verdict.errors,
                "changes": o.changes.map { ["shipment": $0.shipment, "old": $0.old ?? NSNull(), "new": $0.new] as [String: Any] },
            ]
            let data = (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
        let safe = Terminal.safe
        var s = "checkpoint size \(o.size), root \(o.root.hex.prefix(16))…"
        if let p = o.previousSize {
            s += ", consistent with the last one seen (size \(p)); \(o.newEntries) new entries"
        } else {
            s += "; first run, \(o.newEntries) entries"
        }
        s += "; \(o.fetched) resources fetched\n"
        s += "integrity \(o.verdict.integrityOK ? "ok" : "FAILED (\(o.verdict.errors.count) errors)")"
        for e in o.verdict.errors.prefix(20) { s += "\n  \(safe(e))" }
        for c in o.changes {
            if let old = c.old {
                s += "\nchanged shipment \(safe(c.shipment)): \(old) → \(c.new)"
            } else {
                s += "\nnew shipment \(safe(c.shipment)): \(c.new)"
            }
        }
        if o.changes.isEmpty { s += "\nno shipment status changed" }
        return s
    }
}
