import Foundation
import TrailCrypto

/// The verifier's sequential state after some prefix of a ledger: everything needed to check the records that
/// follow with exactly the rules of verification (the sidecar index saves it for append).
struct VerifierState {
    var records: Int
    /// Byte offset just after the last record.
    var bytes: Int64
    var origin: String?
    var prevLineHash: [UInt8]?
    var lastTime: LedgerTime?
    var tree: MerkleAccumulator
    var operatorKeys: [String]
    var lastCheckpointSeq: Int?
    var sawCheckpointRecord: Bool
    var lastNonCosignatureSeq: Int
    var latestCheckpoint: CheckpointInfo?
    var trust: TrustState?
    /// Fingerprints of the trust anchors the verifier was given: a state is only valid for the same anchors.
    var anchors: [String]
    /// Occupied slots of the index's key table.
    var keysUsed = 0
}

/// A MerkleHashSource holding only a compact range, to rebuild a `MerkleAccumulator` from its peaks.
private struct Peaks: MerkleHashSource {
    let size: Int
    let hashes: [Int: MerkleHash]  // keyed by level (one peak per set bit of size)
    func subtreeHash(level: Int, index: Int) throws -> MerkleHash {
        guard let h = hashes[level] else { throw Merkle.outOfRange("no peak at level \(level)") }
        return h
    }
}

extension MerkleAccumulator {
    /// The accumulator of `size` leaves from its peaks (largest first).
    init(size: Int, peaks: [MerkleHash]) throws {
        var byLevel: [Int: MerkleHash] = [:]
        var i = 0
        for level in stride(from: Int.bitWidth - 2, through: 0, by: -1) where size & (1 << level) != 0 {
            guard i < peaks.count else { throw Merkle.outOfRange("too few peaks for size \(size)") }
            byLevel[level] = peaks[i]
            i += 1
        }
        guard i == peaks.count else { throw Merkle.outOfRange("too many peaks for size \(size)") }
        try self.init(source: Peaks(size: size, hashes: byLevel), size: size)
    }
}

// MARK: - JSON form (RFC 8785), as the index stores it

extension VerifierState {
    var json: JSONValue {
        func int(_ i: Int) -> JSONValue { .number(JSONNumber(Int64(i))) }
        func opt(_ v: JSONValue?) -> JSONValue { v ?? .null }
        var o: JSONObject = [
            "records": int(records), "bytes": .number(JSONNumber(bytes)), "origin": opt(origin.map { .string($0) }),
            "prev": opt(prevLineHash.map { .string(Hex.encode($0)) }), "time": opt(lastTime.map { .string($0.text) }),
            "treeSize": int(tree.size), "peaks": .array(tree.peaks.map { .string($0.hex) }),
            "operatorKeys": .array(operatorKeys.map { .string($0) }),
            "lastCheckpoint": opt(lastCheckpointSeq.map(int)), "sawCheckpoint": .bool(sawCheckpointRecord),
            "lastNonCosignature": int(lastNonCosignatureSeq), "anchors": .array(anchors.map { .string($0) }), "keysUsed": int(keysUsed),
        ]
        if let c = latestCheckpoint {
            o["latestCheckpoint"] = .object([
                "seq": int(c.seq), "size": int(c.size), "root": .string(c.root), "note": .string(c.note),
                "witnesses": .array(c.witnesses.map { .string($0) }), "witnessNames": .array(c.witnessNames.map { .string($0) }),
            ])
        }
        if let trust { o["trust"] = trust.json }
        return .object(o)
    }

    init(json v: JSONValue) throws {
        func bad(_ what: String) -> TrailError { TrailError("index-corrupt", "the index state is malformed (\(what))") }
        func int(_ k: String) throws -> Int {
            guard let i = v[k]?.intValue else { throw bad(k) }
            return Int(i)
        }
        func strings(_ k: String, in x: JSONValue? = nil) throws -> [String] {
            guard let a = (x ?? v)[k]?.arrayValue else { throw bad(k) }
            return try a.map { guard let s = $0.stringValue else { throw bad(k) }; return s }
        }
        records = try int("records")
        bytes = Int64(try int("bytes"))
        origin = v["origin"]?.stringValue
        prevLineHash = try v["prev"]?.stringValue.map { guard let h = Hex.decode($0) else { throw bad("prev") }; return h }
        lastTime = try v["time"]?.stringValue.map { guard let t = LedgerTime($0) else { throw bad("time") }; return t }
        let peaks = try strings("peaks").map { guard let h = MerkleHash(hex: $0) else { throw bad("peaks") }; return h }
        tree = try MerkleAccumulator(size: try int("treeSize"), peaks: peaks)
        operatorKeys = try strings("operatorKeys")
        lastCheckpointSeq = v["lastCheckpoint"]?.intValue.map { Int($0) }
        sawCheckpointRecord = v["sawCheckpoint"]?.boolValue ?? false
        lastNonCosignatureSeq = try int("lastNonCosignature")
        anchors = try strings("anchors")
        keysUsed = Int(v["keysUsed"]?.intValue ?? 0)
        if let c = v["latestCheckpoint"], !c.isNull {
            guard let seq = c["seq"]?.intValue, let size = c["size"]?.intValue, let root = c["root"]?.stringValue,
                let note = c["note"]?.stringValue
            else { throw bad("latestCheckpoint") }
            latestCheckpoint = CheckpointInfo(
                seq: Int(seq), size: Int(size), root: root, note: note, witnesses: try strings("witnesses", in: c),
                witnessNames: try strings("witnessNames", in: c))
        }
        if let t = v["trust"], !t.isNull { trust = try TrustState(json: t) }
    }
}

