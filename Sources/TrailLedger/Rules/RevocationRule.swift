import TrailCrypto

/// A `crl` record: signed by a CA (keyUsage cRLSign when present) of a chain already validated in the ledger or an
/// anchor; its serials are revoked under the signing key from the record's position on, whatever their
/// revocationDate, and permanently (see `TrustState.apply(crl:seq:)`).
///
/// Codes: `malformed-crl`, `crl-issuer-unknown`, `crl-signature-invalid`, `crl-issuer-not-ca`.
enum RevocationRule {
    static func apply(_ der: [UInt8], seq: Int, trust: inout TrustState) -> [Finding] {
        do {
            try trust.apply(crl: try CRL(der: der), seq: seq)
            return []
        } catch {
            return [Finding(seq: seq, TrailError.wrap(error))]
        }
    }
}
