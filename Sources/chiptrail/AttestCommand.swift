import ArgumentParser
import TrailCrypto

struct AttestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest", abstract: "Sign a statement as a DSSE envelope.")

    func run() async throws {
        try await reporting {
            throw TrailError.usage("not-implemented", "chiptrail attest is not implemented yet")
        }
    }
}
