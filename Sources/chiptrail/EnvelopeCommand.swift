import ArgumentParser
import TrailCrypto

struct EnvelopeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envelope", abstract: "Verify DSSE envelopes.")

    func run() async throws {
        try await reporting {
            throw TrailError.usage("not-implemented", "chiptrail envelope is not implemented yet")
        }
    }
}
