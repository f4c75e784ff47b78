import Foundation
import TrailCrypto

/// Follows a published log (`ledger monitor`): each run fetches the checkpoint, proves it consistent with the last
/// one seen, fetches only the entries added since, verifies the ledger and reports new and changed shipment
/// statuses. State lives in one directory:
///
///     checkpoint        the last checkpoint seen (signed note)
///     ledger.jsonl      the published lines up to its tree size, each checked against tiles and root
///     statuses.json     shipment id → status at that checkpoint
///     verify.state      the verifier's state after those lines (`ledger verify --state`; the CLI's verifier)
///     evidence/<time>/  old.checkpoint and new.checkpoint of an inconsistency (split view, rewritten history)
///
/// The state is derived data: lines that no longer hash to the saved checkpoint's root are fetched again.
public enum TileMonitor {
    /// What a verification of the reassembled ledger found.
    public struct Verdict: Sendable {
        public var integrityOK: Bool
        /// Shipment id → status (`compliant`, `pending`, `violation`, …).
        public var statuses: [String: String]
        /// One line per integrity error (`seq N: [code] message`), for the report.
        public var errors: [String]
        /// Records verified by earlier runs that this one resumed after (nil: verified in full).
        public var resumedFrom: Int?

        public init(integrityOK: Bool, statuses: [String: String], errors: [String], resumedFrom: Int? = nil) {
            self.integrityOK = integrityOK
            self.statuses = statuses
            self.errors = errors
            self.resumedFrom = resumedFrom
        }
    }

    /// The one plug point for verification: given the reassembled ledger (its tree lines, then the tail) and the
    /// number of lines already verified by earlier runs, verify it. The CLI passes incremental verification
    /// (`IncrementalVerifier`, as `ledger verify --state`) resuming after the previous run's verifier state.
    public typealias Verifier = (_ ledger: String, _ verifiedBefore: Int) throws -> Verdict

    /// A shipment whose status is new or changed since the last run.
    public struct Change: Sendable, Equatable {
        public var shipment: String
        public var old: String?
        public var new: String
    }

    /// The result of one run.
    public struct Outcome: Sendable {
        public var previousSize: Int?
        public var size: Int
        public var root: MerkleHash
        public var newEntries: Int
        public var verdict: Verdict
        public var changes: [Change]
        /// The paths fetched from the log.
        public var fetched: Int
    }

