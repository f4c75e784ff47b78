import Dispatch
import Foundation
import TrailCrypto
import TrailLedger

/// A ledger that stresses the trust state rather than signatures (issue 15 item 3): `certs` certificate records
/// and as many CRL records (CRL i revokes certificate i), then `witnesses` auditor certificates and one
/// cosignature record per auditor on the same checkpoint. Verification must stay O(log n) per record.
enum TrustScale {
    static func generate(dir: String, certs: Int, witnesses: Int) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/ledger.jsonl"
        for suffix in ["", ".idx", ".idx.hashes", ".idx.records", ".idx.keys"] { unlink(path + suffix) }
        let (pki, _) = try BenchPKI.create()
        try pki.save(to: dir)
        let origin = "ledger.bench.example/trust"
        let start = LedgerTime(date: BenchPKI.notBefore.addingTimeInterval(86_400))
        func time(_ seq: Int) -> LedgerTime { LedgerTime(date: start.date.addingTimeInterval(Double(seq))) }
        try Ledger.initialize(
            path: path, origin: origin, operatorKey: pki.operatorParty.key, operatorCert: pki.operatorParty.cert,
            chain: [pki.intermediate], trust: [pki.root], time: time(0))
        var tree = MerkleAccumulator()
        var prev: [UInt8] = []
        LedgerReaderLines.each(path) { line in
            tree.append(leafHash: Merkle.leafHash(line))
            prev = Digest.sha256(line)
        }
        var out: [UInt8] = []
        var seq = tree.size
        func emit(_ body: Record.Body) {
            let line = Record(seq: seq, time: time(seq), prev: Hex.encode(prev), body: body).line
            out += line + [0x0A]
            tree.append(leafHash: Merkle.leafHash(line))
            prev = Digest.sha256(line)
            seq += 1
        }
        func leaf(_ role: Role, _ dn: String) throws -> (PrivateKey, Certificate) {
            let k = try PrivateKey.generate(.ed25519)
            let c = try CertificateBuilder.leaf(
                subject: try DistinguishedName(parsing: dn), publicKey: k.publicKey, roles: [role], issuer: pki.intermediate,
                issuerKey: pki.intermediateKey, notBefore: BenchPKI.notBefore, notAfter: BenchPKI.notAfter)
            return (k, c)
        }
        var registered: [Certificate] = []
        for i in 0..<certs {
            let (_, c) = try leaf(.lab, "CN=Lab Signer \(i),O=Scale Lab \(i),C=US")
            registered.append(c)
            emit(.certificate(cert: c.der, chain: [pki.intermediate.der]))
        }
        for (i, c) in registered.enumerated() {
            let crl = try CRLBuilder.build(
                issuer: pki.intermediate, issuerKey: pki.intermediateKey,
                revoked: [CRL.Entry(serialHex: c.serialHex, revocationDate: BenchPKI.notBefore, reason: nil)],
                crlNumber: i + 2, thisUpdate: BenchPKI.notBefore, nextUpdate: BenchPKI.notAfter)
            emit(.crl(crl.der))
        }
        var auditors: [(CosignatureV1.Signer, Certificate)] = []
        for i in 0..<witnesses {
            let (k, c) = try leaf(.auditor, "CN=Witness \(i),O=Audit \(i),C=US")
            auditors.append((try CosignatureV1.Signer(name: "Witness_\(i)", key: k), c))
            emit(.certificate(cert: c.der, chain: [pki.intermediate.der]))
        }
        let cpSeq = seq
        let note = try Checkpoint(origin: origin, size: seq, rootHash: tree.root).signedNote(by: pki.operatorParty.key)
        emit(.checkpoint(note: note))
        let signed = try SignedNote(parsing: note)
        let stamp = UInt64(time(cpSeq + 1).seconds)
        for (signer, _) in auditors {
            let cosigned = try signer.cosign(signed, timestamp: stamp)
            emit(.cosignature(checkpoint: cpSeq, note: cosigned.serialized))
        }
        guard let fh = FileHandle(forWritingAtPath: path) else { fail("cannot open \(path)") }
        fh.seekToEndOfFile()
        fh.write(Data(out))
        try fh.close()
        let meta = "{\"records\":\(seq),\"certs\":\(certs),\"crls\":\(certs),\"witnesses\":\(witnesses)}\n"
        try meta.write(toFile: dir + "/meta.json", atomically: true, encoding: .utf8)
        print("records=\(seq)")
    }
}
