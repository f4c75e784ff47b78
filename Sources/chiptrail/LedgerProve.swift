import ArgumentParser
import TrailCrypto

struct LedgerProve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove", abstract: "Write a proof bundle for one shipment (records, inclusion proofs, checkpoint).")

    func run() async throws {
        try await reporting {
            throw TrailError.usage("not-implemented", "chiptrail ledger prove is not implemented yet")
        }
    }
}
