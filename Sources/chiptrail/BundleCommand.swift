import ArgumentParser
import Foundation
import TrailCompliance
import TrailCrypto
import TrailLedger

struct BundleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle", abstract: "Verify proof bundles offline.", subcommands: [BundleVerify.self, BundleExplain.self])
}

struct BundleVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a proof bundle with nothing but the trust anchors, and evaluate its shipment.",
        discussion: """
            Checks every entry's inclusion proof against the checkpoint, the checkpoint's operator signature, \
            witness cosignatures, certificate chains and ledger-time revocation, statement signatures and roles, \
            then evaluates the shipment from the bundle alone. A bundle cannot prove absence: records left out \
            of it (a later CRL, another statement) are only visible in the full ledger. \
            Exit 0 verified; 1 integrity failure; 2 intact but the shipment is in violation.
            """)

    @Argument(help: "The bundle file (ledger prove --out; `-` for stdin).") var bundle: String
    @OptionGroup var trustOptions: TrustOptions
    @OptionGroup var policyOptions: PolicyOptions
    @Option(help: "A published log (a `ledger publish` directory or http(s) URL): also prove the bundle's checkpoint a prefix of its tree.")
    var log: String?
    @OptionGroup var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() async throws {
        var exit: Int32 = 0
        try await reporting(format: format) {
            let anchors = try trustOptions.anchors(for: "bundle verify")
            let pol = try policyOptions.load()
            let parsed: ProofBundle
            do {
                parsed = try ProofBundle(json: try readInput(bundle, what: "bundle"))
            } catch let e as TrailError {
                throw e.at(file: bundle)
            }
            let check = BundleCheck.run(bundle: parsed, trust: anchors, policy: pol)
            // With --log, the bundle's checkpoint must be a prefix of the published tree (O(log n) tiles).
            let published = try log.map { try Self.checkAgainstLog($0, bundle: parsed) }
            if format == .json {
                var o = Self.json(check)
                if let published {
                    o["log"] = [
                        "location": published.location, "treeSize": published.size, "root": published.root.hex,
                        "consistent": true, "fetched": published.fetched,
                    ] as [String: Any]
                }
                printJSON(o)
            } else {
                var text = Self.text(check, path: bundle)
                if let p = published, let r = text.range(of: "\nintegrity  ") {
                    let line = "\nlog        \(Terminal.safe(p.location)): published size \(p.size), the bundle's tree is a prefix of it (\(p.fetched) resources fetched)"
                    text.insert(contentsOf: line, at: r.lowerBound)
                }
                print(text, terminator: "")
            }
            exit = check.exitStatus
        }
        if exit != 0 { throw ExitCode(exit) }
    }

    /// The published checkpoint of the log at `location`, once the bundle's checkpoint is proven a prefix of it.
    /// Errors: `inconsistent-with-checkpoint` (another origin, a smaller published tree, or not a prefix),
    /// `tiles-missing`, `tiles-fetch-failed`, `tiles-malformed`, `malformed-checkpoint`.
    static func checkAgainstLog(_ location: String, bundle: ProofBundle) throws -> (
        location: String, size: Int, root: MerkleHash, fetched: Int
    ) {
        let tileLog = TileLog(fetcher: try TileFetcherFactory.at(location, timeout: TilesInput.timeout))
        let ours = try Checkpoint(text: try SignedNote(parsing: bundle.checkpoint).text)
        let (_, published) = try tileLog.checkpoint()
        if published.origin == ours.origin, published.size < ours.size {
            throw TrailError(
                "inconsistent-with-checkpoint",
                "\(location) publishes a tree of size \(published.size), the bundle's checkpoint has size \(ours.size): its tree is not on the published log",
                remedy: "ask the operator to publish the log (`chiptrail ledger publish`), then check again")
        }
        _ = try tileLog.proveConsistent(old: ours, new: published)
        return (location, published.size, published.rootHash, tileLog.fetched.count)
    }

    static func json(_ c: BundleCheck) -> [String: Any] {
        let v = c.verification
        var o: [String: Any] = [
            "integrity": v.integrityOK ? "ok" : "failed", "subject": v.subject, "origin": v.origin,
            "treeSize": v.treeSize, "root": v.root, "entries": v.entries, "provenEntries": v.provenEntries,
            "errors": v.errors.map(LedgerCheck.findingJSON), "warnings": v.warnings.map(LedgerCheck.findingJSON),
            "checkpoint": ["size": v.treeSize, "root": v.root, "witnesses": v.witnessNames] as [String: Any],
            "cannotProve": BundleVerification.cannotProve,
        ]
        if let s = c.shipment {
            o["shipment"] = LedgerCheck.shipmentJSON(s)
            o["status"] = s.status.rawValue
        } else {
            o["shipment"] = NSNull()
            o["status"] = NSNull()
        }
        return o
    }

    static func text(_ c: BundleCheck, path: String) -> String {
        let v = c.verification
        let safe = Terminal.safe
        let name = safe(path == "-" ? "stdin" : path)
        var out = "bundle     \(name)\n"
        out += "subject    \(safe(v.subject))\n"
        out += "origin     \(safe(v.origin))\n"
        out += "checkpoint size \(v.treeSize), root \(safe(v.root))"
        out += v.witnessNames.isEmpty ? ", no witnesses\n" : ", witnesses: \(v.witnessNames.map(safe).joined(separator: ", "))\n"
        out += "entries    \(v.entries) (\(v.provenEntries) with a valid inclusion proof)\n"
        out += "integrity  \(v.integrityOK ? "ok" : "FAILED (\(v.errors.count) error\(v.errors.count == 1 ? "" : "s"))")\n"
        for f in v.findings.enumerated().sorted(by: { ($0.element.seq, $0.offset) < ($1.element.seq, $1.offset) }).map(\.element) {
            out += "\(name): seq \(f.seq): \(f.severity.rawValue)[\(safe(f.code.rawValue))]: \(safe(f.message))\n"
            if let h = f.remedy { out += "  hint: \(safe(h))\n" }
        }
        if let s = c.shipment {
            out += "status     \(s.status.rawValue)"
            switch s.status {
            case .pending: out += " (missing: \(s.missing.map(safe).joined(separator: ", ")))"
            case .held, .returned: out += " (customs: \(safe(s.decision ?? s.status.rawValue)))"
            default: break
            }
            out += "\n"
            for viol in s.violations {
                out += "    [\(safe(viol.code))] \(safe(viol.message)) (seq \(viol.seqs.map(String.init).joined(separator: ", ")))\n"
            }
        } else {
            out += "status     not evaluated (no compliance result for \(safe(v.subject)))\n"
        }
        out += "\nA bundle cannot prove:\n"
        for s in BundleVerification.cannotProve { out += "  - \(s)\n" }
        return out
    }
}
