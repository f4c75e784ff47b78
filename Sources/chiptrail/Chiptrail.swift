import ArgumentParser

@main
struct Chiptrail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chiptrail",
        abstract: "Signed compliance statements in an append-only, Merkle-tree ledger, with an OpenSSL CA.",
        discussion: """
            Exit status: 0 verified; 1 integrity or authenticity failure; 2 integrity intact but policy
            violations; 64 usage error; 65 malformed input; 74 I/O error.
            """,
        version: "0.1.0",
        subcommands: [
            KeyCommand.self, CACommand.self, CSRCommand.self, CertCommand.self, AttestCommand.self,
            EnvelopeCommand.self, LedgerCommand.self, BundleCommand.self, ReportCommand.self, DemoCommand.self,
        ]
    )
}
