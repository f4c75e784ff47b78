import ArgumentParser
import TrailCrypto
import TrailLedger

struct LedgerRepair: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Move a torn final line (an interrupted append) to a side file; committed lines are never touched.",
        discussion: "Refuses (exit 65) a file whose first line is not a genesis record: it is not a chiptrail ledger.")

    @Argument(help: "The ledger file.") var ledger: String

    func run() async throws {
        try await reporting {
            try InputFile.requireRegular(ledger, for: "ledger repair")
            let name = Terminal.safe(ledger)
            if let r = try Ledger.repair(path: ledger) {
                print("moved \(r.bytes) torn bytes at offset \(r.offset) to \(Terminal.safe(r.sideFile)); \(name) ends at its last complete line")
            } else {
                print("\(name) has no torn tail; nothing to repair")
            }
        }
    }
}
