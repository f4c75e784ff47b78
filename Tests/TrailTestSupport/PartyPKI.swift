import Foundation
import TrailCrypto
import TrailLedger

/// A key and the certificate that certifies it.
public struct TestParty: Sendable {
    public let key: PrivateKey
    public let cert: Certificate

    public init(key: PrivateKey, cert: Certificate) {
        self.key = key
        self.cert = cert
    }
}

/// A small PKI for tests: root → intermediate → one Ed25519 leaf per role (2026-01-01 … 2027-12-31).
public final class PartyPKI: Sendable {
    public static let notBefore = ISO8601DateFormatter().date(from: "2026-01-01T00:00:00Z")!
    public static let notAfter = ISO8601DateFormatter().date(from: "2027-12-31T00:00:00Z")!

    public let rootKey: PrivateKey
    public let root: Certificate
    public let intermediateKey: PrivateKey
    public let intermediate: Certificate
    public let operatorParty: TestParty
    public let regulator: TestParty
    public let exporter: TestParty
    public let lab: TestParty
    public let customs: TestParty
    public let auditor: TestParty

    public init(exporterOrg: String = "Nvidia Export LLC") throws {
        rootKey = try PrivateKey.generate(.ed25519)
        root = try CertificateBuilder.selfSignedRoot(
            subject: try DistinguishedName(parsing: "CN=Test Root CA,O=Chiptrail Test,C=US"), key: rootKey,
            notBefore: PartyPKI.notBefore, notAfter: PartyPKI.notAfter)
        intermediateKey = try PrivateKey.generate(.ed25519)
        intermediate = try CertificateBuilder.caCertificate(
            subject: try DistinguishedName(parsing: "CN=Test Issuing CA,O=Chiptrail Test,C=US"),
            publicKey: intermediateKey.publicKey, issuer: root, issuerKey: rootKey, notBefore: PartyPKI.notBefore,
            notAfter: PartyPKI.notAfter)
        let (ic, ik) = (intermediate, intermediateKey)
        func leaf(_ role: Role, _ dn: String) throws -> TestParty {
            let k = try PrivateKey.generate(.ed25519)
            let c = try CertificateBuilder.leaf(
                subject: try DistinguishedName(parsing: dn), publicKey: k.publicKey, roles: [role], issuer: ic,
                issuerKey: ik, notBefore: PartyPKI.notBefore, notAfter: PartyPKI.notAfter)
            return TestParty(key: k, cert: c)
        }
        operatorParty = try leaf(.operator, "CN=Ledger Operator,O=Trade Ledger Office,C=US")
        regulator = try leaf(.regulator, "CN=BIS Licensing,O=Bureau of Industry and Security,C=US")
        exporter = try leaf(.exporter, "CN=Export Officer,O=\(exporterOrg),C=US")
        lab = try leaf(.lab, "CN=Lab Signer,O=Qualified Test Lab Inc,C=US")
        customs = try leaf(.customs, "CN=Customs Officer,O=GACC Shanghai,C=CN")
        auditor = try leaf(.auditor, "CN=Independent Auditor,O=Audit Partners,C=US")
    }

    /// A leaf under the intermediate with any roles, algorithm and validity.
    public func party(
        roles: [Role], subject: String, alg: KeyAlgorithm = .ed25519, notBefore: Date = PartyPKI.notBefore,
        notAfter: Date = PartyPKI.notAfter
    ) throws -> TestParty {
        let k = try PrivateKey.generate(alg)
        let c = try CertificateBuilder.leaf(
            subject: try DistinguishedName(parsing: subject), publicKey: k.publicKey, roles: roles, issuer: intermediate,
            issuerKey: intermediateKey, notBefore: notBefore, notAfter: notAfter)
        return TestParty(key: k, cert: c)
    }

    /// A CRL by the intermediate revoking `certs`.
    public func crl(revoking certs: [Certificate], number: Int = 1) throws -> CRL {
        try CRLBuilder.build(
            issuer: intermediate, issuerKey: intermediateKey,
            revoked: certs.map { CRL.Entry(serialHex: $0.serialHex, revocationDate: PartyPKI.notBefore, reason: nil) },
            crlNumber: number, thisUpdate: PartyPKI.notBefore, nextUpdate: PartyPKI.notAfter)
    }

    /// A CRL by the root revoking `certs` (e.g. the intermediate).
    public func rootCRL(revoking certs: [Certificate], number: Int = 1) throws -> CRL {
        try CRLBuilder.build(
            issuer: root, issuerKey: rootKey,
            revoked: certs.map { CRL.Entry(serialHex: $0.serialHex, revocationDate: PartyPKI.notBefore, reason: nil) },
            crlNumber: number, thisUpdate: PartyPKI.notBefore, nextUpdate: PartyPKI.notAfter)
    }
}

extension PartyPKI {
    /// Creates a ledger at `path` (origin `Samples.origin`) with this PKI's operator, intermediate and root.
    public func initializeLedger(at path: String, time: LedgerTime = Samples.time(0)) throws {
        try Ledger.initialize(
            path: path, origin: Samples.origin, operatorKey: operatorParty.key, operatorCert: operatorParty.cert,
            chain: [intermediate], trust: [root], time: time)
    }
}
