import ArgumentParser
import Foundation
import TrailCrypto
import TrailLedger

struct LedgerConsistency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consistency",
        abstract: "Check that a newer checkpoint extends an older one (RFC 6962 consistency proof).",
        discussion: """
            Both checkpoints must carry a signature by an operator key of the ledger (genesis operator or an \
            operator-role certificate record). The consistency proof is computed from the ledger and verified \
            against both roots. Exit 0 consistent; 1 inconsistent or badly signed.
            """)

    @Argument(help: "The older saved checkpoint (signed note).") var old: String
    @Argument(help: "The newer saved checkpoint (signed note).") var new: String
    @Option(help: "The ledger file that holds both trees.") var ledger: String
    @OptionGroup var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() async throws {
        try await reporting(format: format) {
            let input = try InputFile(ledger)
            // The private copy of a pipe lives until the command is done with it (not only until `input`'s last use).
            defer { withExtendedLifetime(input) {} }
            let result = try CheckpointConsistency.check(
                old: try readInputText(old, what: "checkpoint"), new: try readInputText(new, what: "checkpoint"),
                ledger: input.path)
            if format == .json {
                printJSON([
                    "consistent": true,
                    "old": ["size": result.old.size, "root": result.old.rootHash.hex] as [String: Any],
                    "new": ["size": result.new.size, "root": result.new.rootHash.hex] as [String: Any],
                    "proof": result.proof.map(\.base64),
                ])
            } else {
                print(
                    "consistent: size \(result.old.size) (\(result.old.rootHash.hex.prefix(16))…) is a prefix of size \(result.new.size) (\(result.new.rootHash.hex.prefix(16))…); proof of \(result.proof.count) hashes verified"
                )
            }
        }
    }
}
