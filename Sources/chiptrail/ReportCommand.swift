import ArgumentParser
import TrailCrypto

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write an HTML report of a ledger.")

    func run() async throws {
        try await reporting {
            throw TrailError.usage("not-implemented", "chiptrail report is not implemented yet")
        }
    }
}
