import Foundation
import TrailCrypto

/// A certificate registered in the ledger, validated once when its record was read.
public struct RegisteredCertificate: Sendable {
    public var certificate: Certificate
    /// The validated path, leaf first, ending at a trust anchor.
    public var path: [Certificate]
    /// The seq of the record that registered it (0 for the genesis operator).
    public var seq: Int
    /// The latest notBefore and earliest notAfter along the path: ledger time must lie inside.
    public var validFrom: Date
    public var validUntil: Date
    /// The seq of the CRL record that revoked it or a certificate above it, if any.
    public var revokedAt: Int?
    // Decoded once at registration: signature checks read these for every statement.
    public let fingerprint: String
    public let publicKey: PublicKey
    public let roles: [Role]
    public let organization: String?
    public let commonName: String?
}

/// Ledger-time trust: anchors, registered certificates, CA certificates able to sign CRLs, and revocations,
/// each taking effect at its record's position (DESIGN.md §4 "Ledger time is the trusted time").
public struct TrustState: Sendable {
    public private(set) var anchors: [Certificate]
    public private(set) var certificates: [String: RegisteredCertificate] = [:]
    /// CA certificates seen on validated paths (and the anchors), by fingerprint.
    public private(set) var authorities: [String: Certificate] = [:]
    /// Revoked (issuer fingerprint, serial) pairs with the seq of the CRL record that revoked them.
    public private(set) var revoked: [RevocationKey: Int] = [:]

    public struct RevocationKey: Hashable, Sendable {
        public var issuer: String
        public var serial: String
    }

    public init(anchors: [Certificate]) {
        self.anchors = anchors
        for a in anchors { authorities[a.fingerprint] = a }
    }

    /// A state saved earlier (the sidecar index's snapshot), restored as it was.
    init(
        anchors: [Certificate], certificates: [String: RegisteredCertificate], authorities: [String: Certificate],
        revoked: [RevocationKey: Int]
    ) {
        self.anchors = anchors
        self.certificates = certificates
        self.authorities = authorities
        self.revoked = revoked
    }

    /// Validates `cert` with `chain` at `time` against the anchors and earlier revocations.
    public func validate(cert: Certificate, chain: [Certificate], at time: Date, role: Role? = nil) throws -> [Certificate] {
        let result = ChainValidator(anchors: anchors).validate(cert, intermediates: chain, at: time, role: role)
        if let first = result.failures.first { throw first }
        let path = result.path
        if let (i, crlSeq) = revokedLink(path) {
            let what = i == 0 ? "the certificate" : "its issuer \(path[i].subject.string)"
            throw TrailError(
                "cert-revoked", "\(what) was revoked by the CRL record at seq \(crlSeq)",
                remedy: "a revoked key cannot sign after its revocation; issue a new certificate")
        }
        return path
    }

    /// Registers a validated certificate; returns false when it was already registered.
    @discardableResult
    public mutating func register(_ cert: Certificate, path: [Certificate], seq: Int) throws -> Bool {
        let fp = cert.fingerprint
        if certificates[fp] != nil { return false }
        let from = path.map(\.notBefore).max() ?? cert.notBefore
        let until = path.map(\.notAfter).min() ?? cert.notAfter
        let subject = cert.subject
        certificates[fp] = RegisteredCertificate(
            certificate: cert, path: path, seq: seq, validFrom: from, validUntil: until, revokedAt: nil,
            fingerprint: fp, publicKey: try cert.publicKey, roles: cert.roles, organization: subject.organization,
            commonName: subject.commonName)
        for c in path.dropFirst() where c.isCA { authorities[c.fingerprint] = c }
        if cert.isCA { authorities[cert.fingerprint] = cert }
        return true
    }

    /// Applies a CRL record: finds the CA that signed it, records its revocations, and marks every registered
    /// certificate whose path it breaks. Errors: `crl-issuer-unknown`, `crl-signature-invalid`.
    public mutating func apply(crl: CRL, seq: Int) throws {
        let candidates = authorities.values.filter { $0.subject == crl.issuer }
        guard !candidates.isEmpty else {
            throw TrailError(
                "crl-issuer-unknown", "no CA registered in the ledger (or trusted) is named \(crl.issuer.string)",
                remedy: "register the issuing CA's certificate chain before its CRL")
        }
        guard let issuer = candidates.first(where: { crl.isSignature(validUnder: $0) }) else {
            throw TrailError("crl-signature-invalid", "the CRL is not signed by the CA named \(crl.issuer.string)")
        }
        for entry in crl.entries {
            let key = RevocationKey(issuer: issuer.fingerprint, serial: entry.serialHex)
            if revoked[key] == nil { revoked[key] = seq }
        }
        for (fp, reg) in certificates where reg.revokedAt == nil {
            if revokedLink(reg.path) != nil { certificates[fp]!.revokedAt = seq }
        }
    }

    /// The first certificate on `path` revoked by its issuer on the path, with the CRL's seq.
    func revokedLink(_ path: [Certificate]) -> (Int, Int)? {
        guard path.count >= 2 else { return nil }
        for i in 0..<(path.count - 1) {
            if let s = revoked[RevocationKey(issuer: path[i + 1].fingerprint, serial: path[i].serialHex)] {
                return (i, s)
            }
        }
        return nil
    }

    /// A registered certificate usable for a signature at `seq` and `time`, or the reason it is not.
    /// Errors: `unknown-signer`, `signer-revoked`, `signer-not-yet-valid`, `signer-expired`.
    public func signer(_ fingerprint: String, at time: Date) throws -> RegisteredCertificate {
        guard let reg = certificates[fingerprint.lowercased()] else {
            throw TrailError(
                "unknown-signer", "keyid \(fingerprint.prefix(16))… names no certificate registered earlier in the ledger",
                remedy: "append the signer's certificate (ledger append --cert CERT.pem) before its statements")
        }
        if let r = reg.revokedAt {
            throw TrailError(
                "signer-revoked",
                "the signer \(reg.certificate.subject.string) was revoked by the CRL record at seq \(r)")
        }
        if time < reg.validFrom {
            throw TrailError(
                "signer-not-yet-valid", "the signer's certificate path is not valid until \(iso(reg.validFrom))")
        }
        if time > reg.validUntil {
            throw TrailError("signer-expired", "the signer's certificate path expired at \(iso(reg.validUntil))")
        }
        return reg
    }
}

func iso(_ d: Date) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.string(from: d)
}
