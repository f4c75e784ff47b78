import ArgumentParser
import TrailCrypto

struct CertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert", abstract: "Show and verify certificates.")

    func run() async throws {
        try await reporting {
            throw TrailError.usage("not-implemented", "chiptrail cert is not implemented yet")
        }
    }
}
