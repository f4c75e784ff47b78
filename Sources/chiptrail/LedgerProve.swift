import ArgumentParser
import Foundation
import TrailCrypto
import TrailLedger

struct LedgerProve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove", abstract: "Write a proof bundle for one shipment (records, inclusion proofs, checkpoint).",
        discussion: """
            With --shipment, writes the proof bundle of SPEC.md §4 (verify it with `chiptrail bundle verify`). \
            With --tlog-proof --seq N, writes record N as a C2SP tlog-proof@v1 text whose `extra` line is the \
            base64 of the record's line bytes.
            """)

    @Argument(help: "The ledger file (`-` for stdin), or a published tiles directory or http(s) URL.") var ledger: String
    @Option(help: "The shipment id to prove.") var shipment: String?
    @Option(help: "Prove against the checkpoint record at this seq (default: the latest).") var checkpoint: Int?
    @Flag(name: .customLong("tlog-proof"), help: "Write one record as a C2SP tlog-proof@v1 file (needs --seq).")
    var tlogProof = false
    @Option(help: "With --tlog-proof: the record to prove.") var seq: Int?
    @Option(help: "The file to write.") var out: String
    @OptionGroup var forceOptions: ForceOptions
    @OptionGroup var output: OutputOptions
    var format: OutputFormat { output.format }

    func validate() throws {
        if tlogProof {
            guard seq != nil else { throw ValidationError("--tlog-proof needs --seq N") }
            guard shipment == nil else { throw ValidationError("--tlog-proof proves one record: give --seq, not --shipment") }
        } else {
            guard shipment != nil else { throw ValidationError("give --shipment ID (or --tlog-proof --seq N)") }
        }
    }

    func run() async throws {
        showIndexProgress(ledger, format: format)
        try await reporting(format: format) {
            try forceOptions.checkWritable(out)
            if tlogProof, let seq, let log = try TilesInput.log(ledger) {
                return try Self.writeFromTiles(log, seq: seq, out: out, format: format)
            }
            let input = try TilesInput.open(ledger)  // a file, a pipe, or a tiles location (TilesInput.swift)
            // The private copy of a pipe lives until the command is done with it (not only until `input`'s last use).
            defer { withExtendedLifetime(input) {} }
            let ledger = input.path
            if tlogProof, let seq {
                let proof = try TlogProof.make(ledger: ledger, seq: seq, checkpointSeq: checkpoint)
                try FileIO.writeAtomically(Array(proof.text.utf8), to: out, mode: 0o644, overwrite: forceOptions.force)
                if format == .json {
                    printJSON(["out": out, "index": seq, "proofLength": proof.hashes.count])
                } else {
                    print("wrote \(out): tlog-proof of seq \(seq), \(proof.hashes.count) proof hashes")
                }
                return
            }
            let bundle = try ProofBundle.build(ledger: ledger, shipment: shipment!, checkpointSeq: checkpoint)
            try FileIO.writeAtomically(bundle.serialized, to: out, mode: 0o644, overwrite: forceOptions.force)
            if format == .json {
                printJSON([
                    "out": out, "subject": bundle.subject, "treeSize": bundle.treeSize,
                    "entries": bundle.entries.map(\.seq),
                ])
            } else {
                print(
                    "wrote \(out): \(Terminal.safe(bundle.subject)), \(bundle.entries.count) entries (seq \(bundle.entries.map { String($0.seq) }.joined(separator: ", "))) against the checkpoint of size \(bundle.treeSize)"
                )
            }
        }
    }
}
