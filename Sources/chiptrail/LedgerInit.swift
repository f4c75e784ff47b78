import ArgumentParser
import TrailCrypto
import TrailLedger

struct LedgerInit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a ledger: the genesis record and a first checkpoint.")

    @Argument(help: "The ledger file to create.") var ledger: String
    @Option(help: "The log origin, e.g. ledger.example.gov/h200-2026 (no whitespace, no '+').") var origin: String
    @Option(name: .customLong("operator-key"), help: "The operator's Ed25519 private key.") var operatorKey: String
    @Option(name: .customLong("operator-cert"), help: "The operator's certificate (operator role).") var operatorCert: String
    @Option(help: "Intermediate CA certificates of the operator (PEM, repeatable).") var chain: [String] = []
    @OptionGroup var trustOptions: TrustOptions
    @OptionGroup var keyOptions: KeyFileOptions

    func run() async throws {
        try await reporting {
            let anchors = try trustOptions.anchors(for: "ledger init")
            let key = try loadPrivateKey(operatorKey, keyOptions, purpose: .operatorCheckpoint)
            try Ledger.initialize(
                path: ledger, origin: origin, operatorKey: key, operatorCert: try loadCertificate(operatorCert),
                chain: try loadCertificates(chain), trust: anchors)
            print("created \(ledger) (origin \(origin)): genesis at seq 0, checkpoint at seq 1")
        }
    }
}
