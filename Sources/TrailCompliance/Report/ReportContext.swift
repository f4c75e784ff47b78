import Foundation
import TrailCrypto
import TrailLedger

/// What the HTML report shows beyond `LedgerCheck`: who each registered certificate is (CN, O, serial, fingerprint,
/// issuing CA), which CRL record revoked it (when, why, at which seq), which certificates signed each statement, and
/// the figures the charts plot (US end-use units per supply statement, license maxima).
///
/// Read with `LedgerReader` in one pass beside the verifier's: nothing here is a verdict. A certificate, CRL or
/// statement record that failed integrity is still read; the report marks whatever the verifier flagged at that seq.
/// Memory: one entry per certificate and CRL, two 32-bit words per statement signature, one per supply statement.
public struct ReportContext: Sendable {
    /// A revocation of a certificate on a signer's path, as the CRL record states it.
    public struct Revocation: Sendable, Equatable {
        /// Seq and ledger time of the CRL record.
        public var crlSeq: Int
        public var crlTime: String
        /// The revocation date and reason the CRL entry gives (reason nil when the entry names none).
        public var revocationDate: Date
        public var reason: String?
        /// Nil when the certificate itself is revoked; the subject of the revoked CA above it otherwise.
        public var viaIssuer: String?
    }

    /// A certificate registered by the ledger (genesis operator or a certificate record).
    public struct Signer: Sendable, Equatable {
        /// `S1`, `S2`, … in registration order: the report's short reference.
        public var ref: String
        public var fingerprint: String
        public var commonName: String?
        public var organization: String?
        public var subject: String
        public var serialHex: String
        /// The issuing CA's subject, its CN and (when its certificate came with the chain) its fingerprint.
        public var issuer: String
        public var issuerCommonName: String?
        public var issuerFingerprint: String?
        public var roles: [String]
        public var notBefore: Date
        public var notAfter: Date
        /// The record that registered it (0: the genesis operator).
        public var seq: Int
        public var time: String
        /// The earliest revocation of this certificate or a CA above it, if a CRL record holds one.
        public var revocation: Revocation?
    }

    /// A trust anchor (root CA) named by the genesis record or given with `--trust`.
    public struct Anchor: Sendable, Equatable {
        public var fingerprint: String
        public var subject: String
        /// Whether the genesis record lists it; whether it was given with `--trust`.
        public var inGenesis: Bool
        public var given: Bool
    }

    public var anchors: [Anchor] = []
    public var signers: [Signer] = []
    /// Statement seq → indexes into `signers` (−1: a keyid naming no registered certificate), as flat arrays.
    var statementSeqs: [Int] = []
    var signatureStart: [Int32] = []
    var signatureSigner: [Int32] = []
    /// Supply-sufficiency statements: seq → the US end-use units and the exporter the manifest names.
    var supplyFigures: [Int: (exporter: String, usUnits: Int)] = [:]
    /// Seq → ledger time of every statement record (for the charts' time axis), only for supply statements.
    var supplyTimes: [Int: String] = [:]
    /// License number → the latest maximum quantity a license statement gave, with its seq.
    public var licenseMaximum: [String: (seq: Int, maxQuantity: Int)] {
        Dictionary(licenseMaxima.map { (String(decoding: $0.key, as: UTF8.self), $0.value) }, uniquingKeysWith: { a, _ in a })
    }
    /// The same, keyed by the license number's exact bytes.
    var licenseMaxima: [[UInt8]: (seq: Int, maxQuantity: Int)] = [:]

    func maximum(ofLicense bytes: [UInt8]) -> Int? { licenseMaxima[bytes]?.maxQuantity }
    /// Keyids that named no registered certificate (shown as such).
    public private(set) var unknownKeyids: [String] = []

    public init() {}

