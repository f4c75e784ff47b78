import Foundation
import TrailCrypto
import TrailLedger

/// Builds the demo: a PKI (root, issuing CA, regulator, exporter, lab, customs, operator, auditor) and a
/// realistic ledger of H200 shipments that covers every status (public H200 SXM figures: TPP 15,832, 4,800 GB/s, 141 GB), written into a folder.
///
/// The private keys it writes are demo keys: unencrypted, 0600, in `keys/`. Only `root.pem` is public trust.
public struct DemoLedger {
    public let directory: String
    public var ledgerPath: String { directory + "/ledger.jsonl" }
    public var rootPath: String { directory + "/root.pem" }
    public static let origin = "ledger.demo.chiptrail.example/h200-2026"

    public init(directory: String) { self.directory = directory }

    /// A party: key + certificate.
    struct Party {
        let name: String
        let key: PrivateKey
        let cert: Certificate
    }

    /// Ledger times: minutes after 2026-02-02T09:00:00Z, so the sample is reproducible in shape.
    static func t(_ minutes: Int) -> LedgerTime {
        LedgerTime(date: Date(timeIntervalSince1970: 1_770_022_800 + Double(minutes) * 60))
    }

    /// Builds everything. Returns the number of records written.
    @discardableResult
    public func build() throws -> Int {
        let fm = FileManager.default
        if fm.fileExists(atPath: ledgerPath) {
            throw TrailError.usage("file-exists", "\(ledgerPath) exists", remedy: "choose an empty --dir")
        }
        try fm.createDirectory(atPath: directory + "/keys", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: directory + "/certs", withIntermediateDirectories: true)
        let from = ISO8601DateFormatter().date(from: "2026-01-01T00:00:00Z")!
        let until = ISO8601DateFormatter().date(from: "2031-01-01T00:00:00Z")!

        let rootKey = try PrivateKey.generate(.ed25519)
        let root = try CertificateBuilder.selfSignedRoot(
            subject: try DistinguishedName(parsing: "CN=Export Compliance Root CA,O=US Export Trust Authority,C=US"),
            key: rootKey, notBefore: from, notAfter: until)
        let caKey = try PrivateKey.generate(.ed25519)
        let ca = try CertificateBuilder.caCertificate(
            subject: try DistinguishedName(parsing: "CN=Export Compliance Issuing CA 1,O=US Export Trust Authority,C=US"),
            publicKey: caKey.publicKey, issuer: root, issuerKey: rootKey, notBefore: from, notAfter: until)
        func party(_ name: String, _ dn: String, _ roles: [Role], _ alg: KeyAlgorithm = .ed25519) throws -> Party {
            let k = try PrivateKey.generate(alg)
            let c = try CertificateBuilder.leaf(
                subject: try DistinguishedName(parsing: dn), publicKey: k.publicKey, roles: roles, issuer: ca,
                issuerKey: caKey, notBefore: from, notAfter: until)
            try FileIO.writeAtomically(Array(try k.pem(passphrase: nil).utf8), to: "\(directory)/keys/\(name).key", mode: 0o600, overwrite: true)
            try FileIO.writeAtomically(Array(c.pem.utf8), to: "\(directory)/certs/\(name).pem", overwrite: true)
            return Party(name: name, key: k, cert: c)
        }
        let op = try party("operator", "CN=Trade Ledger Operator,O=Export Ledger Office,C=US", [.operator])
        let regulator = try party("regulator", "CN=BIS Licensing Officer,O=Bureau of Industry and Security,C=US", [.regulator])
        let exporter = try party("exporter", "CN=Export Compliance Officer,O=NVIDIA Export LLC,C=US", [.exporter], .p256)
        let lab = try party("lab", "CN=Lab Signing Key 2026,O=Qualified Semiconductor Test Lab Inc,C=US", [.lab])
        let oldLab = try party("lab-retired", "CN=Lab Signing Key 2025,O=Qualified Semiconductor Test Lab Inc,C=US", [.lab])
        let customs = try party("customs", "CN=Pudong Port Officer,O=General Administration of Customs,C=CN", [.customs])
        let auditor = try party("auditor", "CN=Independent Auditor 1,O=Audit Partners LLP,C=US", [.auditor])
        try FileIO.writeAtomically(Array(root.pem.utf8), to: rootPath, overwrite: true)
        try FileIO.writeAtomically(Array(ca.pem.utf8), to: directory + "/certs/issuing-ca.pem", overwrite: true)

        try Ledger.initialize(
            path: ledgerPath, origin: DemoLedger.origin, operatorKey: op.key, operatorCert: op.cert, chain: [ca],
            trust: [root], time: DemoLedger.t(0))
        var minute = 0
        func append(_ items: [AppendItem]) throws -> AppendResult {
            minute += 7
            return try Ledger.append(path: ledgerPath, operatorKey: op.key, items: items, time: DemoLedger.t(minute))
        }
        func env(_ kind: PredicateKind, _ manifest: [UInt8]?, _ predicate: String, _ signer: Party) throws -> AppendItem {
            let payload = try Attestation.payload(kind: kind, manifest: manifest, predicate: try JSONParser.parse(predicate))
            return .envelope(try Envelope(payload: payload).signed(by: signer.key, keyid: signer.cert.fingerprint))
        }
        _ = try append([regulator, exporter, lab, oldLab, customs, auditor].map { .certificate($0.cert, chain: [ca]) })

        // Export licenses (regulator).
        let licenses = [("BIS-H200-2026-0117", 1200), ("BIS-H200-2026-0342", 300)]
        _ = try append(try licenses.map { number, max in
            try env(.exportLicense, nil, """
                {"license":"\(number)","exporter":"NVIDIA Export LLC","consignee":"Shanghai Zhiyuan Compute Co","destination":"CN",\
                "product":"NVIDIA H200 SXM 141GB","maxQuantity":\(max),"validFrom":"2026-01-15T00:00:00Z","validUntil":"2027-01-15T00:00:00Z",\
                "conditions":["Consignee KYC against unauthorised remote access","No military end use","Third-party lab review before export"]}
                """, regulator)
        })

        // Shipments: (id, license, quantity, lab TPP, lab GB/s, decisions).
        struct Plan {
            var id: String
            var license: String
            var quantity: Int
            var tpp = 15832.0
            var bandwidth = 4800.0
            var decisions: [String] = ["released"]
            var retractedFailure = false
        }
        let plans = [
            Plan(id: "SHP-2026-0001", license: "BIS-H200-2026-0117", quantity: 256),
            Plan(id: "SHP-2026-0002", license: "BIS-H200-2026-0117", quantity: 128, decisions: []),
            Plan(id: "SHP-2026-0003", license: "BIS-H200-2026-0117", quantity: 192, decisions: ["held"]),
            Plan(id: "SHP-2026-0004", license: "BIS-H200-2026-0117", quantity: 64, decisions: ["inspect", "returned"]),
            Plan(id: "SHP-2026-0005", license: "BIS-H200-2026-0342", quantity: 96, tpp: 36000, bandwidth: 8000),
            Plan(id: "SHP-2026-0006", license: "BIS-H200-2026-0342", quantity: 48, decisions: ["held", "released"], retractedFailure: true),
            Plan(id: "SHP-2026-0007", license: "BIS-H200-2026-0117", quantity: 32, decisions: ["inspect"]),
        ]
        var usShipped = 41_500
        for (n, p) in plans.enumerated() {
            let serials = (1...p.quantity).map { String(format: "\"H200-%@-%04d\"", p.id, $0) }
            let manifestText = """
                {"shipmentId":"\(p.id)","exporter":"NVIDIA Export LLC","license":"\(p.license)","consignee":"Shanghai Zhiyuan Compute Co",\
                "endUser":"Shanghai Zhiyuan Compute Co","destination":"CN","product":"NVIDIA H200 SXM 141GB","eccn":"3A090.a",\
                "hsCode":"8473.30.1180","quantity":\(p.quantity),"serials":[\(serials.joined(separator: ","))],\
                "declared":{"tpp":15832,"dramBandwidthGBps":4800,"memoryGB":141}}
                """
            let manifest = Array(manifestText.utf8)
            usShipped += 2_000
            let day = String(format: "2026-02-%02d", 3 + n * 3)
            let tested = (1...min(8, p.quantity)).map { String(format: "\"H200-%@-%04d\"", p.id, $0) }.joined(separator: ",")
            func labPredicate(tpp: Double, bw: Double, result: String, report: String) -> String {
                """
                {"lab":"Qualified Semiconductor Test Lab Inc","accreditation":"ISO/IEC 17025 A2LA 5127.01","reportId":"\(report)",\
                "method":"Dense FP8 MacTOPS x bit length (TPP); STREAM-triad HBM bandwidth","sampling":"8 of \(p.quantity)",\
                "unitsTested":[\(tested)],"measured":{"tpp":\(Int(tpp)),"dramBandwidthGBps":\(Int(bw)),"memoryGB":141,"firmware":"96.00.A5.00.01"},\
                "declared":{"tpp":15832,"dramBandwidthGBps":4800,"memoryGB":141},"result":"\(result)","testedAt":"\(day)T15:00:00Z","location":"San Jose, CA"}
                """
            }
            var items: [AppendItem] = [
                try env(.supplySufficiency, manifest, """
                    {"license":"\(p.license)","quantity":\(p.quantity),"destination":"CN","usUnitsShipped":\(usShipped),\
                    "usUnfilledOrders":0,"certification":"The export delays no US order and diverts no US capacity; CN and MO shipments stay at or below 50% of US end-use shipments; consignee KYC in place.",\
                    "officer":"Export Compliance Officer","signedAt":"\(day)T09:30:00Z"}
                    """, exporter)
            ]
            if p.retractedFailure {
                items.append(try env(.labTest, manifest, labPredicate(tpp: 15832, bw: 4100, result: "fail", report: "QSTL-\(p.id)-A"), lab))
            } else {
                let pass = p.tpp < 21000 && p.bandwidth < 6500
                items.append(try env(.labTest, manifest, labPredicate(tpp: p.tpp, bw: p.bandwidth, result: pass ? "pass" : "fail", report: "QSTL-\(p.id)"), lab))
            }
            let r = try append(items)
            if p.retractedFailure {
                // The lab retracts a mis-recorded failing run (a fixture fault) and records the retest.
                let failingLine = try lineBytes(seq: r.seqs[1])
                let retraction = try env(.retraction, manifest, """
                    {"retracts":"\(Digest.sha256Hex(failingLine))","reason":"Bandwidth fixture miscalibrated (QSTL NCR-2026-031); retested"}
                    """, lab)
                _ = try append([retraction, try env(.labTest, manifest, labPredicate(tpp: 15832, bw: 4790, result: "pass", report: "QSTL-\(p.id)-B"), lab)])
            }
            for (k, d) in p.decisions.enumerated() {
                _ = try append([try env(.customsDecision, manifest, """
                    {"authority":"General Administration of Customs","port":"Shanghai Pudong","declaration":"2201-2026-\(p.id.suffix(4))-\(k)",\
                    "hsCode":"8473.30.1180","decision":"\(d)","reason":"\(reason(d))","decidedAt":"\(day)T\(String(format: "%02d", 10 + k)):00:00Z"}
                    """, customs)])
            }
        }
        // The lab's retired 2025 key is revoked (superseded); the auditor witnesses the latest checkpoint.
        _ = try append([.crl(try CRLBuilder.build(
            issuer: ca, issuerKey: caKey,
            revoked: [CRL.Entry(serialHex: oldLab.cert.serialHex, revocationDate: DemoLedger.t(minute).date, reason: .superseded)],
            crlNumber: 1, thisUpdate: DemoLedger.t(minute).date, nextUpdate: until))])
        let latest = try LedgerReader.latestCheckpoint(path: ledgerPath)
        let signer = try CosignatureV1.Signer(name: WitnessName.of(auditor.cert)!, key: auditor.key)
        let cosigned = try signer.cosign(try SignedNote(parsing: latest.note), timestamp: UInt64(DemoLedger.t(minute + 3).seconds))
        let final = try append([.cosignature(checkpoint: latest.seq, note: cosigned.serialized)])
        return final.treeSize
    }

    private func reason(_ d: String) -> String {
        switch d {
        case "released": "Documents, lab report and license verified"
        case "held": "Awaiting MOFCOM end-user confirmation"
        case "inspect": "Physical inspection of serials ordered"
        case "returned": "Consignee not on the approved end-user list"
        default: d
        }
    }

    private func lineBytes(seq: Int) throws -> [UInt8] {
        var found: [UInt8]?
        try LedgerReader.forEach(path: ledgerPath) { r, line in if r.seq == seq { found = line } }
        guard let found else { throw TrailError("internal-error", "no record at seq \(seq)") }
        return found
    }
}
