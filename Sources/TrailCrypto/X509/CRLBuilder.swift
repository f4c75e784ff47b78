import COpenSSL
import COpenSSLShims
import Foundation

/// Issues v2 CRLs in memory: cRLNumber, authorityKeyIdentifier, and per entry a reasonCode (omitted for
/// `unspecified`, as RFC 5280 §5.3.1 asks). Signed with the issuer key's scheme, like certificates.
public enum CRLBuilder {
    /// A CRL by `issuer` listing `revoked` (serial hex, revocation date, reason), sorted by serial.
    public static func build(
        issuer: Certificate, issuerKey: PrivateKey, revoked: [CRL.Entry], crlNumber: Int, thisUpdate: Date = Date(),
        nextUpdate: Date
    ) throws -> CRL {
        guard thisUpdate < nextUpdate else {
            throw TrailError.usage("invalid-validity", "a CRL's nextUpdate must be after its thisUpdate")
        }
        guard crlNumber >= 0 else { throw TrailError.usage("invalid-crl-number", "a CRL number is 0 or more") }
        guard let c = X509_CRL_new() else { throw OpenSSLErrors.error("internal-error", "X509_CRL_new failed") }
        let owner = X509CRLOwner(taking: c)
        guard X509_CRL_set_version(c, 1) == 1,
            X509_CRL_set_issuer_name(c, X509_get_subject_name(issuer.owner.x509)) == 1
        else { throw OpenSSLErrors.error("internal-error", "cannot set the CRL's version and issuer") }
        let tu = try ASN1.time(thisUpdate)
        defer { ASN1_TIME_free(tu) }
        let nu = try ASN1.time(nextUpdate)
        defer { ASN1_TIME_free(nu) }
        guard X509_CRL_set1_lastUpdate(c, tu) == 1, X509_CRL_set1_nextUpdate(c, nu) == 1 else {
            throw OpenSSLErrors.error("internal-error", "cannot set the CRL's update times")
        }
        for entry in revoked {
            guard let serialBytes = Hex.decode(entry.serialHex), !serialBytes.isEmpty else {
                throw TrailError.usage("invalid-serial", "serial \(entry.serialHex) is not hex")
            }
            guard let r = X509_REVOKED_new() else { throw OpenSSLErrors.error("internal-error", "X509_REVOKED_new") }
            var added = false
            defer { if !added { X509_REVOKED_free(r) } }
            let serial = try ASN1.integer(serialBytes)
            defer { ASN1_INTEGER_free(serial) }
            let date = try ASN1.time(entry.revocationDate)
            defer { ASN1_TIME_free(date) }
            guard X509_REVOKED_set_serialNumber(r, serial) == 1, X509_REVOKED_set_revocationDate(r, date) == 1 else {
                throw OpenSSLErrors.error("internal-error", "cannot fill a CRL entry")
            }
            if let reason = entry.reason, reason != .unspecified {
                guard let e = ASN1_ENUMERATED_new() else { throw OpenSSLErrors.error("internal-error", "ASN1_ENUMERATED_new") }
                defer { ASN1_ENUMERATED_free(e) }
                guard ASN1_ENUMERATED_set(e, reason.code) == 1,
                    X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, e, 0, 0) == 1
                else { throw OpenSSLErrors.error("internal-error", "cannot add the reason code") }
            }
            guard X509_CRL_add0_revoked(c, r) == 1 else { throw OpenSSLErrors.error("internal-error", "X509_CRL_add0_revoked") }
            added = true
        }
        guard X509_CRL_sort(c) == 1 else { throw OpenSSLErrors.error("internal-error", "X509_CRL_sort failed") }
        let number = try ASN1.integer(crlNumber == 0 ? [0] : bigEndian(crlNumber))
        defer { ASN1_INTEGER_free(number) }
        guard X509_CRL_add1_ext_i2d(c, NID_crl_number, number, 0, 0) == 1 else {
            throw OpenSSLErrors.error("internal-error", "cannot add the CRL number")
        }
        guard chiptrail_crl_add_ext_text(c, issuer.owner.x509, NID_authority_key_identifier, "keyid:always") == 1 else {
            throw OpenSSLErrors.error("internal-error", "cannot add the CRL's authorityKeyIdentifier")
        }
        try X509Signing.sign(with: issuerKey, what: "CRL") { X509_CRL_sign_ctx(c, $0) }
        return CRL(owner)
    }

    private static func bigEndian(_ n: Int) -> [UInt8] {
        var v = UInt64(n)
        var out: [UInt8] = []
        while v > 0 {
            out.insert(UInt8(v & 0xff), at: 0)
            v >>= 8
        }
        return out
    }
}
