import TrailCrypto

/// A C2SP `tlog-proof@v1` text: one entry's index, its RFC 6962 inclusion proof and the (co)signed checkpoint,
/// with chiptrail's entry line bytes as the `extra` data.
///
///     c2sp.org/tlog-proof@v1
///     extra <base64 of the line bytes>
///     index <seq>
///     <proof hash, base64>…
///
///     <checkpoint signed note>
public struct TlogProof: Sendable, Equatable {
    public static let header = "c2sp.org/tlog-proof@v1"

    public var index: Int
    public var hashes: [MerkleHash]
    /// The signed checkpoint note.
    public var checkpoint: String
    /// Opaque extra data: for chiptrail, the entry's line bytes.
    public var extra: [UInt8]?

    public init(index: Int, hashes: [MerkleHash], checkpoint: String, extra: [UInt8]?) {
        self.index = index
        self.hashes = hashes
        self.checkpoint = checkpoint
        self.extra = extra
    }

    /// The proof's text.
    public var text: String {
        var s = TlogProof.header + "\n"
        if let extra { s += "extra " + Base64.encode(extra) + "\n" }
        s += "index \(index)\n"
        for h in hashes { s += h.base64 + "\n" }
        return s + "\n" + checkpoint
    }

    /// Parses a proof. Errors: `malformed-tlog-proof`.
    public init(parsing text: String) throws {
        func bad(_ why: String) -> TrailError { TrailError.malformed("malformed-tlog-proof", "malformed tlog-proof: \(why)") }
        guard let blank = text.range(of: "\n\n") else { throw bad("no blank line before the checkpoint") }
        let head = text[..<blank.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        checkpoint = String(text[blank.upperBound...])
        guard head.first == TlogProof.header else { throw bad("the first line is not \(TlogProof.header)") }
        var i = 1
        extra = nil
        if i < head.count, head[i].hasPrefix("extra ") {
            let b64 = String(head[i].dropFirst("extra ".count))
            guard let e = Base64.decodeStandard(b64), Base64.encode(e) == b64 else { throw bad("extra is not standard base64") }
            extra = e
            i += 1
        }
        guard i < head.count, head[i].hasPrefix("index "), let n = Int(head[i].dropFirst("index ".count)), n >= 0,
            String(n) == head[i].dropFirst("index ".count)
        else { throw bad("no index line") }
        index = n
        hashes = []
        for line in head[(i + 1)...] {
            guard let h = MerkleHash(base64: line) else { throw bad("a proof line is not base64 of 32 bytes") }
            hashes.append(h)
        }
    }

    /// Writes the proof of record `seq` against the checkpoint at `checkpointSeq` (the latest when nil),
    /// in its cosigned form when the ledger holds cosignatures for it.
    /// Errors: `unknown-checkpoint`, `no-checkpoint`, `seq-out-of-range`; with `.index`, `index-unusable`.
    public static func make(
        ledger path: String, seq: Int, checkpointSeq: Int? = nil, source: ProofSource = .automatic
    ) throws -> TlogProof {
        let (scan, index) = try LedgerScan.load(
            path: path, shipment: nil, keepSeq: seq, checkpointSeq: checkpointSeq, source: source)
        let (_, note) = try scan.checkpoint(checkpointSeq, path: path)
        let cp = try Checkpoint(text: try SignedNote(parsing: note).text)
        guard seq >= 0, seq < cp.size, let line = scan.lines[seq] else {
            throw TrailError.usage(
                "seq-out-of-range", "seq \(seq) is not a record committed by the checkpoint (tree size \(cp.size))")
        }
        let source = try LedgerProofs.hashSource(forLedger: path, index: index, upTo: cp.size)
        return TlogProof(index: seq, hashes: try source.inclusionProof(index: seq, size: cp.size), checkpoint: note, extra: line)
    }

    /// True when the `extra` line bytes are leaf `index` of the checkpoint's tree (the checkpoint's
    /// signatures are not checked here).
    public func verifiesInclusion() -> Bool {
        guard let extra, let cp = try? Checkpoint(text: try SignedNote(parsing: checkpoint).text) else { return false }
        return Merkle.verifyInclusion(leafHash: Merkle.leafHash(extra), index: index, size: cp.size, proof: hashes, root: cp.rootHash)
    }
}
