import Foundation
import TrailCrypto
import TrailLedger

/// The harness's PKI and ledger: a root, an operator and an exporter (Ed25519), kept as files in `dir` so
/// the driver process and the `chiptrail` CLI use the same keys.
struct Fixture {
    let dir: String
    let root: Certificate
    let operatorKey: PrivateKey
    let operatorCert: Certificate
    let exporterKey: PrivateKey
    let exporterCert: Certificate

    var ledger: String { dir + "/ledger.jsonl" }
    var operatorKeyFile: String { dir + "/operator.key" }

    static func create(in dir: String) throws -> Fixture {
        let now = Date()
        let (nb, na) = (now.addingTimeInterval(-86400), now.addingTimeInterval(30 * 86400))
        let rootKey = try PrivateKey.generate(.ed25519)
        let root = try CertificateBuilder.selfSignedRoot(
            subject: try DistinguishedName(parsing: "CN=Crash Harness Root,O=Chiptrail Reliability,C=US"), key: rootKey,
            notBefore: nb, notAfter: na)
        func leaf(_ role: Role, _ dn: String) throws -> (PrivateKey, Certificate) {
            let k = try PrivateKey.generate(.ed25519)
            let c = try CertificateBuilder.leaf(
                subject: try DistinguishedName(parsing: dn), publicKey: k.publicKey, roles: [role], issuer: root,
                issuerKey: rootKey, notBefore: nb, notAfter: na)
            return (k, c)
        }
        let (ok, oc) = try leaf(.operator, "CN=Harness Operator,O=Trade Ledger Office,C=US")
        let (ek, ec) = try leaf(.exporter, "CN=Export Officer,O=Nvidia Export LLC,C=US")
        let f = Fixture(dir: dir, root: root, operatorKey: ok, operatorCert: oc, exporterKey: ek, exporterCert: ec)
        // Unencrypted so the appenders need no passphrase; 0600 so the CLI accepts them.
        try FileIO.writeAtomically(
            Array(try ok.pem(passphrase: nil).utf8), to: f.operatorKeyFile, mode: 0o600, overwrite: true)
        try FileIO.writeAtomically(
            Array(try ek.pem(passphrase: nil).utf8), to: dir + "/exporter.key", mode: 0o600, overwrite: true)
        for (name, c) in [("root", root), ("operator", oc), ("exporter", ec)] {
            try FileIO.writeAtomically(Array(c.pem.utf8), to: dir + "/\(name).pem", overwrite: true)
        }
        return f
    }

    static func load(from dir: String) throws -> Fixture {
        func key(_ n: String) throws -> PrivateKey {
            try PrivateKey(pem: try FileIO.readText(dir + "/\(n).key"), passphrase: nil)
        }
        func cert(_ n: String) throws -> Certificate { try Certificate.load(file: dir + "/\(n).pem")[0] }
        return Fixture(
            dir: dir, root: try cert("root"), operatorKey: try key("operator"), operatorCert: try cert("operator"),
            exporterKey: try key("exporter"), exporterCert: try cert("exporter"))
    }

    /// Replaces the ledger with a new one holding genesis, a checkpoint and the exporter's certificate.
    func newLedger() throws {
        unlink(ledger)
        for f in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where f.hasPrefix("ledger.jsonl.") {
            unlink(dir + "/" + f)
        }
        try Ledger.initialize(
            path: ledger, origin: "crash.harness.example/h200", operatorKey: operatorKey, operatorCert: operatorCert,
            chain: [], trust: [root])
        _ = try Ledger.append(path: ledger, operatorKey: operatorKey, items: [.certificate(exporterCert, chain: [])])
    }

    /// A supply-sufficiency statement about shipment `id`, signed by the exporter.
    func envelope(id: String) throws -> Envelope {
        let manifest = Array(
            """
            {"shipmentId":"\(id)","exporter":"Nvidia Export LLC","license":"LIC-2026-001","consignee":"Shanghai AI Compute Co",\
            "endUser":"Shanghai AI Compute Co","destination":"CN","product":"NVIDIA H200 SXM","eccn":"3A090.a",\
            "hsCode":"8473.30","quantity":2,"serials":["H200-\(id)-1","H200-\(id)-2"],\
            "declared":{"tpp":15832,"dramBandwidthGBps":4800,"memoryGB":141}}
            """.utf8)
        let predicate = try JSONParser.parse(
            """
            {"license":"LIC-2026-001","quantity":2,"destination":"CN","usUnitsShipped":10000,"usUnfilledOrders":0,\
            "certification":"US supply is sufficient; no US order is delayed.","officer":"Export Officer",\
            "signedAt":"2026-03-01T00:00:00Z"}
            """)
        let payload = try Attestation.payload(kind: .supplySufficiency, manifest: manifest, predicate: predicate)
        return try Envelope(payload: payload).signed(by: exporterKey, keyid: exporterCert.fingerprint)
    }
}
