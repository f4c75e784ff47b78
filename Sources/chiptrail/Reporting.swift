import ArgumentParser
import Foundation
import TrailCrypto

/// Exit statuses (README.md "Commands", following sysexits(3); the table is in README.md and DESIGN-NOTES.md "Exit status").
enum Exit {
    static let ok: Int32 = 0
    /// Integrity or authenticity failure.
    static let integrity: Int32 = 1
    /// Integrity intact, but a policy violation.
    static let policy: Int32 = 2
    /// EX_USAGE: the command line is wrong (an option, an argument, a value out of range).
    static let usage: Int32 = 64
    /// EX_DATAERR: an input file is malformed (ledger refused by repair, manifest, predicate, policy, certificate,
    /// key, envelope, bundle, checkpoint note).
    static let malformed: Int32 = 65
    /// EX_NOINPUT: an input file does not exist, or is neither a regular file nor a pipe.
    static let noInput: Int32 = 66
    /// EX_IOERR: reading or writing failed.
    static let io: Int32 = 74
    /// EX_NOPERM: not permitted — a wrong passphrase, a file the process may not read or write, a key file others may
    /// read, a witness the ledger has not registered.
    static let permission: Int32 = 77

    static func code(for category: TrailError.Category) -> Int32 { category.exitStatus }

    /// Codes whose exit status depends on where they are thrown: a statement that `attest` refuses to sign because
    /// the predicate or manifest breaks SPEC.md §8.4 is a malformed input file, while the same code on a ledger
    /// record is an integrity finding.
    static let byCode: [String: Int32] = [
        "malformed-predicate": malformed,
        "malformed-manifest": malformed,
        "malformed-envelope": malformed,
    ]

    /// The exit status of a thrown error.
    static func code(for e: TrailError) -> Int32 { byCode[e.code.rawValue] ?? code(for: e.category) }
}

/// Output format shared by every reporting command.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// Runs a command body; a `TrailError` is printed to stderr (text, or JSON with `--format json`) and
/// becomes the exit status of its category (`Exit.code(for:)`).
func reporting(format: OutputFormat = .text, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let e as TrailError {
        let shown = InputFile.renamed(e)
        printError(shown, format: format)
        throw ExitCode(Exit.code(for: shown))
    }
}

func printError(_ e: TrailError, format: OutputFormat = .text) {
    if format == .json {
        var obj: [String: Any] = ["code": e.code.rawValue, "message": e.message]
        if let f = e.file { obj["file"] = f }
        if let l = e.line { obj["line"] = l }
        if let s = e.seq { obj["seq"] = s }
        if let r = e.remedy { obj["remedy"] = r }
        if !e.openssl.isEmpty { obj["openssl"] = e.openssl }
        let data = try? JSONSerialization.data(withJSONObject: ["error": obj], options: [.sortedKeys])
        FileHandle.standardError.write((data ?? Data()) + Data("\n".utf8))
    } else {
        stderr("chiptrail: " + errorText(e))
    }
}

/// `TrailError.description` with every part that may quote a file's contents made safe for a terminal.
func errorText(_ e: TrailError) -> String {
    var s = ""
    if let file = e.file { s += Terminal.safe(file) + ":" }
    if let line = e.line { s += "\(line):" }
    if !s.isEmpty { s += " " }
    if let seq = e.seq { s += "seq \(seq): " }
    s += "error[\(Terminal.safe(e.code.rawValue))]: "
    // A message of several problems (one per line) keeps its line breaks; each line is made safe on its own.
    s += e.message.split(separator: "\n", omittingEmptySubsequences: false).map { Terminal.safe(String($0)) }
        .joined(separator: "\n")
    if !e.openssl.isEmpty { s += " (OpenSSL: " + Terminal.safe(e.openssl.joined(separator: "; ")) + ")" }
    if let remedy = e.remedy { s += "\n  hint: " + Terminal.safe(remedy) }
    return s
}

func stderr(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}

/// Prints a JSON object (sorted keys) to stdout.
func printJSON(_ obj: Any) {
    let data = (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

/// True when stderr is a terminal (progress is shown only then).
var stderrIsTerminal: Bool { isatty(2) == 1 }
