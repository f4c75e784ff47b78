import Foundation
import TrailCrypto

/// Reading a ledger without judging it: records in order, the latest checkpoint, the operator's key.
/// (Use `LedgerVerifier` to check anything.)
public enum LedgerReader {
    /// Calls `body` with every complete, parseable line's record and bytes; unparseable lines are skipped.
    public static func forEach(path: String, _ body: (Record, [UInt8]) throws -> Void) throws {
        let reader = try LineReader(path: path)
        while let item = try reader.next() {
            guard case .line(_, _, let bytes) = item, let r = try? Record.parse(line: bytes) else { continue }
            try body(r, bytes)
        }
    }

    /// The latest checkpoint record (in its cosigned form when a later cosignature record holds one).
    public static func latestCheckpoint(path: String) throws -> CheckpointInfo {
        var latest: CheckpointInfo?
        try forEach(path: path) { r, _ in
            switch r.body {
            case .checkpoint(let note):
                if let cp = try? Checkpoint(text: try SignedNote(parsing: note).text) {
                    latest = CheckpointInfo(seq: r.seq, size: cp.size, root: cp.rootHash.hex, note: note, witnesses: [], witnessNames: [])
                }
            case .cosignature(let seq, let note) where seq == latest?.seq:
                latest?.note = note
            default: break
            }
        }
        guard let latest else {
            throw TrailError("no-checkpoint", "\(path) holds no checkpoint", file: path)
        }
        return latest
    }

    /// The genesis record.
    public static func genesis(path: String) throws -> Record.Genesis {
        let reader = try LineReader(path: path)
        guard case .line(_, _, let bytes)? = try reader.next(), case .genesis(let g) = try Record.parse(line: bytes).body
        else { throw TrailError("missing-genesis", "the first record of \(path) is not genesis", file: path, line: 1, seq: 0) }
        return g
    }

    /// The C2SP verifier key (`name+keyid+base64`) of the genesis operator.
    public static func operatorVerifierKey(path: String) throws -> String {
        let g = try genesis(path: path)
        let cert = try Certificate(der: g.operatorCert)
        return try NoteVerifier(name: g.origin, publicKey: cert.publicKey).verifierKey
    }
}
