import Foundation
import Testing
import TrailCrypto
import TrailTestSupport

/// ChainValidator accepts good paths and refuses each kind of bad one with its exact stable code.
@Suite struct X509ValidationTests {
    static let inside = testDate("2026-06-01T00:00:00Z")

    func codes(_ v: ChainValidation) -> [String] { v.failures.map(\.code.rawValue) }

    @Test(arguments: [KeyAlgorithm.ed25519, .p256, .rsa(bits: 3072)])
    func validPathLeafToAnchor(_ alg: KeyAlgorithm) throws {
        let pki = try TestPKI(alg, leafAlg: .ed25519)
        let v = ChainValidator(anchors: [pki.root]).validate(
            pki.leaf, intermediates: [pki.intermediate], at: Self.inside, role: .lab, leafMustNotBeCA: true)
        #expect(v.failures == [])
        #expect(v.path == [pki.leaf, pki.intermediate, pki.root])
        #expect(try v.validated() == [pki.leaf, pki.intermediate, pki.root])
        // A chain that includes the root is fine: the root is ignored.
        let withRoot = ChainValidator(anchors: [pki.root]).validate(
            pki.leaf, intermediates: [pki.intermediate, pki.root], at: Self.inside)
        #expect(withRoot.isValid)
    }

    @Test func expired() throws {
        let pki = try TestPKI()
        let v = ChainValidator(anchors: [pki.root]).validate(
            pki.leaf, intermediates: [pki.intermediate], at: testDate("2029-01-01T00:00:00Z"))
        #expect(codes(v) == ["cert-expired"])
        #expect(throws: TrailError.self) { try v.validated() }
    }

    @Test func notYetValid() throws {
        let pki = try TestPKI()
        let v = ChainValidator(anchors: [pki.root]).validate(
            pki.leaf, intermediates: [pki.intermediate], at: testDate("2025-12-31T23:59:59Z"))
        #expect(Set(codes(v)) == ["cert-not-yet-valid"])
        #expect(v.failures.count == 3)  // root, intermediate and leaf each
    }

    @Test func wrongRole() throws {
        let pki = try TestPKI(roles: [.lab, .auditor])
        let v = ChainValidator(anchors: [pki.root]).validate(
            pki.leaf, intermediates: [pki.intermediate], at: Self.inside, role: .customs)
        #expect(codes(v) == ["role-not-permitted"])
        #expect(v.path.count == 3)
        let ca = ChainValidator(anchors: [pki.root]).validate(
            pki.intermediate, at: Self.inside, leafMustNotBeCA: true)
        #expect(codes(ca) == ["role-not-permitted"])
    }

    @Test func issuerNotACA() throws {
        let pki = try TestPKI()
        let key = try PrivateKey.generate(.ed25519)
        let leaf = try CertificateBuilder.leaf(
            subject: DistinguishedName(parsing: "CN=Leaf,O=x,C=US"), publicKey: key.publicKey, roles: [.lab],
            issuer: pki.root, issuerKey: pki.rootKey, notBefore: pki.leaf.notBefore, notAfter: pki.leaf.notAfter)
        let underKey = try PrivateKey.generate(.ed25519)
        let underLeaf = try CertificateBuilder.leaf(
            subject: DistinguishedName(parsing: "CN=Under Leaf,O=x,C=US"), publicKey: underKey.publicKey, roles: [.lab],
            issuer: leaf, issuerKey: key, notBefore: pki.leaf.notBefore, notAfter: pki.leaf.notAfter)
        let v = ChainValidator(anchors: [pki.root]).validate(underLeaf, intermediates: [leaf], at: Self.inside)
        #expect(codes(v) == ["issuer-not-ca"], "\(v.failures)")
    }

