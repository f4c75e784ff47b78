import ArgumentParser
import Foundation
import TrailCrypto
import TrailLedger

struct LedgerCosign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cosign",
        abstract: "Verify the ledger, then cosign its latest checkpoint as a witness (C2SP tlog-cosignature/v1).",
        discussion: """
            Refuses when the ledger has integrity errors. The key name is the auditor certificate's subject CN \
            with whitespace replaced by '_'. The operator records the output with \
            `chiptrail ledger append LEDGER --operator-key KEY --cosignature COSIGNED.checkpoint`.
            """)

    @Argument(help: "The ledger file.") var ledger: String
    @Option(help: "The auditor's Ed25519 private key.") var key: String
    @Option(help: "The auditor's certificate (auditor role, registered in the ledger).") var cert: String
    @OptionGroup var trustOptions: TrustOptions
    @Option(help: "Where to write the cosigned checkpoint note.") var out: String
    @OptionGroup var forceOptions: ForceOptions
    @OptionGroup var keyOptions: KeyFileOptions
    @OptionGroup var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() async throws {
        try await reporting(format: format) {
            try forceOptions.checkWritable(out)
            let anchors = try trustOptions.anchors(for: "ledger cosign")
            let auditor = try loadCertificate(cert)
            let input = try InputFile(ledger)
            // The private copy of a pipe lives until the command is done with it (not only until `input`'s last use).
            defer { withExtendedLifetime(input) {} }
            let note = try Witness.cosign(
                ledger: input.path, key: try loadPrivateKey(key, keyOptions, purpose: .witnessCosignature), cert: auditor, trust: anchors)
            try FileIO.writeAtomically(Array(note.utf8), to: out, mode: 0o644, overwrite: forceOptions.force)
            let cp = try Checkpoint(text: try SignedNote(parsing: note).text)
            let name = WitnessName.of(auditor) ?? ""
            if format == .json {
                printJSON(["out": out, "witness": name, "size": cp.size, "root": cp.rootHash.hex])
            } else {
                print("wrote \(out): checkpoint of size \(cp.size) cosigned by \(Terminal.safe(name))")
            }
        }
    }
}
