import ArgumentParser
import TrailCrypto

struct LedgerConsistency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consistency", abstract: "Check that a newer checkpoint extends an older one (RFC 6962 consistency proof).")

    func run() async throws {
        try await reporting {
            throw TrailError.usage("not-implemented", "chiptrail ledger consistency is not implemented yet")
        }
    }
}
