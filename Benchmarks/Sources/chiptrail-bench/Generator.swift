import Dispatch
import Foundation
import TrailCrypto
import TrailLedger

/// A signer of the benchmark PKI.
struct Party: Sendable {
    let name: String
    let key: PrivateKey
    let cert: Certificate
}

/// The benchmark PKI: root → intermediate → operator and one leaf per (role, algorithm), so that statements are
/// signed half with Ed25519 and half with ECDSA P-256.
struct BenchPKI: Sendable {
    static let notBefore = ISO8601DateFormatter().date(from: "2026-01-01T00:00:00Z")!
    static let notAfter = ISO8601DateFormatter().date(from: "2029-12-31T00:00:00Z")!
    static let partyNames = [
        "regulator", "exporter-ed25519", "exporter-p256", "lab-ed25519", "lab-p256", "customs-ed25519", "customs-p256",
    ]

    let root: Certificate
    let intermediate: Certificate
    let intermediateKey: PrivateKey
    let operatorParty: Party
    let parties: [String: Party]

    static func create() throws -> (BenchPKI, rootKey: PrivateKey) {
        let rootKey = try PrivateKey.generate(.ed25519)
        let root = try CertificateBuilder.selfSignedRoot(
            subject: try DistinguishedName(parsing: "CN=Bench Root CA,O=Chiptrail Bench,C=US"), key: rootKey,
            notBefore: notBefore, notAfter: notAfter)
        let ik = try PrivateKey.generate(.ed25519)
        let ic = try CertificateBuilder.caCertificate(
            subject: try DistinguishedName(parsing: "CN=Bench Issuing CA,O=Chiptrail Bench,C=US"), publicKey: ik.publicKey,
            issuer: root, issuerKey: rootKey, notBefore: notBefore, notAfter: notAfter)
        func leaf(_ name: String, _ role: Role, _ alg: KeyAlgorithm, _ dn: String) throws -> Party {
            let k = try PrivateKey.generate(alg)
            let c = try CertificateBuilder.leaf(
                subject: try DistinguishedName(parsing: dn), publicKey: k.publicKey, roles: [role], issuer: ic,
                issuerKey: ik, notBefore: notBefore, notAfter: notAfter)
            return Party(name: name, key: k, cert: c)
        }
        let op = try leaf("operator", .operator, .ed25519, "CN=Ledger Operator,O=Trade Ledger Office,C=US")
        var parties: [String: Party] = [:]
        for p in [
            try leaf("regulator", .regulator, .ed25519, "CN=BIS Licensing,O=Bureau of Industry and Security,C=US"),
            try leaf("exporter-ed25519", .exporter, .ed25519, "CN=Export Officer,O=Nvidia Export LLC,C=US"),
            try leaf("exporter-p256", .exporter, .p256, "CN=Export Officer 2,O=Nvidia Export LLC,C=US"),
            try leaf("lab-ed25519", .lab, .ed25519, "CN=Lab Signer,O=Qualified Test Lab Inc,C=US"),
            try leaf("lab-p256", .lab, .p256, "CN=Lab Signer 2,O=Qualified Test Lab Inc,C=US"),
            try leaf("customs-ed25519", .customs, .ed25519, "CN=Customs Officer,O=GACC Shanghai,C=CN"),
            try leaf("customs-p256", .customs, .p256, "CN=Customs Officer 2,O=GACC Shanghai,C=CN"),
        ] {
            parties[p.name] = p
        }
        return (BenchPKI(root: root, intermediate: ic, intermediateKey: ik, operatorParty: op, parties: parties), rootKey)
    }

