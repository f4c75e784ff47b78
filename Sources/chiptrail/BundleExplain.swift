import ArgumentParser
import TrailCrypto
import TrailLedger

struct BundleExplain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Write a shell script that re-checks one bundle entry with openssl alone.",
        discussion: """
            With --openssl, prints a POSIX sh script (SPEC.md §12) that re-checks the bundle's entry N using only \
            openssl, sh, coreutils, sed, grep and awk; the entry's line, the certificates, CRLs, proof hashes and the \
            checkpoint are embedded. Run it as `sh check.sh [ROOT.pem]`; it exits 1 at the first failed step.
            """)

    @Argument(help: "The bundle file (ledger prove --out).") var bundle: String
    @Option(help: "The entry (seq) to explain.") var seq: Int
    @Flag(help: "Write the openssl recipe (the only form for now).") var openssl = false
    @Option(help: "Trust anchor to embed (default: the root the genesis chain carries).") var trust: [String] = []

    func validate() throws {
        guard openssl else { throw ValidationError("give --openssl (the only explanation chiptrail writes)") }
        guard seq >= 0 else { throw ValidationError("--seq must be 0 or more") }
    }

    func run() async throws {
        try await reporting {
            let parsed: ProofBundle
            do {
                parsed = try ProofBundle(json: try FileIO.read(bundle))
            } catch let e as TrailError {
                throw e.at(file: bundle)
            }
            let script = try OpenSSLRecipe.script(
                bundle: parsed, path: bundle, seq: seq, trust: try loadCertificates(trust))
            print(script, terminator: "")
        }
    }
}
