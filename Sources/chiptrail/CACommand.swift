import ArgumentParser
import TrailCrypto

struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca", abstract: "Certificate authority: init, issue, revoke, crl.")

    func run() async throws {
        try await reporting {
            throw TrailError.usage("not-implemented", "chiptrail ca is not implemented yet")
        }
    }
}