    func save(to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir + "/parties", withIntermediateDirectories: true)
        func write(_ text: String, _ path: String, _ mode: Int) throws {
            FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        }
        try write(root.pem, dir + "/root.pem", 0o644)
        try write(intermediate.pem, dir + "/intermediate.pem", 0o644)
        try write(try intermediateKey.pem(passphrase: nil), dir + "/intermediate.key", 0o600)
        try write(try operatorParty.key.pem(passphrase: nil), dir + "/operator.key", 0o600)
        try write(operatorParty.cert.pem, dir + "/operator.pem", 0o644)
        for p in parties.values {
            try write(try p.key.pem(passphrase: nil), dir + "/parties/\(p.name).key", 0o600)
            try write(p.cert.pem, dir + "/parties/\(p.name).pem", 0o644)
        }
    }

    static func load(from dir: String) throws -> BenchPKI {
        func cert(_ p: String) throws -> Certificate { try Certificate(pem: try String(contentsOfFile: dir + "/" + p, encoding: .utf8)) }
        func key(_ p: String) throws -> PrivateKey {
            try PrivateKey(pem: try String(contentsOfFile: dir + "/" + p, encoding: .utf8), passphrase: nil)
        }
        var parties: [String: Party] = [:]
        for n in partyNames {
            parties[n] = Party(name: n, key: try key("parties/\(n).key"), cert: try cert("parties/\(n).pem"))
        }
        return BenchPKI(
            root: try cert("root.pem"), intermediate: try cert("intermediate.pem"), intermediateKey: try key("intermediate.key"),
            operatorParty: Party(name: "operator", key: try key("operator.key"), cert: try cert("operator.pem")),
            parties: parties)
    }
}

/// What one statement record says; turned into a signed envelope in parallel.
enum Item: Sendable {
    case license(Int)
    case supply(Int)
    case lab(Int)
    case customs(Int)
    case checkpoint
}

/// Realistic predicates of SPEC.md §8.4 for shipment `s`.
enum Statements {
    static let shipmentsPerLicense = 100
    static let unitsPerShipment = 8

    static func licenseNumber(_ l: Int) -> String { "LIC-2026-\(String(format: "%05d", l))" }

    static func manifest(_ s: Int, tag: String) -> [UInt8] {
        let id = "SHP-\(tag)\(s)"
        let serials = (1...unitsPerShipment).map { "\"H200-\(id)-\($0)\"" }.joined(separator: ",")
        return Array(
            """
            {"shipmentId":"\(id)","exporter":"Nvidia Export LLC","license":"\(licenseNumber(s / shipmentsPerLicense))",\
            "consignee":"Shanghai AI Compute Co","endUser":"Shanghai AI Compute Co","destination":"CN","product":"NVIDIA H200 SXM",\
            "eccn":"3A090.a","hsCode":"8473.30","quantity":\(unitsPerShipment),"serials":[\(serials)],\
            "declared":{"tpp":15832,"dramBandwidthGBps":4800,"memoryGB":141}}
            """.utf8)
    }

    static func json(_ text: String) -> JSONValue { try! JSONParser.parse(Array(text.utf8)) }

    static func license(_ l: Int) -> JSONValue {
        json(
            """
            {"license":"\(licenseNumber(l))","exporter":"Nvidia Export LLC","consignee":"Shanghai AI Compute Co","destination":"CN",\
            "product":"NVIDIA H200 SXM","maxQuantity":\(shipmentsPerLicense * unitsPerShipment * 2),"validFrom":"2026-01-15T00:00:00Z",\
            "validUntil":"2028-01-15T00:00:00Z","conditions":["KYC of remote access","no military end use"]}
            """)
    }

    static func supply(_ s: Int) -> JSONValue {
        json(
            """
            {"license":"\(licenseNumber(s / shipmentsPerLicense))","quantity":\(unitsPerShipment),"destination":"CN",\
            "usUnitsShipped":1000000000,"usUnfilledOrders":0,"certification":"US supply is sufficient; no US order is delayed and no \
            capacity is diverted.","officer":"Export Officer","signedAt":"2026-03-01T00:00:00Z"}
            """)
    }

    static func lab(_ s: Int, tag: String) -> JSONValue {
        json(
            """
            {"lab":"Qualified Test Lab Inc","accreditation":"ISO/IEC 17025 #1234.01","reportId":"RPT-\(tag)\(s)",\
            "method":"MLPerf-derived TPP and STREAM bandwidth","sampling":"2 of \(unitsPerShipment)",\
            "unitsTested":["H200-SHP-\(tag)\(s)-1","H200-SHP-\(tag)\(s)-2"],\
            "measured":{"tpp":15830,"dramBandwidthGBps":4795,"memoryGB":141,"firmware":"96.00.8A.00.01"},\
            "result":"pass","testedAt":"2026-03-02T00:00:00Z","location":"San Jose, CA"}
            """)
    }

    static func customs(_ s: Int) -> JSONValue {
        json(
            """
            {"authority":"GACC","port":"Shanghai Pudong","declaration":"DEC-\(s)","hsCode":"8473.30","decision":"released",\
            "reason":"documents complete; lab report verified","decidedAt":"2026-03-05T00:00:00Z"}
            """)
    }

