import ArgumentParser
import TrailCrypto

struct LedgerCosign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cosign", abstract: "Verify the ledger, then cosign its latest checkpoint as a witness (C2SP tlog-cosignature/v1).")

    func run() async throws {
        try await reporting {
            throw TrailError.usage("not-implemented", "chiptrail ledger cosign is not implemented yet")
        }
    }
}