    @Test func pathLengthExceeded() throws {
        // A root with pathLen 0 may issue only leaves, not an intermediate.
        let rootKey = try PrivateKey.generate(.p256)
        let root = try CertificateBuilder.selfSignedRoot(
            subject: DistinguishedName(parsing: "CN=Strict Root,O=x,C=US"), key: rootKey, pathLength: 0,
            notBefore: testDate("2026-01-01T00:00:00Z"), notAfter: testDate("2030-01-01T00:00:00Z"))
        let interKey = try PrivateKey.generate(.p256)
        let inter = try CertificateBuilder.caCertificate(
            subject: DistinguishedName(parsing: "CN=Inter,O=x,C=US"), publicKey: interKey.publicKey, issuer: root,
            issuerKey: rootKey, notBefore: root.notBefore, notAfter: root.notAfter)
        let leafKey = try PrivateKey.generate(.ed25519)
        let leaf = try CertificateBuilder.leaf(
            subject: DistinguishedName(parsing: "CN=Leaf,O=x,C=US"), publicKey: leafKey.publicKey, roles: [.lab],
            issuer: inter, issuerKey: interKey, notBefore: root.notBefore, notAfter: root.notAfter)
        let v = ChainValidator(anchors: [root]).validate(leaf, intermediates: [inter], at: Self.inside)
        #expect(codes(v) == ["path-length-exceeded"], "\(v.failures)")
        #expect(v.failures[0].message.contains("CN=Strict Root"))
    }

    @Test func signatureByAnotherKey() throws {
        let pki = try TestPKI()
        let other = try PrivateKey.generate(.ed25519)
        let forged = try CertificateBuilder.leaf(
            subject: DistinguishedName(parsing: "CN=Forged,O=x,C=US"), publicKey: other.publicKey, roles: [.lab],
            issuer: pki.intermediate, issuerKey: other, notBefore: pki.leaf.notBefore, notAfter: pki.leaf.notAfter)
        let v = ChainValidator(anchors: [pki.root]).validate(forged, intermediates: [pki.intermediate], at: Self.inside)
        #expect(codes(v) == ["cert-signature-invalid"])
    }

    @Test func revokedAndCRLProblems() throws {
        let pki = try TestPKI()
        let at = Self.inside
        func crl(_ issuer: Certificate, _ key: PrivateKey, _ revoked: [CRL.Entry], this: Date, next: Date) throws -> CRL {
            try CRLBuilder.build(issuer: issuer, issuerKey: key, revoked: revoked, crlNumber: 1, thisUpdate: this, nextUpdate: next)
        }
        let before = testDate("2026-05-01T00:00:00Z")
        let after = testDate("2026-07-01T00:00:00Z")
        let rootCRL = try crl(pki.root, pki.rootKey, [], this: before, next: after)
        let entry = CRL.Entry(serialHex: pki.leaf.serialHex, revocationDate: before, reason: .keyCompromise)
        let interCRL = try crl(pki.intermediate, pki.intermediateKey, [entry], this: before, next: after)
        let cleanInterCRL = try crl(pki.intermediate, pki.intermediateKey, [], this: before, next: after)
        let validator = ChainValidator(anchors: [pki.root])
        func check(_ crls: [CRL], at: Date = at) -> [String] {
            codes(validator.validate(pki.leaf, intermediates: [pki.intermediate], crls: crls, at: at))
        }
        #expect(check([rootCRL, cleanInterCRL]) == [])
        #expect(check([rootCRL, interCRL]) == ["cert-revoked"])
        #expect(check([rootCRL]) == ["crl-missing"])
        let stale = try crl(pki.intermediate, pki.intermediateKey, [], this: before, next: testDate("2026-05-15T00:00:00Z"))
        #expect(check([rootCRL, stale]) == ["crl-expired"])
        let future = try crl(pki.intermediate, pki.intermediateKey, [], this: testDate("2026-06-15T00:00:00Z"), next: after)
        #expect(check([rootCRL, future]) == ["crl-not-yet-valid"])
        // A CRL in the intermediate's name signed by another key.
        let forged = try crl(pki.intermediate, try PrivateKey.generate(.ed25519), [], this: before, next: after)
        #expect(check([rootCRL, forged]) == ["crl-signature-invalid"])
    }

