import COpenSSL
import COpenSSLShims
import Foundation

/// A PKCS#10 certificate signing request whose subjectAltName extension asks for roles.
public struct CertificateSigningRequest: Sendable {
    let owner: X509ReqOwner
    /// The DER encoding.
    public let der: [UInt8]

    init(_ owner: X509ReqOwner) {
        self.owner = owner
        self.der = ASN1.der { i2d_X509_REQ(owner.req, $0) }
    }

    /// A request for `subject` and `roles`, signed with `key` (its algorithm's one scheme).
    public init(key: PrivateKey, subject: DistinguishedName, roles: [Role]) throws {
        guard let req = X509_REQ_new() else { throw OpenSSLErrors.error("internal-error", "X509_REQ_new failed") }
        let owner = X509ReqOwner(taking: req)
        guard X509_REQ_set_version(req, 0) == 1 else { throw OpenSSLErrors.error("internal-error", "X509_REQ_set_version") }
        let name = try subject.makeX509Name()
        defer { X509_NAME_free(name) }
        guard X509_REQ_set_subject_name(req, name) == 1, X509_REQ_set_pubkey(req, key.pkey) == 1 else {
            throw OpenSSLErrors.error("internal-error", "cannot set the request's subject and key")
        }
        var seen = Set<Role>()
        let unique = roles.filter { seen.insert($0).inserted }
        if !unique.isEmpty {
            let san = unique.map { "URI:" + $0.uri }.joined(separator: ",")
            guard chiptrail_req_add_san_text(req, san) == 1 else {
                throw OpenSSLErrors.error("internal-error", "cannot add the subjectAltName to the request")
            }
        }
        try X509Signing.sign(with: key, what: "request") { X509_REQ_sign_ctx(req, $0) }
        self.init(owner)
    }

    /// Parses DER. Throws `malformed-csr`.
    public init(der: [UInt8]) throws {
        let r: OpaquePointer? = der.withUnsafeBufferPointer { b in
            var p: UnsafePointer<UInt8>? = b.baseAddress
            guard let r = d2i_X509_REQ(nil, &p, b.count) else { return nil }
            if p != b.baseAddress.map({ $0 + b.count }) {
                X509_REQ_free(r)
                return nil
            }
            return r
        }
        guard let r else {
            throw OpenSSLErrors.error("malformed-csr", "not a DER certificate signing request", category: .malformed)
        }
        self.init(X509ReqOwner(taking: r))
    }

    /// The first `CERTIFICATE REQUEST` (or `NEW CERTIFICATE REQUEST`) block of a PEM text.
    public init(pem text: String, file: String? = nil) throws {
        let blocks = try PEM.blocks(in: text, file: file)
        guard let block = blocks.first(where: { $0.label == "CERTIFICATE REQUEST" || $0.label == "NEW CERTIFICATE REQUEST" })
        else {
            throw TrailError.malformed(
                "not-a-csr", "expected a CERTIFICATE REQUEST PEM block, found \(blocks[0].label)",
                remedy: "create one with `chiptrail csr`"
            ).at(file: file)
        }
        let bio = MemoryBIO(Array(block.text.utf8))
        guard let r = PEM_read_bio_X509_REQ(bio.bio, nil, nil, nil) else {
            throw OpenSSLErrors.error("malformed-csr", "the CERTIFICATE REQUEST block does not parse", category: .malformed)
                .at(file: file)
        }
        self.init(X509ReqOwner(taking: r))
    }

    /// PEM (`-----BEGIN CERTIFICATE REQUEST-----`).
    public var pem: String {
        let bio = MemoryBIO()
        precondition(PEM_write_bio_X509_REQ(bio.bio, owner.req) == 1, "PEM_write_bio_X509_REQ failed")
        return bio.string
    }

    public var subject: DistinguishedName { DistinguishedName(x509Name: X509_REQ_get_subject_name(owner.req)) }

    /// The roles the request's subjectAltName asks for.
    public var requestedRoles: [Role] { ASN1.roles(consuming: chiptrail_req_get_san(owner.req)) }

    /// The requested public key. Throws `unsupported-key-algorithm` or `weak-key` for keys chiptrail refuses.
    public var publicKey: PublicKey {
        get throws {
            guard let pkey = X509_REQ_get_pubkey(owner.req) else {
                throw OpenSSLErrors.error("malformed-key", "the request's public key does not parse", category: .malformed)
            }
            return PublicKey(try PKey(taking: pkey))
        }
    }

    /// True when the request is signed by the private half of its own public key (proof of possession).
    public var isSignatureValid: Bool {
        guard let pkey = X509_REQ_get0_pubkey(owner.req) else { return false }
        let ok = X509_REQ_verify(owner.req, pkey) == 1
        if !ok { OpenSSLErrors.clear() }
        return ok
    }
}
