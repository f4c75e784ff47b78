import ArgumentParser
import Foundation
import TrailCrypto
import TrailLedger

struct EnvelopeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envelope", abstract: "Verify DSSE envelopes.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify every signature of an envelope against signer certificates chained to a root.")

        @Argument(help: "The envelope file.") var envelope: String
        @Option(help: "Signer certificate (repeatable).") var cert: [String] = []
        @Option(help: "Intermediate CA certificates (repeatable).") var chain: [String] = []
        @OptionGroup var trustOptions: TrustOptions
        @Option(help: "Validate certificates at this time (RFC 3339) instead of now.") var at: String?
        @OptionGroup var output: OutputOptions
        var format: OutputFormat { output.format }

        func run() async throws {
            var failed = false
            try await reporting(format: format) {
                let anchors = try trustOptions.anchors(for: "envelope verify")
                let time: Date
                if let at {
                    guard let t = LedgerTime.parseCLI(at) else { throw TrailError.usage("invalid-time", "--at \(at) is not RFC 3339") }
                    time = t.date
                } else {
                    time = Date()
                }
                let env = try loadEnvelope(envelope)
                let r = EnvelopeCheck.verify(
                    env, certificates: try loadCertificates(cert), chain: try loadCertificates(chain),
                    anchors: anchors, at: time)
                failed = !r.failures.isEmpty
                if format == .json {
                    printJSON([
                        "valid": !failed, "predicateType": r.statement?.statement.predicateType ?? "",
                        "subject": r.statement?.subjectName ?? "", "signers": r.signers.map(\.subject.string),
                        "errors": r.failures.map { ["code": $0.code.rawValue, "message": $0.message] },
                    ])
                } else {
                    for f in r.failures { printError(f.at(file: envelope)) }
                    if !failed {
                        print(Terminal.safe("\(envelope): OK — \(r.statement?.statement.predicateType ?? "") about \(r.statement?.subjectName ?? ""), signed by \(r.signers.map(\.subject.string).joined(separator: "; "))"))
                    }
                }
            }
            if failed { throw ExitCode(Exit.integrity) }
        }
    }
}
