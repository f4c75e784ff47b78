import ArgumentParser
import Foundation
import TrailCrypto
import TrailLedger

struct LedgerCheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint", abstract: "Print the latest signed checkpoint (or the operator's verifier key).")

    @Argument(help: "The ledger file (`-` for stdin).") var ledger: String
    @Flag(help: "Print the operator's C2SP verifier key (name+keyid+base64) instead.") var vkey = false
    @OptionGroup var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() async throws {
        try await reporting(format: format) {
            let input = try InputFile(ledger)
            // The private copy of a pipe lives until the command is done with it (not only until `input`'s last use).
            defer { withExtendedLifetime(input) {} }
            let latest = try LedgerReader.latestCheckpoint(path: input.path)
            // Saved to a file (`> checkpoint.txt`), the note keeps its exact bytes (its signature covers them); on a
            // terminal, the characters a terminal acts on are shown escaped.
            let onTerminal = isatty(1) == 1
            if format == .json {
                if vkey {
                    printJSON(["verifierKey": try LedgerReader.operatorVerifierKey(path: input.path)])
                    return
                }
                var o: [String: Any] = ["seq": latest.seq, "size": latest.size, "root": latest.root, "note": latest.note]
                if let cp = try? Checkpoint(text: try SignedNote(parsing: latest.note).text) { o["origin"] = cp.origin }
                printJSON(o)
            } else if vkey {
                let key = try LedgerReader.operatorVerifierKey(path: input.path)
                print(onTerminal ? Terminal.safe(key) : key)
            } else {
                print(onTerminal ? Terminal.safeLines(latest.note) : latest.note, terminator: "")
            }
        }
    }
}
