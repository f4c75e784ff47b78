import ArgumentParser
import Foundation
import TrailCrypto
import TrailLedger

struct LedgerAppend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append certificates, statements and CRLs as one batch ending in a checkpoint.",
        discussion: """
            Records are written in this order: --cert certificates, then the envelopes, then --crl CRLs, then \
            --cosignature cosigned checkpoints (a batch of only cosignatures gets no new checkpoint). Every record \
            is checked with the rules of `ledger verify` first; on any refusal nothing is written, and each problem \
            is named on its own line by the file it comes from.

            --chain and --cert: the --chain certificates form one pool for every --cert of the command (give an \
            intermediate once, whatever the number of --cert). Each certificate record's chain is written as its \
            validated path — the leaf's issuer first, then upward, without duplicates, the root left out — built \
            from that pool and the CAs already in the ledger (the genesis chain, earlier certificate records). So \
            --chain is needed only for an issuer the ledger does not hold yet. A certificate already registered is \
            not written again (the output says where it stands).
            """)

    @Argument(help: "The ledger file.") var ledger: String
    @Argument(help: "DSSE envelope files to append as statements.") var envelopes: [String] = []
    @Option(name: .customLong("operator-key"), help: "The operator's Ed25519 private key (signs the checkpoint).")
    var operatorKey: String
    @Option(help: "A signer certificate to register (repeatable).") var cert: [String] = []
    @Option(help: "Intermediate CA certificates for every --cert (repeatable; not needed for an issuer the ledger holds).")
    var chain: [String] = []
    @Option(help: "A CRL to record (repeatable).") var crl: [String] = []
    @Option(help: "A cosigned checkpoint (ledger cosign --out) to record (repeatable).") var cosignature: [String] = []
    @Option(help: "Trust anchors besides those in the genesis chain (repeatable).") var trust: [String] = []
    @OptionGroup var keyOptions: KeyFileOptions
    @OptionGroup var output: OutputOptions
    var format: OutputFormat { output.format }

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
            // Regular files are read and parsed in parallel (a bulk append of thousands); pipes one by one.
            if try envelopes.allSatisfy({ try isRegularInput($0, what: "envelope") }) {
                items += try Envelope.read(files: envelopes).map { .envelope($0) }
            } else {
                items += try envelopes.map { .envelope(try loadEnvelope($0)) }
            }
            items += try crl.map { .crl(try loadCRL($0)) }
            for file in cosignature {
                let note = try readInputText(file, what: "cosigned checkpoint")
                do {
                    items.append(.cosignature(checkpoint: try Witness.checkpointSeq(ledger: ledger, note: note), note: note))
                } catch let e as TrailError {
                    throw e.file == nil ? e.at(file: file) : e
                }
            }
            let labels = cert + envelopes + crl + cosignature
            let key = try loadPrivateKey(operatorKey, keyOptions, purpose: .operatorCheckpoint)
            try InputFile.requireRegular(ledger, for: "ledger append")
            let anchors = try loadCertificates(trust)
            let result: AppendResult
            do {
                result = try Ledger.append(path: ledger, operatorKey: key, items: items, labels: labels, trust: anchors)
            } catch var e as TrailError where e.file != nil && e.file != ledger {
                // A refusal names the envelope or certificate file; the seq it would have had means nothing.
                e.seq = nil
                throw e
            }
            let known = result.alreadyRegistered.map { (file: labels[$0.item], seq: $0.seq) }
            if format == .json {
                printJSON([
                    "seqs": result.seqs, "treeSize": result.treeSize,
                    "checkpoint": result.checkpoint.map { $0 as Any } ?? NSNull(),
                    "alreadyRegistered": known.map { ["file": $0.file, "seq": $0.seq] as [String: Any] },
                ])
                return
            }
            for k in known {
                print("\(Terminal.safe(k.file)): already registered at seq \(k.seq); not appended again")
            }
            if let first = result.seqs.first, let last = result.seqs.last {
                let range = first == last ? "seq \(first)" : "seq \(first)…\(last)"
                print("appended \(range) to \(Terminal.safe(ledger)); tree size \(result.treeSize)")
            } else {
                print("nothing appended to \(Terminal.safe(ledger)); tree size \(result.treeSize)")
            }
        }
    }
}