    @Test func unknownIssuer() throws {
        let pki = try TestPKI()
        let stranger = try TestPKI()
        let v = ChainValidator(anchors: [stranger.root]).validate(pki.leaf, intermediates: [pki.intermediate], at: Self.inside)
        #expect(codes(v) == ["unknown-issuer"])
        // A chain ending in a root that is not trusted.
        let v2 = ChainValidator(anchors: [stranger.root]).validate(
            pki.leaf, intermediates: [pki.intermediate, pki.root], at: Self.inside)
        #expect(codes(v2) == ["unknown-issuer"])
        // No intermediate given.
        let v3 = ChainValidator(anchors: [pki.root]).validate(pki.leaf, at: Self.inside)
        #expect(codes(v3) == ["unknown-issuer"])
        // An intermediate given as anchor is not a trust anchor (no partial chains).
        let v4 = ChainValidator(anchors: [pki.intermediate]).validate(pki.leaf, at: Self.inside)
        #expect(codes(v4) == ["unknown-issuer"])
    }

    /// Signs a leaf for `keyArgs` with the openssl CLI under `pki`'s intermediate.
    func opensslLeaf(_ pki: TestPKI, keyArgs: [String], digest: String, dir: TempDir) throws -> Certificate {
        let caKey = try dir.write("ca.key", try pki.intermediateKey.pem(passphrase: nil))
        let caCert = try dir.write("ca.pem", pki.intermediate.pem)
        let key = dir.file("leaf.key")
        try opensslOK(["genpkey"] + keyArgs + ["-out", key])
        let req = dir.file("leaf.csr")
        try opensslOK(["req", "-new", "-key", key, "-subj", "/C=US/O=Old Lab/CN=Old Lab", "-out", req])
        let ext = try dir.write("ext.cnf", """
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature
            subjectKeyIdentifier=hash
            authorityKeyIdentifier=keyid:always
            subjectAltName=URI:urn:chiptrail:role:lab

            """)
        let out = dir.file("leaf.pem")
        try opensslOK(["x509", "-req", "-in", req, "-CA", caCert, "-CAkey", caKey, "-CAcreateserial", "-days", "30",
            "-\(digest)", "-extfile", ext, "-out", out])
        return try Certificate(pem: String(contentsOfFile: out, encoding: .utf8))
    }

    @Test func rsaUnder2048IsWeakKey() throws {
        let pki = try TestPKI(.p256, notBefore: Date().addingTimeInterval(-3600),
            notAfter: Date().addingTimeInterval(86400 * 365), leafNotAfter: Date().addingTimeInterval(86400 * 30))
        let dir = TempDir()
        let leaf = try opensslLeaf(pki, keyArgs: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"], digest: "sha256", dir: dir)
        #expect(leaf.publicKeyDescription == "RSA-1024")
        #expect(throws: TrailError.self) { try leaf.publicKey }
        let v = ChainValidator(anchors: [pki.root]).validate(leaf, intermediates: [pki.intermediate], at: Date(), role: .lab)
        #expect(codes(v) == ["weak-key"])
    }

    @Test func sha1SignatureIsWeak() throws {
        let pki = try TestPKI(.p256, notBefore: Date().addingTimeInterval(-3600),
            notAfter: Date().addingTimeInterval(86400 * 365), leafNotAfter: Date().addingTimeInterval(86400 * 30))
        let dir = TempDir()
        let leaf = try opensslLeaf(pki, keyArgs: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], digest: "sha1", dir: dir)
        #expect(leaf.signatureAlgorithmName == "ecdsa-with-SHA1")
        let v = ChainValidator(anchors: [pki.root]).validate(leaf, intermediates: [pki.intermediate], at: Date(), role: .lab)
        #expect(codes(v) == ["weak-signature-algorithm"])
    }
}
