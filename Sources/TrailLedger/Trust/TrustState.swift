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
    /// SHA-256 of the subject key's SubjectPublicKeyInfo: the key, whichever certificate carries it.
    public let keyID: String
    public let roles: [Role]
    public let organization: String?
    public let commonName: String?
    /// basicConstraints CA:TRUE.
    public let isCA: Bool
    /// keyUsage bit names; empty when the extension is absent.
    public let keyUsage: Set<String>

    /// What a certificate says about itself, decoded once (the public key, roles, names, CA flag, key usage): the
    /// part of a registration that depends on nothing but the certificate, so it can be done ahead in parallel.
    public struct Facts: Sendable {
        let certificate: Certificate
        let publicKey: PublicKey
        let roles: [Role]
        let organization: String?
        let commonName: String?
        let isCA: Bool
        let keyUsage: Set<String>

        public init(_ certificate: Certificate) throws {
            self.certificate = certificate
            publicKey = try certificate.publicKey
            roles = certificate.roles
            let subject = certificate.subject
            organization = subject.organization
            commonName = subject.commonName
            isCA = certificate.isCA
            keyUsage = certificate.keyUsage
        }
    }

    init(facts: Facts, path: [Certificate], seq: Int, validFrom: Date, validUntil: Date, revokedAt: Int?) {
        self.certificate = facts.certificate
        self.path = path
        self.seq = seq
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.revokedAt = revokedAt
        fingerprint = facts.certificate.fingerprint
        publicKey = facts.publicKey
        keyID = facts.publicKey.keyID
        roles = facts.roles
        organization = facts.organization
        commonName = facts.commonName
        isCA = facts.isCA
        keyUsage = facts.keyUsage
    }

    init(certificate: Certificate, path: [Certificate], seq: Int, validFrom: Date, validUntil: Date, revokedAt: Int?)
        throws
    {
        self.init(
            facts: try Facts(certificate), path: path, seq: seq, validFrom: validFrom, validUntil: validUntil,
            revokedAt: revokedAt)
    }
}

/// Ledger-time trust: anchors, registered certificates, the certificates able to sign CRLs, and revocations, each
/// taking effect at its record's position (DESIGN-NOTES "Ledger-time trust").
///
/// Revocation is keyed by the **issuing CA's public key** and the serial: a CRL signed by a key revokes that serial
/// under every certificate of that key (a CA renewed with the same key and name), so no verdict depends on which of
/// two such certificates a path happens to run through. Every lookup is by an index (O(1) or O(log n) per record);
/// nothing iterates a hash table where the order could change a verdict.
public struct TrustState: Sendable {
    public private(set) var anchors: [Certificate]
    public private(set) var certificates: [String: RegisteredCertificate] = [:]
    /// CA certificates seen on validated paths (and the anchors), by fingerprint.
    public private(set) var authorities: [String: Certificate] = [:]
    /// Revoked (issuer key, serial) pairs with the seq of the CRL record that revoked them.
    public private(set) var revoked: [RevocationKey: Int] = [:]

    // Derived indexes, rebuilt from the fields above (`reindex`).
    /// Every certificate that could have signed a CRL (anchors, path certificates, registered ones), by exact name.
    private var issuersByName: [[UInt8]: [String: Certificate]] = [:]
    /// For each (issuer key, serial) link of a registered certificate's path, the registered certificates it carries.
    private var dependents: [RevocationKey: [String]] = [:]
    /// Auditor-role Ed25519 certificates by their cosignature key name and key ID, in registration order.
    private var witnessesByNoteKey: [WitnessKey: [String]] = [:]

    public struct RevocationKey: Hashable, Sendable {
        /// `publicKeyID` (SPKI SHA-256) of the issuing CA's key.
        public var issuer: String
        public var serial: String
    }

    struct WitnessKey: Hashable, Sendable {
        var name: [UInt8]
        var keyID: UInt32
    }

    /// Built once: it checks the anchors' self-signatures.
    private let validator: ChainValidator

    public init(anchors: [Certificate]) {
        self.anchors = anchors
        validator = ChainValidator(anchors: anchors)
        for a in anchors { authorities[a.fingerprint] = a }
        reindex()
    }

