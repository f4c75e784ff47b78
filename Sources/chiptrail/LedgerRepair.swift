import ArgumentParser
import TrailCrypto
import TrailLedger

struct LedgerRepair: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Move a torn final line (an interrupted append) to a side file; committed lines are never touched.")

    @Argument(help: "The ledger file.") var ledger: String

    func run() async throws {
        try await reporting {
            if let r = try Ledger.repair(path: ledger) {
                print("moved \(r.bytes) torn bytes at offset \(r.offset) to \(r.sideFile); \(ledger) ends at its last complete line")
            } else {
                print("\(ledger) has no torn tail; nothing to repair")
            }
        }
    }
}
