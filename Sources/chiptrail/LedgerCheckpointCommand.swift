import ArgumentParser
import TrailCrypto
import TrailLedger

struct LedgerCheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint", abstract: "Print the latest signed checkpoint (or the operator's verifier key).")

    @Argument(help: "The ledger file.") var ledger: String
    @Flag(help: "Print the operator's C2SP verifier key (name+keyid+base64) instead.") var vkey = false

    func run() async throws {
        try await reporting {
            let latest = try LedgerReader.latestCheckpoint(path: ledger)
            if vkey {
                print(try LedgerReader.operatorVerifierKey(path: ledger))
            } else {
                print(latest.note, terminator: "")
            }
        }
    }
}
