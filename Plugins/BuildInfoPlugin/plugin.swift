import Foundation
import PackagePlugin

/// Writes `BuildInfo.swift` (the git commit the binary is built from) before every build of the target, so that
/// `chiptrail --version` names it. The file is rewritten only when the commit changes (no rebuild otherwise); outside
/// a git checkout (a source tarball) the commit is "unknown".
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let out = context.pluginWorkDirectoryURL.appending(path: "generated")
        let file = out.appending(path: "BuildInfo.swift").path
        let package = context.package.directoryURL.path
        let script = """
            mkdir -p '\(out.path)'
            commit=$(git -C '\(package)' describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
            text="enum BuildInfo { static let commit = \\"$commit\\" }"
            [ "$(cat '\(file)' 2>/dev/null)" = "$text" ] || printf '%s\\n' "$text" > '\(file)'
            """
        return [
            .prebuildCommand(
                displayName: "Recording the git commit in BuildInfo.swift", executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script], outputFilesDirectory: out)
        ]
    }
}
