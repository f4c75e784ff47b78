import Foundation
import TrailCrypto
import TrailLedger

/// Realistic H200 statements for tests (public H200 SXM figures: TPP 15,832, 4,800 GB/s, 141 GB).
public enum Samples {
    public static let origin = "ledger.test.example/h200"

    /// A ledger time `minutes` after 2026-03-01T00:00:00Z.
    public static func time(_ minutes: Int) -> LedgerTime {
        LedgerTime(date: Date(timeIntervalSince1970: 1_772_323_200 + Double(minutes) * 60))
    }

    public static func manifest(
        id: String = "SHP-0001", exporter: String = "Nvidia Export LLC", license: String = "LIC-2026-001",
        quantity: Int = 4, destination: String = "CN"
    ) -> [UInt8] {
        let serials = (1...quantity).map { "\"H200-\(id)-\($0)\"" }.joined(separator: ",")
        return Array(
            """
            {"shipmentId":"\(id)","exporter":"\(exporter)","license":"\(license)","consignee":"Shanghai AI Compute Co",\
            "endUser":"Shanghai AI Compute Co","destination":"\(destination)","product":"NVIDIA H200 SXM","eccn":"3A090.a",\
            "hsCode":"8473.30","quantity":\(quantity),"serials":[\(serials)],"declared":{"tpp":15832,"dramBandwidthGBps":4800,"memoryGB":141}}
            """.utf8)
    }

    public static func license(_ number: String = "LIC-2026-001", max: Int = 100) -> JSONValue {
        try! JSONParser.parse(
            """
            {"license":"\(number)","exporter":"Nvidia Export LLC","consignee":"Shanghai AI Compute Co","destination":"CN",\
            "product":"NVIDIA H200 SXM","maxQuantity":\(max),"validFrom":"2026-01-15T00:00:00Z","validUntil":"2027-01-15T00:00:00Z",\
            "conditions":["KYC of remote access","no military end use"]}
            """)
    }

    public static func supply(license: String = "LIC-2026-001", quantity: Int = 4, usShipped: Int = 10000) -> JSONValue {
        try! JSONParser.parse(
            """
            {"license":"\(license)","quantity":\(quantity),"destination":"CN","usUnitsShipped":\(usShipped),"usUnfilledOrders":0,\
            "certification":"US supply is sufficient; no US order is delayed.","officer":"Export Officer","signedAt":"2026-03-01T00:00:00Z"}
            """)
    }

    public static func labTest(tpp: Double = 15832, bandwidth: Double = 4800, result: String = "pass", serials: [String] = ["H200-SHP-0001-1"]) -> JSONValue {
        let units = serials.map { "\"\($0)\"" }.joined(separator: ",")
        return try! JSONParser.parse(
            """
            {"lab":"Qualified Test Lab Inc","accreditation":"ISO/IEC 17025 #1234.01","reportId":"RPT-1","method":"MLPerf-derived TPP",\
            "sampling":"1 of 4","unitsTested":[\(units)],"measured":{"tpp":\(tpp),"dramBandwidthGBps":\(bandwidth),"memoryGB":141},\
            "result":"\(result)","testedAt":"2026-03-02T00:00:00Z","location":"San Jose, CA"}
            """)
    }

    public static func customs(_ decision: String = "released") -> JSONValue {
        try! JSONParser.parse(
            """
            {"authority":"GACC","port":"Shanghai Pudong","declaration":"DEC-1","hsCode":"8473.30","decision":"\(decision)",\
            "reason":"documents complete","decidedAt":"2026-03-05T00:00:00Z"}
            """)
    }

    public static func retraction(of lineHash: String, reason: String = "superseded") -> JSONValue {
        .object(["retracts": .string(lineHash), "reason": .string(reason)])
    }

    /// An envelope of `kind` signed by every party in `signers`.
    public static func envelope(
        _ kind: PredicateKind, manifest: [UInt8]? = Samples.manifest(), predicate: JSONValue, signers: [TestParty]
    ) throws -> Envelope {
        var env = Envelope(payload: try Attestation.payload(kind: kind, manifest: kind == .exportLicense ? nil : manifest, predicate: predicate))
        for s in signers { env = try env.signed(by: s.key, keyid: s.cert.fingerprint) }
        return env
    }
}

/// Writes ledgers by hand — including ones `Ledger.append` refuses — with a correct chain and a correct,
/// operator-signed final checkpoint, so that a test isolates exactly one fault.
public struct LedgerForger {
    public let pki: PartyPKI
    public var lines: [[UInt8]] = []
    public var origin = Samples.origin
    private var tree = MerkleAccumulator()

    public init(pki: PartyPKI, genesisTime: LedgerTime = Samples.time(0), anchors: [Certificate]? = nil) throws {
        self.pki = pki
        let g = Record.Genesis(
            origin: origin, anchors: (anchors ?? [pki.root]).map(\.fingerprint), operatorCert: pki.operatorParty.cert.der,
            chain: [pki.intermediate.der, pki.root.der])
        add(Record(seq: 0, time: genesisTime, prev: nil, body: .genesis(g)).line)
    }

    /// Forgets every line (to write a ledger line by line with `add(_ line:)`).
    public mutating func reset() {
        lines = []
        tree = MerkleAccumulator()
    }

    /// Appends a record line with the right seq and prev (or `prev` when given).
    public mutating func add(_ body: Record.Body, time: LedgerTime, prev: String? = nil) {
        let p = prev ?? Digest.sha256Hex(lines.last!)
        add(Record(seq: lines.count, time: time, prev: p, body: body).line)
    }

    public mutating func add(_ line: [UInt8]) {
        lines.append(line)
        tree.append(leafHash: Merkle.leafHash(line))
    }

    /// A checkpoint over everything so far, signed by the operator (or with `root` forced).
    public mutating func checkpoint(time: LedgerTime, root: MerkleHash? = nil) throws {
        let note = try Checkpoint(origin: origin, size: lines.count, rootHash: root ?? tree.root)
            .signedNote(by: pki.operatorParty.key)
        add(.checkpoint(note: note), time: time)
    }

    /// Writes the ledger file.
    public func write(to path: String) throws {
        var bytes: [UInt8] = []
        for l in lines { bytes += l + [0x0A] }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