    /// A state saved earlier (the sidecar index's snapshot), restored as it was.
    init(
        anchors: [Certificate], certificates: [String: RegisteredCertificate], authorities: [String: Certificate],
        revoked: [RevocationKey: Int]
    ) {
        self.anchors = anchors
        validator = ChainValidator(anchors: anchors)
        self.certificates = certificates
        self.authorities = authorities
        self.revoked = revoked
        reindex()
    }

    private mutating func reindex() {
        issuersByName = [:]
        dependents = [:]
        witnessesByNoteKey = [:]
        for a in anchors { indexIssuer(a) }
        for c in authorities.values { indexIssuer(c) }
        for reg in certificates.values.sorted(by: { ($0.seq, $0.fingerprint) < ($1.seq, $1.fingerprint) }) {
            index(reg)
        }
    }

    private mutating func indexIssuer(_ c: Certificate) {
        issuersByName[c.subject.exactKey, default: [:]][c.fingerprint] = c
    }

    private mutating func index(_ reg: RegisteredCertificate) {
        indexIssuer(reg.certificate)
        for c in reg.path.dropFirst() { indexIssuer(c) }
        for link in Self.links(reg.path) { dependents[link, default: []].append(reg.fingerprint) }
        if reg.roles.contains(.auditor), let name = WitnessName.of(reg.certificate),
            let raw = reg.publicKey.ed25519Raw
        {
            let key = WitnessKey(name: Array(name.utf8), keyID: CosignatureV1.keyID(name: name, publicKey: raw))
            witnessesByNoteKey[key, default: []].append(reg.fingerprint)
        }
    }

    /// The (issuer key, serial) pairs of a path, leaf first: revoking any of them breaks the path.
    static func links(_ path: [Certificate]) -> [RevocationKey] {
        guard path.count >= 2 else { return [] }
        return (0..<(path.count - 1)).map { RevocationKey(issuer: path[$0 + 1].publicKeyID, serial: path[$0].serialHex) }
    }