    /// The signers of the statement at `seq` (nil for a keyid naming no registered certificate), in signature order.
    public func signers(ofStatementAt seq: Int) -> [Signer?] {
        var lo = 0
        var hi = statementSeqs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if statementSeqs[mid] < seq { lo = mid + 1 } else { hi = mid }
        }
        guard lo < statementSeqs.count, statementSeqs[lo] == seq else { return [] }
        let end = lo + 1 < signatureStart.count ? Int(signatureStart[lo + 1]) : signatureSigner.count
        return (Int(signatureStart[lo])..<end).map { i in signatureSigner[i] < 0 ? nil : signers[Int(signatureSigner[i])] }
    }

    public func supplyFigure(at seq: Int) -> (exporter: String, usUnits: Int, time: String)? {
        guard let f = supplyFigures[seq] else { return nil }
        return (f.exporter, f.usUnits, supplyTimes[seq] ?? "")
    }

    /// Reads `path`. `trust` are the anchors given on the command line (shown with their fingerprints).
    public static func collect(path: String, trust: [Certificate]) throws -> ReportContext {
        var c = ReportContext()
        var authorities = Authorities()
        for t in trust { authorities.add(t) }
        var fpIndex: [[UInt8]: Int32] = [:]  // by the fingerprint's bytes (keyids compare exactly)
        var paths: [[Certificate]] = []
        var crls: [(seq: Int, time: String, crl: CRL)] = []
        var pending: [(seq: Int, time: String, env: Envelope)] = []
        var genesisAnchors: [String] = []

        func register(_ cert: Certificate, chain: [Certificate], seq: Int, time: String) {
            let fp = cert.fingerprint
            guard fpIndex[Array(fp.utf8)] == nil else { return }
            for ca in chain { authorities.add(ca) }
            let issuerName = Authorities.exactKey(cert.issuer)
            let issuerCert = chain.first { Authorities.exactKey($0.subject) == issuerName } ?? authorities.named(cert.issuer).first
            let subject = cert.subject
            c.signers.append(
                Signer(
                    ref: "S\(c.signers.count + 1)", fingerprint: fp, commonName: subject.commonName,
                    organization: subject.organization, subject: subject.string, serialHex: cert.serialHex,
                    issuer: cert.issuer.string, issuerCommonName: cert.issuer.commonName,
                    issuerFingerprint: issuerCert?.fingerprint, roles: cert.roles.map(\.rawValue), notBefore: cert.notBefore,
                    notAfter: cert.notAfter, seq: seq, time: time, revocation: nil))
            fpIndex[Array(fp.utf8)] = Int32(c.signers.count - 1)
            paths.append([cert] + chain)
        }

        func flush() throws {
            let decoded = try concurrentMap(pending.count) { i -> CheckedStatement? in
                try? CheckedStatement(envelope: pending[i].env)
            }
            for (i, p) in pending.enumerated() {
                c.statementSeqs.append(p.seq)
                c.signatureStart.append(Int32(truncatingIfNeeded: c.signatureSigner.count))
                for sig in p.env.signatures {
                    let key = sig.keyid.lowercased()
                    if let n = fpIndex[Array(key.utf8)] {
                        c.signatureSigner.append(n)
                    } else {
                        c.signatureSigner.append(-1)
                        if c.unknownKeyids.count < 100, !c.unknownKeyids.contains(key) { c.unknownKeyids.append(key) }
                    }
                }
                switch decoded[i]?.predicate {
                case .supplySufficiency(let s, let m, _)?:
                    c.supplyFigures[p.seq] = (m.exporter, s.usUnitsShipped)
                    c.supplyTimes[p.seq] = p.time
                case .exportLicense(let l)?:
                    c.licenseMaxima[Array(l.license.utf8)] = (p.seq, l.maxQuantity)
                default: break
                }
            }
            pending.removeAll(keepingCapacity: true)
        }

        var lastStatementSeq = Int.min
        var ordered = true
        try LedgerReader.forEach(path: path) { r, _ in
            switch r.body {
            case .genesis(let g):
                genesisAnchors = g.anchors.map { $0.lowercased() }
                let chain = g.chain.compactMap { try? Certificate(der: $0) }
                if let op = try? Certificate(der: g.operatorCert) {
                    register(op, chain: chain, seq: r.seq, time: r.time.text)
                }
            case .certificate(let der, let chainDER):
                if let cert = try? Certificate(der: der) {
                    register(cert, chain: chainDER.compactMap { try? Certificate(der: $0) }, seq: r.seq, time: r.time.text)
                }
            case .crl(let der):
                if let crl = try? CRL(der: der) { crls.append((r.seq, r.time.text, crl)) }
            case .statement(let env):
                if r.seq <= lastStatementSeq { ordered = false }
                lastStatementSeq = r.seq
                pending.append((r.seq, r.time.text, env))
                if pending.count >= 1024 { try flush() }
            case .checkpoint, .cosignature: break
            }
        }
        try flush()
        if !ordered {
            // A file whose seqs go back (it fails integrity): sort the lookup table, keeping each seq's first record.
            var rows: [(Int, [Int32])] = []
            for i in c.statementSeqs.indices {
                let end = i + 1 < c.signatureStart.count ? Int(c.signatureStart[i + 1]) : c.signatureSigner.count
                rows.append((c.statementSeqs[i], Array(c.signatureSigner[Int(c.signatureStart[i])..<end])))
            }
            var seen = Set<Int>()
            rows = rows.filter { seen.insert($0.0).inserted }.sorted { $0.0 < $1.0 }
            c.statementSeqs = rows.map(\.0)
            c.signatureStart = []
            c.signatureSigner = []
            for r in rows {
                c.signatureStart.append(Int32(truncatingIfNeeded: c.signatureSigner.count))
                c.signatureSigner += r.1
            }
        }

        // Revocations, as the verifier's trust state keys them: a CRL names its issuer (exact bytes); every CA
        // certificate of that name under whose key the CRL verifies (CA, keyUsage cRLSign when present) revokes
        // the listed serials under that key, whichever certificate of the key a path runs through.
        var revoked: [String: Revocation] = [:]  // "issuer key ID serial" → earliest revocation
        for (seq, time, crl) in crls {
            let issuers = authorities.named(crl.issuer).filter {
                $0.isCA && ($0.keyUsage.isEmpty || $0.keyUsage.contains("cRLSign")) && crl.isSignature(validUnder: $0)
            }
            let keys = Set(issuers.compactMap { try? $0.publicKey.keyID }).sorted()
            for e in crl.entries {
                for k in keys where revoked[k + " " + e.serialHex] == nil {
                    revoked[k + " " + e.serialHex] = Revocation(
                        crlSeq: seq, crlTime: time, revocationDate: e.revocationDate, reason: e.reason?.rawValue, viaIssuer: nil)
                }
            }
        }
        for i in c.signers.indices {
            let path = paths[i]
            var best: Revocation?
            for k in path.indices {
                let cert = path[k]
                let name = Authorities.exactKey(cert.issuer)
                guard let issuer = path.first(where: { Authorities.exactKey($0.subject) == name && !same($0.fingerprint, cert.fingerprint) })
                    ?? authorities.named(cert.issuer).first(where: { !same($0.fingerprint, cert.fingerprint) }),
                    let key = try? issuer.publicKey.keyID
                else { continue }
                if var r = revoked[key + " " + cert.serialHex] {
                    r.viaIssuer = k == 0 ? nil : cert.subject.string
                    if best == nil || r.crlSeq < best!.crlSeq { best = r }
                }
            }
            c.signers[i].revocation = best
        }

        for fp in genesisAnchors {
            let cert = trust.first { same($0.fingerprint, fp) }
            c.anchors.append(Anchor(fingerprint: fp, subject: cert?.subject.string ?? "", inGenesis: true, given: cert != nil))
        }
        for t in trust where !genesisAnchors.contains(where: { same($0, t.fingerprint) }) {
            c.anchors.append(Anchor(fingerprint: t.fingerprint, subject: t.subject.string, inGenesis: false, given: true))
        }
        return c
    }
}

/// CA certificates seen (anchors and chains), each once, found by their exact subject name without a scan.
struct Authorities {
    private var seen = Set<[UInt8]>()
    private var bySubject: [[UInt8]: [Certificate]] = [:]

    /// A name as exact bytes (types and UTF-8 values in order), never compared by canonical equivalence.
    static func exactKey(_ name: DistinguishedName) -> [UInt8] {
        var k: [UInt8] = []
        for a in name.attributes { k += Array(a.type.utf8) + [0x3D] + Array(a.value.utf8) + [0x00] }
        return k
    }

    mutating func add(_ c: Certificate) {
        guard seen.insert(Array(c.fingerprint.utf8)).inserted else { return }
        bySubject[Self.exactKey(c.subject), default: []].append(c)
    }

    /// The certificates whose subject is exactly `name`, in the order they were seen.
    func named(_ name: DistinguishedName) -> [Certificate] { bySubject[Self.exactKey(name)] ?? [] }
}

