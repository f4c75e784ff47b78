import ArgumentParser
import TrailCrypto

@main
struct Chiptrail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chiptrail",
        abstract: "Signed compliance statements in an append-only, Merkle-tree ledger, with an OpenSSL CA.",
        discussion: """
            Exit status (sysexits): 0 verified; 1 integrity or authenticity failure; 2 integrity intact but \
            policy violations; 64 usage error; 65 malformed input file; 66 input file missing (or neither a file \
            nor a pipe); 74 I/O error; 77 not permitted (wrong passphrase, key file others can read, unreadable \
            file, witness not registered). A ledger or bundle argument may be `-` (stdin) or a pipe.
            """,
        version: "chiptrail \(Chiptrail.version) (commit \(BuildInfo.commit); \(OpenSSLVersion.text))",
        subcommands: [
            KeyCommand.self, CACommand.self, CSRCommand.self, CertCommand.self, AttestCommand.self,
            EnvelopeCommand.self, LedgerCommand.self, BundleCommand.self, ReportCommand.self, DemoCommand.self, SchemaCommand.self,
        ]
    )

    /// The release; `--version` adds the git commit of the build and the OpenSSL library in use.
    static let version = "0.1.0"

    /// ArgumentParser's `main`, except that the envelope files of `ledger append` are taken aside before parsing
    /// and handed to the parsed command: ArgumentParser spends O(n²) on n values of one repeating positional argument
    /// (each value merges every earlier value's input origins again), 0.45 s for a 3,000-envelope bulk append.
    static func main() async {
        let (arguments, envelopes) = LedgerAppend.takeEnvelopeFiles(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try await asyncParseAsRoot(arguments)
            if var append = command as? LedgerAppend {
                append.envelopes += envelopes
                command = append
            }
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
