import COpenSSL
import COpenSSLShims
import Foundation

/// Issues certificates in memory (SPEC.md §2 profiles): self-signed roots, CA certificates under a
/// parent, and role-bearing leaves. Every certificate is X.509 v3 with a random positive 16-byte serial and
/// a subjectKeyIdentifier; issued ones carry the issuer's authorityKeyIdentifier.
///
/// The issuer key is not checked against the issuer certificate here (tests build mis-signed certificates
/// with it); `CADirectory` checks it when it opens a CA.
public enum CertificateBuilder {
    /// A self-signed root: CA:TRUE (critical) with `pathLength` (nil for none), keyUsage keyCertSign and
    /// cRLSign (critical), SKI and AKI.
    public static func selfSignedRoot(
        subject: DistinguishedName, key: PrivateKey, pathLength: Int? = 1, notBefore: Date = Date(),
        notAfter: Date
    ) throws -> Certificate {
        try build(
            subject: subject, publicKey: key.publicKey, issuer: nil, issuerKey: key, notBefore: notBefore,
            notAfter: notAfter,
            extensions: caExtensions(pathLength: pathLength) + [(NID_authority_key_identifier, "keyid:always")])
    }

    /// A CA certificate signed by `issuer`: CA:TRUE (critical) with `pathLength` (default 0: it may issue
    /// only leaves), keyUsage keyCertSign and cRLSign (critical), SKI, AKI, and any `roles` as SAN URIs.
    public static func caCertificate(
        subject: DistinguishedName, publicKey: PublicKey, issuer: Certificate, issuerKey: PrivateKey,
        pathLength: Int? = 0, roles: [Role] = [], notBefore: Date = Date(), notAfter: Date
    ) throws -> Certificate {
        try build(
            subject: subject, publicKey: publicKey, issuer: issuer, issuerKey: issuerKey, notBefore: notBefore,
            notAfter: notAfter,
            extensions: caExtensions(pathLength: pathLength) + [(NID_authority_key_identifier, "keyid:always")]
                + sanExtension(roles))
    }

    /// A leaf: CA:FALSE (critical), keyUsage digitalSignature (critical), one SAN URI per role, SKI, AKI.
    public static func leaf(
        subject: DistinguishedName, publicKey: PublicKey, roles: [Role], issuer: Certificate,
        issuerKey: PrivateKey, notBefore: Date = Date(), notAfter: Date
    ) throws -> Certificate {
        try build(
            subject: subject, publicKey: publicKey, issuer: issuer, issuerKey: issuerKey, notBefore: notBefore,
            notAfter: notAfter,
            extensions: [
                (NID_basic_constraints, "critical,CA:FALSE"), (NID_key_usage, "critical,digitalSignature"),
                (NID_subject_key_identifier, "hash"), (NID_authority_key_identifier, "keyid:always"),
            ] + sanExtension(roles))
    }

    /// A random positive serial of 16 bytes whose first byte is non-zero (so it encodes in exactly 16).
    public static func randomSerial() throws -> [UInt8] {
        var s = try SecureRandom.bytes(16)
        s[0] &= 0x7f
        if s[0] == 0 { s[0] = 0x01 }
        return s
    }

    private static func caExtensions(pathLength: Int?) -> [(Int32, String)] {
        let bc = pathLength.map { "critical,CA:TRUE,pathlen:\($0)" } ?? "critical,CA:TRUE"
        return [
            (NID_basic_constraints, bc), (NID_key_usage, "critical,keyCertSign,cRLSign"),
            (NID_subject_key_identifier, "hash"),
        ]
    }

    private static func sanExtension(_ roles: [Role]) -> [(Int32, String)] {
        var seen = Set<Role>()
        let unique = roles.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else { return [] }
        return [(NID_subject_alt_name, unique.map { "URI:" + $0.uri }.joined(separator: ","))]
    }

    /// `issuer` nil means self-signed.
    private static func build(
        subject: DistinguishedName, publicKey: PublicKey, issuer: Certificate?, issuerKey: PrivateKey,
        notBefore: Date, notAfter: Date, extensions: [(Int32, String)]
    ) throws -> Certificate {
        guard notBefore < notAfter else {
            throw TrailError.usage("invalid-validity", "notBefore must be before notAfter")
        }
        if let pl = extensions.first(where: { $0.0 == NID_basic_constraints }), pl.1.contains("pathlen:-") {
            throw TrailError.usage("invalid-path-length", "a path length is 0 or more")
        }
        guard let x = X509_new() else { throw OpenSSLErrors.error("internal-error", "X509_new failed") }
        let owner = X509Owner(taking: x)
        guard X509_set_version(x, 2) == 1 else { throw OpenSSLErrors.error("internal-error", "X509_set_version") }

        let serial = try ASN1.integer(try randomSerial())
        defer { ASN1_INTEGER_free(serial) }
        guard X509_set_serialNumber(x, serial) == 1 else {
            throw OpenSSLErrors.error("internal-error", "cannot set the serial number")
        }

        let subjectName = try subject.makeX509Name()
        defer { X509_NAME_free(subjectName) }
        guard X509_set_subject_name(x, subjectName) == 1,
            X509_set_issuer_name(x, issuer.map { X509_get_subject_name($0.owner.x509) } ?? subjectName) == 1
        else { throw OpenSSLErrors.error("internal-error", "cannot set the subject and issuer names") }

        let nb = try ASN1.time(notBefore)
        defer { ASN1_TIME_free(nb) }
        let na = try ASN1.time(notAfter)
        defer { ASN1_TIME_free(na) }
        guard X509_set1_notBefore(x, nb) == 1, X509_set1_notAfter(x, na) == 1 else {
            throw OpenSSLErrors.error("internal-error", "cannot set the validity")
        }
        guard X509_set_pubkey(x, publicKey.pkey) == 1 else {
            throw OpenSSLErrors.error("internal-error", "cannot set the public key")
        }
        let issuerX509 = issuer?.owner.x509 ?? x
        for (nid, value) in extensions {
            guard chiptrail_x509_add_ext_text(x, issuerX509, nid, value) == 1 else {
                throw OpenSSLErrors.error("internal-error", "cannot add extension \(ASN1.name(nid: nid)) = \(value)")
            }
        }
        try X509Signing.sign(with: issuerKey, what: "certificate") { X509_sign_ctx(x, $0) }
        return Certificate(owner)
    }
}
