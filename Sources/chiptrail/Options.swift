import ArgumentParser
import Foundation
import TrailCompliance
import TrailCrypto

/// `--trust ROOT.pem`, repeatable: the certificates a verifying command trusts.
struct TrustOptions: ParsableArguments {
    @Option(help: "Trust anchor (root CA certificate), repeatable.") var trust: [String] = []

    /// The anchors; `no-trust-anchor` (usage) when none was given, naming the command that needs them.
    func anchors(for command: String) throws -> [Certificate] {
        guard !trust.isEmpty else {
            throw TrailError.usage("no-trust-anchor", "\(command) needs --trust ROOT.pem (the ledger's root)")
        }
        return try loadCertificates(trust)
    }
}

/// `--policy FILE`: the compliance policy, the built-in H200 rule without one.
struct PolicyOptions: ParsableArguments {
    @Option(help: "A JSON policy file (defaults to the built-in H200 rule).") var policy: String?

    func load() throws -> Policy { try loadPolicy(policy) }
}

/// `--format text|json` of every command that reports.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output format.") var format: OutputFormat = .text
}

/// `--force`: a command that writes files refuses to replace one without it.
struct ForceOptions: ParsableArguments {
    @Flag(help: "Overwrite existing output files.") var force = false

    /// `file-exists` (usage) for the first of `paths` that exists, unless `--force`; checked before any work is done,
    /// so that a refused command changes nothing.
    func checkWritable(_ paths: String?...) throws {
        guard !force else { return }
        for case let path? in paths where FileManager.default.fileExists(atPath: path) {
            throw TrailError.usage("file-exists", "\(path) exists", remedy: "pass --force to replace it").at(file: path)
        }
    }
}
