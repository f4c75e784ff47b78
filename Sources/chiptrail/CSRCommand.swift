import ArgumentParser
import TrailCrypto

struct CSRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csr", abstract: "Create a certificate signing request.")

    func run() async throws {
        try await reporting {
            throw TrailError.usage("not-implemented", "chiptrail csr is not implemented yet")
        }
    }
}
