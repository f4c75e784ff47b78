import ArgumentParser
import Foundation
import TrailCrypto
import TrailLedger

struct LedgerAppend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append certificates, statements and CRLs as one batch ending in a checkpoint.",
        discussion: """
            Records are written in this order: --cert certificates (each with the --chain given), then the
            envelopes, then --crl CRLs, then --cosignature cosigned checkpoints (a batch of only cosignatures
            gets no new checkpoint). Every record is checked with the rules of `ledger verify` first; on any
            refusal nothing is written.
            """)

    @Argument(help: "The ledger file.") var ledger: String
    @Argument(help: "DSSE envelope files to append as statements.") var envelopes: [String] = []
    @Option(name: .customLong("operator-key"), help: "The operator's Ed25519 private key (signs the checkpoint).")
    var operatorKey: String
    @Option(help: "A signer certificate to register (repeatable).") var cert: [String] = []
    @Option(help: "Intermediate CA certificates for --cert (repeatable).") var chain: [String] = []
    @Option(help: "A CRL to record (repeatable).") var crl: [String] = []
    @Option(help: "A cosigned checkpoint (ledger cosign --out) to record (repeatable).") var cosignature: [String] = []
    @Option(help: "Trust anchors besides those in the genesis chain (repeatable).") var trust: [String] = []
    @OptionGroup var keyOptions: KeyFileOptions
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    /// Options of this command that take a value (`--name value`); kept in step with the declarations above.
    static let valueOptions: Set<String> = [
        "--operator-key", "--cert", "--chain", "--crl", "--cosignature", "--trust", "--format", "--passphrase-file",
    ]
    /// Options of this command that take no value.
    static let flags: Set<String> = ["--insecure-key-permissions"]

    /// Splits `ledger append …` arguments into the arguments without the envelope files (every positional argument
    /// after the ledger) and those files, in order. Anything it does not fully understand (another command, `--`,
    /// an unknown option, help) is left whole, for ArgumentParser to parse or refuse.
    static func takeEnvelopeFiles(_ arguments: [String]) -> (arguments: [String], envelopes: [String]) {
        guard arguments.count > 2, arguments[0] == "ledger", arguments[1] == "append" else { return (arguments, []) }
        var kept = Array(arguments[..<2])
        var files: [String] = []
        var sawLedger = false
        var i = 2
        while i < arguments.count {
            let a = arguments[i]
            if a.hasPrefix("-") {
                let name = a.split(separator: "=", maxSplits: 1).first.map(String.init) ?? a
                if a.contains("=") && valueOptions.contains(name) || flags.contains(a) {
                    kept.append(a)
                } else if valueOptions.contains(a), i + 1 < arguments.count {
                    kept += [a, arguments[i + 1]]
                    i += 1
                } else {
                    return (arguments, [])
                }
            } else if !sawLedger {
                sawLedger = true
                kept.append(a)
            } else {
                files.append(a)
            }
            i += 1
        }
        return (kept, files)
    }

    func run() async throws {
        showIndexProgress(ledger, format: format)
        try await reporting(format: format) {
            let chainCerts = try loadCertificates(chain)
            var items: [AppendItem] = try cert.map { .certificate(try loadCertificate($0), chain: chainCerts) }
            items += try Envelope.read(files: envelopes).map { .envelope($0) }
            items += try crl.map { .crl(try loadCRL($0)) }
            for file in cosignature {
                let note = try FileIO.readText(file)
                items.append(.cosignature(checkpoint: try Witness.checkpointSeq(ledger: ledger, note: note), note: note))
            }
            let key = try loadPrivateKey(operatorKey, keyOptions, purpose: .operatorCheckpoint)
            let result = try Ledger.append(path: ledger, operatorKey: key, items: items, trust: try loadCertificates(trust))
            if format == .json {
                printJSON(["seqs": result.seqs, "treeSize": result.treeSize, "checkpoint": result.checkpoint.map { $0 as Any } ?? NSNull()])
            } else {
                print("appended seq \(result.seqs.first!)…\(result.seqs.last!) to \(ledger); tree size \(result.treeSize)")
            }
        }
    }
}
