import COpenSSL
import COpenSSLShims
import Foundation

/// An X.509 certificate, parsed by OpenSSL.
///
/// Equality and hashing are by DER bytes.
public struct Certificate: Sendable, Hashable, CustomStringConvertible {
    let owner: X509Owner
    /// The DER encoding.
    public let der: [UInt8]

    init(_ owner: X509Owner) {
        self.owner = owner
        self.der = ASN1.der { i2d_X509(owner.x509, $0) }
        // Computed once per parse: every registration, path link, CRL and witness lookup reads them.
        self.fingerprint = Digest.sha256Hex(der)
        self.publicKeyID = Digest.sha256Hex(ASN1.der { i2d_X509_PUBKEY(X509_get_X509_PUBKEY(owner.x509), $0) })
    }

    /// Parses DER. Throws `malformed-certificate` for anything else (including trailing bytes).
    public init(der: [UInt8]) throws {
        let x: OpaquePointer? = der.withUnsafeBufferPointer { b in
            var p: UnsafePointer<UInt8>? = b.baseAddress
            guard let x = d2i_X509(nil, &p, b.count) else { return nil }
            if p != b.baseAddress.map({ $0 + b.count }) {
                X509_free(x)
                return nil
            }
            return x
        }
        guard let x else {
            throw OpenSSLErrors.error(
                "malformed-certificate", "not a DER X.509 certificate", category: .malformed)
        }
        self.init(X509Owner(taking: x))
    }

    /// The first `CERTIFICATE` block of a PEM text.
    public init(pem text: String, file: String? = nil) throws {
        guard let first = try Certificate.all(pem: text, file: file).first else {
            throw TrailError.malformed(
                "not-a-certificate", "no CERTIFICATE PEM block found",
                remedy: "give a PEM certificate (-----BEGIN CERTIFICATE-----)"
            ).at(file: file)
        }
        self = first
    }

    /// Every `CERTIFICATE` block of a PEM text, in order (other blocks are skipped; none is not an error).
    public static func all(pem text: String, file: String? = nil) throws -> [Certificate] {
        try PEM.blocks(in: text, file: file).filter { $0.label == "CERTIFICATE" }.map { block in
            let bio = MemoryBIO(Array(block.text.utf8))
            guard let x = PEM_read_bio_X509(bio.bio, nil, nil, nil) else {
                throw OpenSSLErrors.error(
                    "malformed-certificate", "a CERTIFICATE block does not parse", category: .malformed,
                    remedy: "the file is damaged; restore it from its source"
                ).at(file: file)
            }
            return Certificate(X509Owner(taking: x))
        }
    }

    /// Every certificate in a PEM file; `not-a-certificate` when it holds none.
    public static func load(file: String) throws -> [Certificate] {
        let certs = try all(pem: try FileIO.readText(file), file: file)
        guard !certs.isEmpty else {
            throw TrailError.malformed("not-a-certificate", "no CERTIFICATE PEM block found").at(file: file)
        }
        return certs
    }

    /// PEM (`-----BEGIN CERTIFICATE-----`).
    public var pem: String {
        let bio = MemoryBIO()
        precondition(PEM_write_bio_X509(bio.bio, owner.x509) == 1, "PEM_write_bio_X509 failed")
        return bio.string
    }

    /// Lowercase hex SHA-256 of the DER: the certificate's identity in the ledger (`keyid`, `anchors`).
    public let fingerprint: String

    /// Lowercase hex SHA-256 of the subject's SubjectPublicKeyInfo DER: the key, whatever certificate carries it
    /// (what revocation and witness counting are keyed by).
    public let publicKeyID: String

    public var subject: DistinguishedName { DistinguishedName(x509Name: X509_get_subject_name(owner.x509)) }
    public var issuer: DistinguishedName { DistinguishedName(x509Name: X509_get_issuer_name(owner.x509)) }
    public var subjectCommonName: String? { subject.commonName }
    public var subjectOrganization: String? { subject.organization }

    /// The serial number, lowercase hex of whole bytes.
    public var serialHex: String { ASN1.integerHex(X509_get0_serialNumber(owner.x509)) }

    public var notBefore: Date { ASN1.date(X509_get0_notBefore(owner.x509)) ?? .distantFuture }
    public var notAfter: Date { ASN1.date(X509_get0_notAfter(owner.x509)) ?? .distantPast }

    /// True when `date` lies inside [notBefore, notAfter].
    public func isValid(at date: Date) -> Bool { notBefore <= date && date <= notAfter }

