import Foundation
import TrailCrypto
import TrailLedger

/// `ledger show --seq N`: one record decoded — a statement's type, subject, predicate and signers (instead of the
/// envelope's base64), a certificate's or CRL's fields, a checkpoint's size, root and signers. The decoding reads,
/// it does not verify: signers are named from the certificates the ledger registered before the record, and the
/// output says to run `ledger verify` for a verdict. Text and JSON carry the same facts.
enum RecordDetail {
    /// Certificates the ledger registered (genesis operator and certificate records), by SHA-256 fingerprint, with
    /// the seq of the first record that holds each.
    struct Registered {
        var byFingerprint: [String: (cert: Certificate, seq: Int)] = [:]

        mutating func add(_ r: Record) {
            let der: [UInt8]
            switch r.body {
            case .genesis(let g): der = g.operatorCert
            case .certificate(let cert, _): der = cert
            default: return
            }
            guard let c = try? Certificate(der: der), byFingerprint[c.fingerprint] == nil else { return }
            byFingerprint[c.fingerprint] = (c, r.seq)
        }
    }

    static let notVerified = "decoded, not verified: run `chiptrail ledger verify` for a verdict"

    /// The record as a JSON object.
    static func json(_ r: Record, line: [UInt8], registered: Registered) -> JSONValue {
        var o: JSONObject = [
            "seq": int(r.seq), "time": .string(r.time.text), "type": .string(r.type.rawValue),
            "lineHash": .string(Hex.encode(Digest.sha256(line))), "note": .string(notVerified),
        ]
        if let prev = r.prev { o["prev"] = .string(prev) }
        switch r.body {
        case .genesis(let g):
            o["origin"] = .string(g.origin)
            o["anchors"] = .array(g.anchors.map { .string($0) })
            o["operator"] = certificate(g.operatorCert)
            o["chain"] = .array(g.chain.map(certificate))
        case .certificate(let cert, let chain):
            o["certificate"] = certificate(cert)
            o["chain"] = .array(chain.map(certificate))
        case .crl(let der):
            o["crl"] = crl(der)
        case .checkpoint(let note):
            o["checkpoint"] = checkpoint(note)
        case .cosignature(let seq, let note):
            o["cosigns"] = int(seq)
            o["checkpoint"] = checkpoint(note)
        case .statement(let env):
            o["payloadType"] = .string(env.payloadType)
            do {
                let s = try Statement(payload: env.payload)
                var st: JSONObject = [
                    "type": .string(Statement.type), "predicateType": .string(s.predicateType),
                    "subject": .array(
                        s.subject.map { sub in
                            var digest = JSONObject()
                            for (alg, hex) in sub.digest.sorted(by: { $0.key < $1.key }) { digest[alg] = .string(hex) }
                            return .object(["name": .string(sub.name), "digest": .object(digest)])
                        }),
                    "predicate": s.predicate,
                ]
                if let kind = s.kind { st["kind"] = .string(kind.rawValue) }
                o["statement"] = .object(st)
            } catch {
                o["statement"] = .null
                o["payloadError"] = .string(TrailError.wrap(error).message)
            }
            o["signatures"] = .array(
                env.signatures.map { sig in
                    var entry: JSONObject = ["keyid": .string(sig.keyid)]
                    if let (c, seq) = registered.byFingerprint[sig.keyid.lowercased()], seq < r.seq {
                        var signer = certificateFields(c)
                        signer["registeredAt"] = int(seq)
                        entry["signer"] = .object(signer)
                    } else {
                        entry["signer"] = .null
                    }
                    return .object(entry)
                })
        }
        return .object(o)
    }

    /// The same facts as text: one `key  value` line per scalar, nested keys joined by `.`, every string made safe
    /// for a terminal.
    static func text(_ value: JSONValue) -> String {
        var out = ""
        func emit(_ path: String, _ v: JSONValue) {
            switch v {
            case .object(let o):
                if o.isEmpty { out += line(path, "{}") }
                for m in o { emit(path.isEmpty ? m.key : path + "." + m.key, m.value) }
            case .array(let a):
                if a.isEmpty { out += line(path, "[]") }
                let scalars = a.allSatisfy { if case .object = $0 { false } else if case .array = $0 { false } else { true } }
                if scalars && !a.isEmpty {
                    out += line(path, a.map(scalar).joined(separator: ", "))
                } else {
                    for (i, e) in a.enumerated() { emit("\(path)[\(i)]", e) }
                }
            default:
                out += line(path, scalar(v))
            }
        }
        emit("", value)
        return out
    }

    private static func line(_ key: String, _ value: String) -> String {
        let k = Terminal.safe(key)
        return k + String(repeating: " ", count: max(1, 24 - k.count)) + " " + Terminal.safe(value) + "\n"
    }

    private static func scalar(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): s
        case .null: "(none)"
        default: String(decoding: JCS.serialize(v), as: UTF8.self)
        }
    }

    private static func int(_ n: Int) -> JSONValue { .number(JSONNumber(Int64(n))) }

    private static func certificate(_ der: [UInt8]) -> JSONValue {
        guard let c = try? Certificate(der: der) else { return .object(["error": "the certificate does not parse"]) }
        return .object(certificateFields(c))
    }

    private static func certificateFields(_ c: Certificate) -> JSONObject {
        [
            "subject": .string(c.subject.string), "issuer": .string(c.issuer.string), "serial": .string(c.serialHex),
            "fingerprint": .string(c.fingerprint), "roles": .array(c.roles.map { .string($0.rawValue) }),
            "notBefore": .string(CertificateTime.format(c.notBefore)),
            "notAfter": .string(CertificateTime.format(c.notAfter)), "isCA": .bool(c.isCA),
        ]
    }

    /// At most this many revoked serials are listed (the rest are counted).
    static let maxListedSerials = 100

    private static func crl(_ der: [UInt8]) -> JSONValue {
        guard let c = try? CRL(der: der) else { return .object(["error": "the CRL does not parse"]) }
        let entries = c.entries
        var o: JSONObject = [
            "issuer": .string(c.issuer.string), "thisUpdate": .string(CertificateTime.format(c.thisUpdate)),
            "revokedCount": int(entries.count),
            "revoked": .array(
                entries.prefix(maxListedSerials).map { e in
                    var entry: JSONObject = [
                        "serial": .string(e.serialHex), "date": .string(CertificateTime.format(e.revocationDate)),
                    ]
                    if let reason = e.reason { entry["reason"] = .string(reason.rawValue) }
                    return .object(entry)
                }),
        ]
        if let n = c.crlNumber { o["number"] = int(n) }
        if let next = c.nextUpdate { o["nextUpdate"] = .string(CertificateTime.format(next)) }
        return .object(o)
    }

    private static func checkpoint(_ note: String) -> JSONValue {
        guard let signed = try? SignedNote(parsing: note), let cp = try? Checkpoint(text: signed.text) else {
            return .object(["error": "the checkpoint note does not parse"])
        }
        return .object([
            "origin": .string(cp.origin), "size": int(cp.size), "root": .string(cp.rootHash.hex),
            "signatures": .array(signed.signatures.map { .string($0.name) }),
        ])
    }
}