    /// Validates `cert` with `chain` at `time` against the anchors and earlier revocations.
    /// `prevalidated` is the same validation done ahead against a superset of the anchors: used when it succeeded with
    /// a path ending at one of this state's anchors, redone otherwise (so the failure reported is this state's own).
    public func validate(
        cert: Certificate, chain: [Certificate], at time: Date, role: Role? = nil, prevalidated: ChainValidation? = nil
    ) throws -> [Certificate] {
        let result: ChainValidation
        if let pre = prevalidated, role == nil,
            pre.isValid, let top = pre.path.last, anchors.contains(where: { $0.der == top.der })
        {
            result = pre
        } else {
            result = validator.validate(cert, intermediates: chain, at: time, role: role)
        }
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
    public mutating func register(
        _ cert: Certificate, path: [Certificate], seq: Int, facts: RegisteredCertificate.Facts? = nil
    ) throws -> Bool {
        let fp = cert.fingerprint
        if certificates[fp] != nil { return false }
        let from = path.map(\.notBefore).max() ?? cert.notBefore
        let until = path.map(\.notAfter).min() ?? cert.notAfter
        let known = try facts.flatMap { $0.certificate == cert ? $0 : nil } ?? RegisteredCertificate.Facts(cert)
        let reg = RegisteredCertificate(facts: known, path: path, seq: seq, validFrom: from, validUntil: until, revokedAt: nil)
        certificates[fp] = reg
        for c in path.dropFirst() where c.isCA { authorities[c.fingerprint] = c }
        if cert.isCA { authorities[cert.fingerprint] = cert }
        index(reg)
        return true
    }

    /// Applies a CRL record (DESIGN-NOTES "CRL records"): the CRL's issuer is every certificate of its name whose key
    /// verifies its signature; it must be a CA whose keyUsage, when present, includes cRLSign. Each listed serial is
    /// revoked under that key from `seq` on, and every registered certificate whose path it breaks is marked.
    /// Errors: `crl-issuer-unknown`, `crl-signature-invalid`, `crl-issuer-not-ca`.
    public mutating func apply(crl: CRL, seq: Int) throws {
        let named = issuersByName[crl.issuer.exactKey] ?? [:]
        guard !named.isEmpty else {
            throw TrailError(
                "crl-issuer-unknown", "no certificate registered in the ledger (or trusted) is named \(crl.issuer.string)",
                remedy: "register the issuing CA's certificate chain before its CRL")
        }
        let signing = named.keys.sorted().compactMap { named[$0] }.filter { crl.isSignature(validUnder: $0) }
        guard !signing.isEmpty else {
            throw TrailError("crl-signature-invalid", "the CRL is not signed by any certificate named \(crl.issuer.string)")
        }
        let issuers = signing.filter { $0.isCA && ($0.keyUsage.isEmpty || $0.keyUsage.contains("cRLSign")) }
        guard !issuers.isEmpty else {
            let c = signing[0]
            throw TrailError(
                "crl-issuer-not-ca",
                "the CRL is signed by \(c.subject.string), which is \(c.isCA ? "a CA whose keyUsage lacks cRLSign" : "not a CA")",
                remedy: "CRLs must be signed by the issuing CA's key (CA:TRUE, keyUsage cRLSign)")
        }
        let keys = Set(issuers.map(\.publicKeyID)).sorted()
        for entry in crl.entries {
            for k in keys {
                let key = RevocationKey(issuer: k, serial: entry.serialHex)
                guard revoked[key] == nil else { continue }
                revoked[key] = seq
                for fp in dependents[key] ?? [] where certificates[fp]?.revokedAt == nil {
                    certificates[fp]!.revokedAt = seq
                }
            }
        }
    }

    /// The certificate of `der` when the ledger already holds it (a chain repeats its intermediates in every
    /// record): parsing DER is a large part of a certificate record's cost.
    public func known(der: [UInt8]) throws -> Certificate {
        let fp = Digest.sha256Hex(der)
        if let c = authorities[fp] ?? certificates[fp]?.certificate { return c }
        return try Certificate(der: der)
    }

    /// The first certificate on `path` revoked under its issuer's key, with the CRL's seq.
    func revokedLink(_ path: [Certificate]) -> (Int, Int)? {
        for (i, link) in Self.links(path).enumerated() {
            if let s = revoked[link] { return (i, s) }
        }
        return nil
    }

    /// A registered certificate usable for a signature at `time`, or the reason it is not.
    /// Errors: `unknown-signer`, `signer-revoked`, `signer-not-yet-valid`, `signer-expired`.
    public func signer(_ fingerprint: String, at time: Date) throws -> RegisteredCertificate {
        guard let reg = certificates[fingerprint.lowercased()] else {
            throw TrailError(
                "unknown-signer", "keyid \(fingerprint.prefix(16))… names no certificate registered earlier in the ledger",
                remedy: "append the signer's certificate (ledger append --cert CERT.pem) before its statements")
        }
        try reg.usable(at: time)
        return reg
    }

    /// Auditor certificates whose cosignature key name and key ID are `name` and `keyID`, in registration order.
    func witnesses(name: String, keyID: UInt32) -> [RegisteredCertificate] {
        (witnessesByNoteKey[WitnessKey(name: Array(name.utf8), keyID: keyID)] ?? []).compactMap { certificates[$0] }
    }
}

extension RegisteredCertificate {
    /// Throws unless the certificate is unrevoked and `time` lies inside its path's validity.
    /// Errors: `signer-revoked`, `signer-not-yet-valid`, `signer-expired`.
    public func usable(at time: Date) throws {
        if let r = revokedAt {
            throw TrailError(
                "signer-revoked", "the signer \(certificate.subject.string) was revoked by the CRL record at seq \(r)")
        }
        if time < validFrom {
            throw TrailError("signer-not-yet-valid", "the signer's certificate path is not valid until \(iso(validFrom))")
        }
        if time > validUntil {
            throw TrailError("signer-expired", "the signer's certificate path expired at \(iso(validUntil))")
        }
    }
}

func iso(_ d: Date) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.string(from: d)
}