extension TrustState {
    var json: JSONValue {
        // Every certificate once, by fingerprint; the rest refers to fingerprints.
        var pool: [String: Certificate] = [:]
        for a in anchors { pool[a.fingerprint] = a }
        for (fp, c) in authorities { pool[fp] = c }
        for r in certificates.values {
            pool[r.fingerprint] = r.certificate
            for c in r.path { pool[c.fingerprint] = c }
        }
        let registered: [JSONValue] = certificates.values.sorted { $0.seq < $1.seq || ($0.seq == $1.seq && $0.fingerprint < $1.fingerprint) }.map { r in
            .object([
                "fp": .string(r.fingerprint), "path": .array(r.path.map { .string($0.fingerprint) }),
                "seq": .number(JSONNumber(Int64(r.seq))), "from": .number(JSONNumber(r.validFrom.timeIntervalSince1970)),
                "until": .number(JSONNumber(r.validUntil.timeIntervalSince1970)),
                "revokedAt": r.revokedAt.map { .number(JSONNumber(Int64($0))) } ?? .null,
            ])
        }
        let revokedList: [JSONValue] = revoked.sorted { ($0.key.issuer, $0.key.serial) < ($1.key.issuer, $1.key.serial) }.map {
            .object(["issuer": .string($0.key.issuer), "serial": .string($0.key.serial), "seq": .number(JSONNumber(Int64($0.value)))])
        }
        return .object([
            "certs": .object(JSONObject(pool.keys.sorted().map { JSONObject.Member(key: $0, value: .string(Base64.encode(pool[$0]!.der))) })),
            "anchors": .array(anchors.map { .string($0.fingerprint) }),
            "authorities": .array(authorities.keys.sorted().map { .string($0) }),
            "registered": .array(registered), "revoked": .array(revokedList),
        ])
    }

    init(json v: JSONValue) throws {
        func bad(_ what: String) -> TrailError { TrailError("index-corrupt", "the index trust state is malformed (\(what))") }
        guard let certs = v["certs"]?.objectValue else { throw bad("certs") }
        var pool: [String: Certificate] = [:]
        for m in certs.members {
            guard let b = m.value.stringValue, let der = Base64.decodeStandard(b) else { throw bad("certs") }
            let c = try Certificate(der: der)
            guard c.fingerprint == m.key else { throw bad("certificate fingerprint") }
            pool[m.key] = c
        }
        func cert(_ x: JSONValue) throws -> Certificate {
            guard let fp = x.stringValue, let c = pool[fp] else { throw bad("certificate reference") }
            return c
        }
        let anchors = try (v["anchors"]?.arrayValue ?? []).map(cert)
        var authorities: [String: Certificate] = [:]
        for a in v["authorities"]?.arrayValue ?? [] {
            let c = try cert(a)
            authorities[c.fingerprint] = c
        }
        var registered: [String: RegisteredCertificate] = [:]
        for r in v["registered"]?.arrayValue ?? [] {
            guard let fpv = r["fp"], let seq = r["seq"]?.intValue, let from = r["from"]?.doubleValue,
                let until = r["until"]?.doubleValue, let pathv = r["path"]?.arrayValue
            else { throw bad("registered") }
            let c = try cert(fpv)
            registered[c.fingerprint] = try RegisteredCertificate(
                certificate: c, path: try pathv.map(cert), seq: Int(seq), validFrom: Date(timeIntervalSince1970: from),
                validUntil: Date(timeIntervalSince1970: until), revokedAt: r["revokedAt"]?.intValue.map { Int($0) })
        }
        var revoked: [RevocationKey: Int] = [:]
        for e in v["revoked"]?.arrayValue ?? [] {
            guard let i = e["issuer"]?.stringValue, let s = e["serial"]?.stringValue, let q = e["seq"]?.intValue else {
                throw bad("revoked")
            }
            revoked[RevocationKey(issuer: i, serial: s)] = Int(q)
        }
        self.init(anchors: anchors, certificates: registered, authorities: authorities, revoked: revoked)
    }
}
