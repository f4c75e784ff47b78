import Foundation
import TrailCrypto
import TrailLedger

/// A ledger with the exporter registered, plus the operator key and root certificate as files, for tests that
/// drive the CLI (or several processes) against one ledger.
public struct CLILedgerFixture {
    public let pki: PartyPKI
    public let dir: TempDir
    public let ledger: String
    /// The operator's key, unencrypted, mode 0600.
    public let operatorKey: String
    public let root: String

    public init() throws {
        pki = try PartyPKI()
        dir = TempDir()
        ledger = dir.file("ledger.jsonl")
        try pki.initializeLedger(at: ledger)
        _ = try Ledger.append(
            path: ledger, operatorKey: pki.operatorParty.key,
            items: [.certificate(pki.exporter.cert, chain: [pki.intermediate])], time: Samples.time(1))
        operatorKey = try dir.write("operator.key", try pki.operatorParty.key.pem(passphrase: nil), mode: 0o600)
        root = try dir.write("root.pem", pki.root.pem)
    }
}