    /// The roles named by subjectAltName URIs `urn:chiptrail:role:<role>`; other names are ignored.
    public var roles: [Role] { ASN1.roles(consuming: chiptrail_x509_get_san(owner.x509)) }

    /// Every subjectAltName URI.
    public var sanURIs: [String] { ASN1.uris(consuming: chiptrail_x509_get_san(owner.x509)) }

    /// basicConstraints CA:TRUE.
    public var isCA: Bool { X509_get_extension_flags(owner.x509) & UInt32(EXFLAG_CA) != 0 }

    /// basicConstraints pathLenConstraint; nil when absent (or not a CA).
    public var pathLength: Int? {
        let n = X509_get_pathlen(owner.x509)
        return n < 0 ? nil : Int(n)
    }

    /// keyUsage bit names as RFC 5280 spells them (`digitalSignature`, `keyCertSign`, `cRLSign`, …); empty
    /// when the extension is absent.
    public var keyUsage: Set<String> {
        guard X509_get_extension_flags(owner.x509) & UInt32(EXFLAG_KUSAGE) != 0 else { return [] }
        let bits = X509_get_key_usage(owner.x509)
        let names: [(UInt32, String)] = [
            (UInt32(KU_DIGITAL_SIGNATURE), "digitalSignature"), (UInt32(KU_NON_REPUDIATION), "nonRepudiation"),
            (UInt32(KU_KEY_ENCIPHERMENT), "keyEncipherment"), (UInt32(KU_DATA_ENCIPHERMENT), "dataEncipherment"),
            (UInt32(KU_KEY_AGREEMENT), "keyAgreement"), (UInt32(KU_KEY_CERT_SIGN), "keyCertSign"),
            (UInt32(KU_CRL_SIGN), "cRLSign"), (UInt32(KU_ENCIPHER_ONLY), "encipherOnly"),
            (UInt32(KU_DECIPHER_ONLY), "decipherOnly"),
        ]
        return Set(names.filter { bits & $0.0 != 0 }.map(\.1))
    }

    /// The subject public key. Throws `unsupported-key-algorithm` or `weak-key` for keys chiptrail refuses.
    public var publicKey: PublicKey {
        get throws {
            guard let pkey = X509_get_pubkey(owner.x509) else {
                throw OpenSSLErrors.error("malformed-key", "the certificate's public key does not parse", category: .malformed)
            }
            return PublicKey(try PKey(taking: pkey))
        }
    }

    /// The subject key's algorithm in words, also for keys chiptrail refuses (`ed25519`, `p256`, `RSA-1024`).
    public var publicKeyDescription: String { ASN1.describe(pkey: X509_get0_pubkey(owner.x509)) }

    /// Subject and issuer names are equal.
    public var isSelfIssued: Bool {
        X509_NAME_cmp(X509_get_subject_name(owner.x509), X509_get_issuer_name(owner.x509)) == 0
    }

    /// Self-issued and its signature verifies under its own key.
    public var isSelfSigned: Bool {
        guard isSelfIssued, let key = X509_get0_pubkey(owner.x509) else { return false }
        let ok = X509_verify(owner.x509, key) == 1
        if !ok { OpenSSLErrors.clear() }
        return ok
    }

    /// True when this certificate's signature verifies under `issuer`'s public key.
    public func isSignature(validUnder issuer: Certificate) -> Bool {
        guard let key = X509_get0_pubkey(issuer.owner.x509) else { return false }
        let ok = X509_verify(owner.x509, key) == 1
        if !ok { OpenSSLErrors.clear() }
        return ok
    }

    /// OpenSSL's long name of the signature algorithm (`ED25519`, `ecdsa-with-SHA256`, `rsassaPss`).
    public var signatureAlgorithmName: String { ASN1.name(nid: X509_get_signature_nid(owner.x509)) }

    /// subjectKeyIdentifier, lowercase hex; nil when absent.
    public var subjectKeyIdentifierHex: String? {
        ASN1.bytes(X509_get0_subject_key_id(owner.x509)).map(Hex.encode)
    }

    /// authorityKeyIdentifier keyIdentifier, lowercase hex; nil when absent.
    public var authorityKeyIdentifierHex: String? {
        ASN1.bytes(X509_get0_authority_key_id(owner.x509)).map(Hex.encode)
    }

    public var description: String { "Certificate(\(subject), serial \(serialHex))" }

    public static func == (a: Certificate, b: Certificate) -> Bool { a.der == b.der }
    public func hash(into h: inout Hasher) { h.combine(der) }
}
