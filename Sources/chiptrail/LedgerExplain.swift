import ArgumentParser
import TrailCrypto
import TrailLedger

struct LedgerExplain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Write a shell script that re-checks one record with openssl alone.",
        discussion: """
            With --openssl, prints a POSIX sh script (SPEC.md §12) that re-checks record N using only openssl, sh, \
            coreutils, sed, grep and awk: the line bytes, the prev link, the leaf hash and inclusion proof up to the \
            latest checkpoint, the checkpoint's operator signature and witness cosignatures, every DSSE signature, \
            and the signers' chains at the record's time with the CRLs recorded before it. \
            Run it as `sh check.sh [LEDGER [ROOT.pem]]`; it exits 1 at the first failed step.
            """)

    @Argument(help: "The ledger file.") var ledger: String
    @Option(help: "The record to explain.") var seq: Int
    @Flag(help: "Write the openssl recipe (the only form for now).") var openssl = false
    @Option(help: "Trust anchor to embed (default: the root the genesis chain carries).") var trust: [String] = []

    func validate() throws {
        guard openssl else { throw ValidationError("give --openssl (the only explanation chiptrail writes)") }
        guard seq >= 0 else { throw ValidationError("--seq must be 0 or more") }
    }

    func run() async throws {
        try await reporting {
            let script = try OpenSSLRecipe.script(ledger: ledger, seq: seq, trust: try loadCertificates(trust))
            print(script, terminator: "")
        }
    }
}