    /// The envelope for `item`, and whether its signer is Ed25519.
    static func envelope(_ item: Item, pki: BenchPKI, tag: String = "") throws -> (Envelope, ed25519: Bool) {
        let kind: PredicateKind
        let predicate: JSONValue
        var manifestBytes: [UInt8]? = nil
        let signer: Party
        switch item {
        case .license(let l):
            (kind, predicate, signer) = (.exportLicense, license(l), pki.parties["regulator"]!)
        case .supply(let s):
            (kind, predicate, signer) = (.supplySufficiency, supply(s), pki.parties[s % 2 == 0 ? "exporter-ed25519" : "exporter-p256"]!)
            manifestBytes = manifest(s, tag: tag)
        case .lab(let s):
            (kind, predicate, signer) = (.labTest, lab(s, tag: tag), pki.parties[s % 2 == 1 ? "lab-ed25519" : "lab-p256"]!)
            manifestBytes = manifest(s, tag: tag)
        case .customs(let s):
            (kind, predicate, signer) = (.customsDecision, customs(s), pki.parties[s % 2 == 0 ? "customs-ed25519" : "customs-p256"]!)
            manifestBytes = manifest(s, tag: tag)
        case .checkpoint:
            fatalError("a checkpoint is not a statement")
        }
        let payload = try Attestation.payload(kind: kind, manifest: manifestBytes, predicate: predicate)
        let env = try Envelope(payload: payload).signed(by: signer.key, keyid: signer.cert.fingerprint)
        return (env, signer.key.algorithm == .ed25519)
    }
}

/// `@unchecked Sendable`: each slot is written by exactly one `concurrentPerform` iteration.
final class Slots<T>: @unchecked Sendable {
    var items: [T?]
    init(_ n: Int) { items = Array(repeating: nil, count: n) }
}

struct Generator {
    let dir: String

