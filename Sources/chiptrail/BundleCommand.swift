import ArgumentParser
import TrailCrypto

struct BundleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle", abstract: "Verify proof bundles offline.")

    func run() async throws {
        try await reporting {
            throw TrailError.usage("not-implemented", "chiptrail bundle is not implemented yet")
        }
    }
}
