import ArgumentParser
import TrailCompliance
import TrailCrypto

struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (2020-12) of the manifest or of a predicate kind.",
        discussion: "KIND: " + Schemas.kinds.joined(separator: ", ")
            + ". The same text is in the repository's schemas/.")

    @Argument(help: "The manifest or a predicate kind.") var kind: SchemaKind

    func run() async throws {
        try await reporting {
            guard let text = Schemas.text(for: kind.name) else {
                throw TrailError.usage(
                    "unknown-kind", "no schema for \(kind.name)", remedy: "one of " + Schemas.kinds.joined(separator: ", "))
            }
            print(text, terminator: "")
        }
    }
}