    func generate(records: Int, checkpointEvery: Int) throws {
        let t0 = Date()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/ledger.jsonl"
        for suffix in ["", ".idx", ".idx.hashes", ".idx.records", ".idx.keys"] { unlink(path + suffix) }
        let (pki, _) = try BenchPKI.create()
        try pki.save(to: dir)
        let start = LedgerTime(date: Date().addingTimeInterval(-Double(records) - 86_400))
        @Sendable func time(_ seq: Int) -> LedgerTime { LedgerTime(date: start.date.addingTimeInterval(Double(seq))) }
        try Ledger.initialize(
            path: path, origin: "ledger.bench.example/h200", operatorKey: pki.operatorParty.key,
            operatorCert: pki.operatorParty.cert, chain: [pki.intermediate], trust: [pki.root], time: time(0))

        // Continue the file the library wrote: the chain and tree state of its two lines.
        var tree = MerkleAccumulator()
        var prev: [UInt8] = []
        LedgerReaderLines.each(path) { line in
            tree.append(leafHash: Merkle.leafHash(line))
            prev = Digest.sha256(line)
        }
        guard let out = FileHandle(forWritingAtPath: path) else { fail("cannot open \(path)") }
        out.seekToEndOfFile()
        var pending: [UInt8] = []
        var seq = tree.size
        func emit(_ line: [UInt8]) {
            pending += line
            pending.append(0x0A)
            tree.append(leafHash: Merkle.leafHash(line))
            prev = Digest.sha256(line)
            seq += 1
            if pending.count > 8 << 20 {
                out.write(Data(pending))
                pending.removeAll(keepingCapacity: true)
            }
        }
        func record(_ body: Record.Body) -> [UInt8] {
            Record(seq: seq, time: time(seq), prev: Hex.encode(prev), body: body).line
        }
        func checkpoint() throws {
            let note = try Checkpoint(origin: "ledger.bench.example/h200", size: seq, rootHash: tree.root)
                .signedNote(by: pki.operatorParty.key)
            emit(record(.checkpoint(note: note)))
        }
        // Registration batch: every party's certificate, an (empty) CRL of the issuing CA, a checkpoint.
        for n in BenchPKI.partyNames {
            emit(record(.certificate(cert: pki.parties[n]!.cert.der, chain: [pki.intermediate.der])))
        }
        let crl = try CRLBuilder.build(
            issuer: pki.intermediate, issuerKey: pki.intermediateKey, revoked: [], crlNumber: 1,
            thisUpdate: BenchPKI.notBefore, nextUpdate: BenchPKI.notAfter)
        emit(record(.crl(crl.der)))
        try checkpoint()

        // The plan: per shipment supply, lab, customs; a license before every 100 shipments; a checkpoint
        // closing every batch of `checkpointEvery` records; the last record is a checkpoint.
        var plan: [Item] = []
        plan.reserveCapacity(records)
        var s = 0
        var planned = seq
        func add(_ i: Item) {
            plan.append(i)
            planned += 1
            if (planned + 1) % checkpointEvery == 0 {
                plan.append(.checkpoint)
                planned += 1
            }
        }
        while planned < records - 1 {
            if s % Statements.shipmentsPerLicense == 0 { add(.license(s / Statements.shipmentsPerLicense)) }
            add(.supply(s))
            add(.lab(s))
            add(.customs(s))
            s += 1
        }
        if case .checkpoint? = plan.last {} else { plan.append(.checkpoint) }

        var ed = 0
        var p256 = 0
        var statements = 0
        var checkpoints = 2
        let block = 16_384
        var i = 0
        while i < plan.count {
            let chunk = Array(plan[i..<min(plan.count, i + block)])
            let base = seq
            // Parallel: sign and serialise with a placeholder prev; sequential: patch prev, hash, write.
            let slots = Slots<([UInt8], Bool)>(chunk.count)
            let firstError = Slots<Error>(1)
            DispatchQueue.concurrentPerform(iterations: (chunk.count + 63) / 64) { c in
                for k in (c * 64)..<min(chunk.count, (c + 1) * 64) {
                    if case .checkpoint = chunk[k] { continue }
                    do {
                        let (env, isEd) = try Statements.envelope(chunk[k], pki: pki)
                        let line = Record(
                            seq: base + k, time: time(base + k), prev: String(repeating: "0", count: 64), body: .statement(env)
                        ).line
                        slots.items[k] = (line, isEd)
                    } catch {
                        firstError.items[0] = error
                    }
                }
            }
            if let e = firstError.items[0] { throw e }
            let marker = Array("\"prev\":\"".utf8)
            for k in chunk.indices {
                if case .checkpoint = chunk[k] {
                    try checkpoint()
                    checkpoints += 1
                    continue
                }
                var (line, isEd) = slots.items[k]!
                let at = lastRange(of: marker, in: line)! + marker.count
                let hex = Array(Hex.encode(prev).utf8)
                line.replaceSubrange(at..<(at + 64), with: hex)
                emit(line)
                statements += 1
                if isEd { ed += 1 } else { p256 += 1 }
            }
            i += block
        }
        out.write(Data(pending))
        try out.synchronize()
        try out.close()
        let meta: [String: Any] = [
            "records": seq, "statements": statements, "ed25519": ed, "p256": p256, "checkpoints": checkpoints,
            "shipments": s, "bytes": (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0,
        ]
        try JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys]).write(to: URL(fileURLWithPath: dir + "/meta.json"))
        FileHandle.standardError.write(
            Data(String(format: "generated %d records (%d statements: %d Ed25519, %d P-256) in %.1f s\n", seq, statements, ed, p256, Date().timeIntervalSince(t0)).utf8))
    }

    /// Fresh supply/lab/customs envelopes (new shipments tagged `tag`) for the append benchmarks, one file each.
    static func envelopes(dir: String, count: Int, out: String, tag: String) throws {
        let pki = try BenchPKI.load(from: dir)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let slots = Slots<String>(count)
        DispatchQueue.concurrentPerform(iterations: count) { k in
            let s = k / 3
            let item: Item = [Item.supply(s), .lab(s), .customs(s)][k % 3]
            slots.items[k] = try? Statements.envelope(item, pki: pki, tag: tag + "-").0.jsonText
        }
        for k in 0..<count {
            guard let text = slots.items[k] else { fail("cannot sign envelope \(k)") }
            try text.write(toFile: out + "/" + String(format: "%07d.json", k), atomically: false, encoding: .utf8)
        }
    }
}

func lastRange(of needle: [UInt8], in hay: [UInt8]) -> Int? {
    guard hay.count >= needle.count else { return nil }
    var i = hay.count - needle.count
    while i >= 0 {
        if hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
        i -= 1
    }
    return nil
}

/// Complete lines of a small file.
enum LedgerReaderLines {
    static func each(_ path: String, _ body: ([UInt8]) -> Void) {
        let data = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
        for l in data.split(separator: 0x0A) { body(Array(l)) }
    }
}
