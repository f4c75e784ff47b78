import TrailCrypto

/// A proof bundle (SPEC.md §11): the records one shipment depends on, each with its RFC 6962
/// inclusion proof against one signed checkpoint, verifiable with nothing but the trust anchors.
public struct ProofBundle: Sendable, Equatable {
    /// The bundle's media type.
    public static let mediaType = "application/vnd.chiptrail.bundle.v1+json"

    /// One ledger record with its inclusion proof.
    public struct Entry: Sendable, Equatable {
        /// The record's position (leaf index).
        public var seq: Int
        /// The exact line bytes, without the newline.
        public var line: [UInt8]
        /// The inclusion proof against the checkpoint's tree, leaf sibling first.
        public var proof: [MerkleHash]

        public init(seq: Int, line: [UInt8], proof: [MerkleHash]) {
            self.seq = seq
            self.line = line
            self.proof = proof
        }
    }

    public var origin: String
    /// The checkpoint's signed note (operator signature, and witness cosignatures when there are any).
    public var checkpoint: String
    /// The tree size the checkpoint commits to.
    public var treeSize: Int
    /// `shipment:<id>`.
    public var subject: String
    /// Entries in ascending seq.
    public var entries: [Entry]

    public init(origin: String, checkpoint: String, treeSize: Int, subject: String, entries: [Entry]) {
        self.origin = origin
        self.checkpoint = checkpoint
        self.treeSize = treeSize
        self.subject = subject
        self.entries = entries
    }

    /// The shipment id of `subject`, when it is `shipment:<id>`.
    public var shipmentID: String? {
        subject.hasPrefix("shipment:") ? String(subject.dropFirst("shipment:".count)) : nil
    }

    /// The bundle as JSON (RFC 8785 canonical form; lines and hashes in standard padded base64).
    public var json: JSONValue {
        .object([
            "mediaType": .string(ProofBundle.mediaType),
            "origin": .string(origin),
            "checkpoint": .string(checkpoint),
            "treeSize": .number(JSONNumber(Int64(treeSize))),
            "subject": .string(subject),
            "entries": .array(
                entries.map { e in
                    .object([
                        "seq": .number(JSONNumber(Int64(e.seq))),
                        "line": .string(Base64.encode(e.line)),
                        "proof": .array(e.proof.map { .string($0.base64) }),
                    ])
                }),
        ])
    }

    /// The file bytes: canonical JSON and a final newline.
    public var serialized: [UInt8] { JCS.serialize(json) + [0x0A] }

    /// Parses a bundle file. Errors: `bundle-malformed` (not JSON, a missing or mistyped field, bad base64),
    /// `bundle-media-type` (another media type).
    public init(json bytes: [UInt8]) throws {
        let v: JSONValue
        do {
            v = try JSONParser.parse(bytes, limits: JSONLimits(maxDepth: 16))
        } catch let e as TrailError {
            throw ProofBundle.malformed("the bundle is not valid JSON: \(e.message)")
        }
        guard v.objectValue != nil else { throw ProofBundle.malformed("the bundle is not a JSON object") }
        guard let media = v["mediaType"]?.stringValue else { throw ProofBundle.malformed("mediaType is missing") }
        guard media == ProofBundle.mediaType else {
            throw TrailError.malformed(
                "bundle-media-type", "mediaType is \"\(media)\", not \(ProofBundle.mediaType)")
        }
        guard let origin = v["origin"]?.stringValue else { throw ProofBundle.malformed("origin is missing") }
        guard let checkpoint = v["checkpoint"]?.stringValue else { throw ProofBundle.malformed("checkpoint is missing") }
        guard let size = v["treeSize"]?.intValue, size >= 0, size <= Int64(Int.max) else {
            throw ProofBundle.malformed("treeSize is missing or not a non-negative integer")
        }
        guard let subject = v["subject"]?.stringValue else { throw ProofBundle.malformed("subject is missing") }
        guard let list = v["entries"]?.arrayValue else { throw ProofBundle.malformed("entries is missing") }
        var entries: [Entry] = []
        for (i, e) in list.enumerated() {
            guard let seq = e["seq"]?.intValue, seq >= 0, seq <= Int64(Int.max) else {
                throw ProofBundle.malformed("entries[\(i)].seq is missing or not a non-negative integer")
            }
            guard let lineText = e["line"]?.stringValue, let line = Base64.decodeStandard(lineText),
                Base64.encode(line) == lineText
            else {
                throw ProofBundle.malformed("entries[\(i)].line is not standard padded base64")
            }
            guard let proofList = e["proof"]?.arrayValue else {
                throw ProofBundle.malformed("entries[\(i)].proof is missing")
            }
            var proof: [MerkleHash] = []
            for p in proofList {
                guard let s = p.stringValue, let h = MerkleHash(base64: s) else {
                    throw ProofBundle.malformed("entries[\(i)].proof holds a value that is not base64 of 32 bytes")
                }
                proof.append(h)
            }
            entries.append(Entry(seq: Int(seq), line: line, proof: proof))
        }
        self.init(origin: origin, checkpoint: checkpoint, treeSize: Int(size), subject: subject, entries: entries)
    }

    static func malformed(_ why: String) -> TrailError {
        TrailError.malformed("bundle-malformed", why, remedy: "the file is not a chiptrail proof bundle; ask for it again")
    }
}
