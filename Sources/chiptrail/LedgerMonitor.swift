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
            Fetches LOG/checkpoint (LOG: a directory or an http(s) base URL), proves it consistent with the last \
            checkpoint seen (kept in --state), fetches only the entries added since, verifies only the records \
            added since (incremental verification, STATE/verify.state) and prints the shipments whose status is new \
            or changed. Exit 0 when consistent and intact; 1 when the checkpoint is inconsistent with the last one \
            seen (a split view or rewritten history: both signed checkpoints are kept in STATE/evidence/) or the \
            ledger fails verification.

            One run per invocation (cron), or one every --every seconds; then a log that cannot be reached \
            (tiles-fetch-failed, tiles-missing) is reported and tried again at the next run.
            """)

    @Argument(help: "The published log: a directory or an http(s) base URL.") var log: String
    @OptionGroup var trustOptions: TrustOptions
    @Option(help: "The monitor's state directory (created if missing).") var state: String
    @OptionGroup var policyOptions: PolicyOptions
    @Option(help: "Run again every SECONDS (default: one run).") var every: Double?
    @OptionGroup var output: OutputOptions
    var format: OutputFormat { output.format }

    func validate() throws {
        if let every, every < 1 { throw ValidationError("--every must be at least 1 second") }
    }

    func run() async throws {
        var exit: Int32 = 0
        try await reporting(format: format) {
            let options = VerifyOptions(trust: try trustOptions.anchors(for: "ledger monitor"))
            let pol = try policyOptions.load()
            let verifier: TileMonitor.Verifier = { path, verifiedBefore in
                try Self.verify(path, verifiedBefore: verifiedBefore, state: state, options: options, policy: pol)
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
                if o.verdict.integrityOK {
                    // The run advanced the monitor's state; the verifier's state follows it.
                    _ = rename(state + "/verify.next", state + "/verify.state")
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

    /// The plug point (TileMonitor.Verifier): the reassembled ledger verified incrementally after the verifier state
    /// of the last run that advanced (STATE/verify.state, copied to verify.next, which replaces it once the run
    /// advances). A state that does not cover the reassembled file (the log was read again from the start, or a
    /// published tail differed from the lines that followed it) gives a full verification instead: the verdict is a
    /// full run's either way.
    static func verify(
        _ path: String, verifiedBefore: Int, state: String, options: VerifyOptions, policy: Policy
    ) throws -> TileMonitor.Verdict {
        let saved = state + "/verify.state", next = state + "/verify.next"
        unlink(next)
        if verifiedBefore > 0, FileManager.default.fileExists(atPath: saved) {
            try FileManager.default.copyItem(atPath: saved, toPath: next)
        }
        var statuses: [String: String] = [:]
        func run() throws -> IncrementalVerifier.Outcome {
            statuses = [:]
            return try IncrementalVerifier.stream(path: path, statePath: next, options: options, policy: policy) {
                statuses[$0.id] = $0.status.rawValue
            }
        }
        let outcome: IncrementalVerifier.Outcome
        do {
            outcome = try run()
        } catch let e as TrailError where e.code.rawValue.hasPrefix("state-") {
            unlink(next)
            outcome = try run()
        }
        return TileMonitor.Verdict(
            integrityOK: outcome.report.integrityOK, statuses: statuses,
            errors: outcome.report.errors.map { "seq \($0.seq): [\($0.code.rawValue)] \($0.message)" },
            resumedFrom: outcome.resumedFrom)
    }

    /// Failures of one `--every` run that the next run may not have: the log could not be reached or read.
    static let transient: Set<TrailError.Code> = [.tilesFetchFailed, .tilesMissing]

    static func describe(_ o: TileMonitor.Outcome, format: OutputFormat) -> String {
        if format == .json {
            let obj: [String: Any] = [
                "treeSize": o.size, "root": o.root.hex, "previousSize": o.previousSize ?? NSNull(),
                "newEntries": o.newEntries, "fetched": o.fetched, "resumedFrom": o.verdict.resumedFrom ?? NSNull(),
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
        if let r = o.verdict.resumedFrom { s += "verified   the records after the \(r) verified by earlier runs\n" }
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
