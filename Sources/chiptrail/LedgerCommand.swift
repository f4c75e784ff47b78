import ArgumentParser
import TrailCrypto

struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "Create, append to, verify and prove the ledger.")

    func run() async throws {
        try await reporting {
            throw TrailError.usage("not-implemented", "chiptrail ledger is not implemented yet")
        }
    }
}
