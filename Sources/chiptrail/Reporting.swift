import ArgumentParser
import Foundation
import TrailCrypto

/// Exit statuses of DESIGN.md §6.
enum Exit {
    static let ok: Int32 = 0
    static let integrity: Int32 = 1
    static let policy: Int32 = 2
    static let usage: Int32 = 64
    static let malformed: Int32 = 65
    static let io: Int32 = 74
    static let permission: Int32 = 77

    static func code(for category: TrailError.Category) -> Int32 {
        switch category {
        case .integrity: integrity
        case .policy: policy
        case .usage: usage
        case .malformed: malformed
        case .io: io
        case .permission: permission
        }
    }
}

/// Output format shared by every reporting command.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// Runs a command body; a `TrailError` is printed to stderr (text, or JSON with `--format json`) and
/// becomes the exit status of its category.
func reporting(format: OutputFormat = .text, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let e as TrailError {
        printError(e, format: format)
        throw ExitCode(Exit.code(for: e.category))
    }
}

func printError(_ e: TrailError, format: OutputFormat = .text) {
    if format == .json {
        var obj: [String: Any] = ["code": e.code, "message": e.message]
        if let f = e.file { obj["file"] = f }
        if let l = e.line { obj["line"] = l }
        if let s = e.seq { obj["seq"] = s }
        if let r = e.remedy { obj["remedy"] = r }
        if !e.openssl.isEmpty { obj["openssl"] = e.openssl }
        let data = try? JSONSerialization.data(withJSONObject: ["error": obj], options: [.sortedKeys])
        FileHandle.standardError.write((data ?? Data()) + Data("\n".utf8))
    } else {
        stderr("chiptrail: " + e.description)
    }
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