    /// One monitoring run. Errors: `inconsistent-with-checkpoint` (both checkpoints kept under
    /// `state/evidence/`), `checkpoint-signature-invalid`, `tiles-mismatch`, `tiles-missing`, `tiles-fetch-failed`.
    public static func run(log: TileLog, state: String, verifier: Verifier) throws -> Outcome {
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let (note, cp) = try log.checkpoint()
        let savedNotePath = state + "/checkpoint"
        let ledgerPath = state + "/ledger.jsonl"
        var old: (note: String, cp: Checkpoint)?
        if let bytes = try? FileIO.read(savedNotePath) {
            let text = String(decoding: bytes, as: UTF8.self)
            old = (text, try Checkpoint(text: try SignedNote(parsing: text).text))
        }
        if let old {
            do {
                _ = try log.proveConsistent(old: old.cp, new: cp)
            } catch let e as TrailError where e.code == "inconsistent-with-checkpoint" {
                let dir = try keepEvidence(state: state, old: old.note, new: note)
                var signed = ""
                if FileManager.default.fileExists(atPath: ledgerPath) {
                    let ok = (try? SignedNote(parsing: note).verify(using: operatorVerifiers(ledger: ledgerPath))) != nil
                    signed = ok ? " The new checkpoint carries a valid operator signature." : " The new checkpoint is not signed by a known operator key."
                }
                throw TrailError(
                    "inconsistent-with-checkpoint", e.message + "." + signed,
                    remedy: "both signed checkpoints are kept in \(dir) as evidence", file: dir)
            }
        }

        // Lines already checked: they must still hash to the saved checkpoint's root, else start again.
        var accumulator = MerkleAccumulator()
        let work = state + "/work.jsonl"
        unlink(work)
        guard let out = FileHandle(forWritingAtPath: work) ?? {
            FileManager.default.createFile(atPath: work, contents: nil, attributes: [.posixPermissions: 0o600])
            return FileHandle(forWritingAtPath: work)
        }() else { throw TrailError.io("cannot create \(work)", file: work) }
        defer { try? out.close() }
        if let old, FileManager.default.fileExists(atPath: ledgerPath) {
            let reader = try LineReader(path: ledgerPath)
            var lines: [[UInt8]] = []
            while accumulator.size < old.cp.size, let item = try reader.next() {
                guard case .line(_, _, let b) = item else { break }
                accumulator.append(entry: b)
                lines.append(b)
                if lines.count == 4096 {
                    out.write(Data(lines.flatMap { $0 + [0x0A] }))
                    lines.removeAll(keepingCapacity: true)
                }
            }
            out.write(Data(lines.flatMap { $0 + [0x0A] }))
            if accumulator.size != old.cp.size || accumulator.root != old.cp.rootHash {
                accumulator = MerkleAccumulator()
                try out.truncate(atOffset: 0)
                try out.seek(toOffset: 0)
            }
        }
        let verifiedBefore = accumulator.size
        let fetchedBefore = log.fetched.count
        try log.reassemble(checkpoint: cp, from: verifiedBefore, accumulator: &accumulator) { out.write(Data($0)) }
        let treeEnd = try out.offset()
        for line in try log.tail(note: note, checkpoint: cp) { out.write(Data(line + [0x0A])) }
        try out.synchronize()

        do {
            _ = try SignedNote(parsing: note).verify(using: operatorVerifiers(ledger: work))
        } catch let e as TrailError {
            throw TrailError(
                "checkpoint-signature-invalid",
                "the published checkpoint (size \(cp.size)) is not signed by an operator key of the log: \(e.message)")
        }
        let verdict = try verifier(work, verifiedBefore)
        let statusesPath = state + "/statuses.json"
        var previous: [String: String] = [:]
        if let d = FileManager.default.contents(atPath: statusesPath),
            let o = try? JSONSerialization.jsonObject(with: d) as? [String: String]
        {
            previous = o
        }
        let changes = verdict.statuses.keys.sorted().compactMap { id -> Change? in
            let new = verdict.statuses[id]!
            return previous[id] == new ? nil : Change(shipment: id, old: previous[id], new: new)
        }
        let outcome = Outcome(
            previousSize: old?.cp.size, size: cp.size, root: cp.rootHash, newEntries: cp.size - (old?.cp.size ?? 0),
            verdict: verdict, changes: changes, fetched: log.fetched.count - fetchedBefore)
        guard verdict.integrityOK else { return outcome }
        // Advance the state: the tree lines, then the statuses, then the checkpoint (last, as it names the rest).
        try out.truncate(atOffset: treeEnd)
        try out.synchronize()
        guard rename(work, ledgerPath) == 0 else { throw TrailError.io("cannot rename into \(ledgerPath): \(FileIO.errnoText())") }
        let json = try JSONSerialization.data(withJSONObject: verdict.statuses, options: [.sortedKeys])
        try FileIO.writeAtomically([UInt8](json) + [0x0A], to: statusesPath, mode: 0o644, overwrite: true)
        try FileIO.writeAtomically(Array(note.utf8), to: savedNotePath, mode: 0o644, overwrite: true)
        return outcome
    }

    static func keepEvidence(state: String, old: String, new: String) throws -> String {
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        var dir = state + "/evidence/" + stamp
        var n = 1
        while FileManager.default.fileExists(atPath: dir) {
            n += 1
            dir = state + "/evidence/\(stamp)-\(n)"
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileIO.writeAtomically(Array(old.utf8), to: dir + "/old.checkpoint", mode: 0o644, overwrite: false)
        try FileIO.writeAtomically(Array(new.utf8), to: dir + "/new.checkpoint", mode: 0o644, overwrite: false)
        return dir
    }

    /// The operator keys a ledger names: the genesis operator and operator-role Ed25519 certificate records (their
    /// chains are for the verifier to judge).
    static func operatorVerifiers(ledger path: String) throws -> [NoteVerifier] {
        let genesis = try LedgerReader.genesis(path: path)
        var keys: [PublicKey] = [try Certificate(der: genesis.operatorCert).publicKey]
        try LedgerReader.forEach(path: path) { r, _ in
            if case .certificate(let der, _) = r.body, let c = try? Certificate(der: der), c.roles.contains(.operator),
                let k = try? c.publicKey, k.algorithm == .ed25519
            {
                keys.append(k)
            }
        }
        return keys.compactMap { try? NoteVerifier(name: genesis.origin, publicKey: $0) }
    }
}
