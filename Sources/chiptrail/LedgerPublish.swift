import ArgumentParser
import Foundation
import TrailCrypto
import TrailLedger

struct LedgerPublish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish the ledger as C2SP tlog-tiles (checkpoint, hash tiles, entry bundles) for static serving.",
        discussion: """
            Writes the tree of the latest checkpoint into DIR: DIR/checkpoint (cosigned), DIR/tile/<L>/<N>[.p/<W>], \
            DIR/tile/entries/<N>[.p/<W>], lines over 65,535 bytes as DIR/tile/entries/large/<sha256>, and \
            DIR/tail.jsonl (the checkpoint record and its cosignatures). Run it again after an append: only new \
            files are written, atomically, the checkpoint last. A directory holding another history is refused \
            (tiles-mismatch). Serve DIR as static files (README "Serving tiles").
            """)

    @Argument(help: "The ledger file.") var ledger: String
    @Option(help: "The directory to publish into (created if missing).") var tiles: String
    @OptionGroup var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() async throws {
        try await reporting(format: format) {
            let input = try InputFile(ledger)
            defer { withExtendedLifetime(input) {} }
            let r = try TilePublisher.publish(ledger: input.path, to: tiles)
            if format == .json {
                printJSON([
                    "tiles": tiles, "treeSize": r.treeSize, "root": r.root.hex, "written": r.written,
                    "unchanged": r.unchanged, "largeEntries": r.largeEntries,
                ])
            } else {
                print(
                    "published \(Terminal.safe(input.name)) to \(Terminal.safe(tiles)): tree size \(r.treeSize), root \(r.root.hex); \(r.written.count) files written, \(r.unchanged) unchanged, \(r.largeEntries) large entries"
                )
            }
        }
    }
}
