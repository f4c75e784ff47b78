import ArgumentParser
import TrailCrypto

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Build a PKI and a sample ledger, then verify it.")

    func run() async throws {
        try await reporting {
            throw TrailError.usage("not-implemented", "chiptrail demo is not implemented yet")
        }
    }
}
