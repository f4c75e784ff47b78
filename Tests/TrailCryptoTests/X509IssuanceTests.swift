import Foundation
import Testing
import TrailCrypto
import TrailTestSupport

/// Certificates, CSRs and CRLs chiptrail issues are read and accepted by the `openssl` command line.
@Suite struct X509IssuanceTests {
    @Test(arguments: [KeyAlgorithm.ed25519, .p256, .rsa(bits: 3072)])
    func issuedChainPassesOpenSSLVerify(_ alg: KeyAlgorithm) throws {
        let pki = try TestPKI(alg, leafAlg: .ed25519, notBefore: Date().addingTimeInterval(-3600),
            notAfter: Date().addingTimeInterval(86400 * 365), leafNotAfter: Date().addingTimeInterval(86400 * 30))
        let dir = TempDir()
        let root = try dir.write("root.pem", pki.root.pem)
        let inter = try dir.write("inter.pem", pki.intermediate.pem)
        let leaf = try dir.write("leaf.pem", pki.leaf.pem)
        let out = try opensslOK(["verify", "-x509_strict", "-auth_level", "2", "-CAfile", root, "-untrusted", inter, leaf])
        #expect(out.contains("OK"))

        let leafText = try opensslOK(["x509", "-in", leaf, "-noout", "-text"])
        #expect(leafText.contains("URI:urn:chiptrail:role:lab"))
        #expect(leafText.contains("CA:FALSE"))
        #expect(leafText.contains("Digital Signature"))
        #expect(leafText.contains("X509v3 Subject Key Identifier"))
        #expect(leafText.contains("X509v3 Authority Key Identifier"))
        let rootText = try opensslOK(["x509", "-in", root, "-noout", "-text"])
        #expect(rootText.contains("CA:TRUE, pathlen:1"))
        #expect(rootText.contains("Certificate Sign, CRL Sign"))
        let interText = try opensslOK(["x509", "-in", inter, "-noout", "-text"])
        #expect(interText.contains("CA:TRUE, pathlen:0"))
        if case .rsa = alg {
            #expect(interText.contains("rsassaPss"))
            #expect(interText.contains("Mask Algorithm: mgf1 with sha256"))
        }
        let serial = try opensslOK(["x509", "-in", leaf, "-noout", "-serial"])
        #expect(serial.lowercased() == "serial=\(pki.leaf.serialHex)\n")
        #expect(pki.leaf.serialHex.count == 32)
    }

    @Test func certificateAccessors() throws {
        let pki = try TestPKI(.p256, roles: [.lab, .exporter])
        let leaf = pki.leaf
        #expect(leaf.subject.string == "CN=Lab One,O=Acme Testing,C=US")
        #expect(leaf.issuer == pki.intermediate.subject)
        #expect(leaf.subjectCommonName == "Lab One")
        #expect(leaf.subjectOrganization == "Acme Testing")
        #expect(leaf.roles == [.lab, .exporter])
        #expect(!leaf.isCA && leaf.pathLength == nil)
        #expect(leaf.keyUsage == ["digitalSignature"])
        #expect(pki.root.isCA && pki.root.pathLength == 1 && pki.root.isSelfIssued && pki.root.isSelfSigned)
        #expect(pki.intermediate.pathLength == 0 && !pki.intermediate.isSelfIssued)
        #expect(pki.root.keyUsage == ["keyCertSign", "cRLSign"])
        #expect(leaf.notBefore == testDate("2026-01-01T00:00:00Z"))
        #expect(leaf.notAfter == testDate("2028-01-01T00:00:00Z"))
        #expect(leaf.signatureAlgorithmName == "ecdsa-with-SHA256")
        #expect(leaf.authorityKeyIdentifierHex == pki.intermediate.subjectKeyIdentifierHex)
        #expect(leaf.subjectKeyIdentifierHex != nil)
        #expect(try leaf.publicKey.spkiDER == pki.leafKey.publicKey.spkiDER)
        #expect(leaf.fingerprint == Digest.sha256Hex(leaf.der))
        #expect(leaf.isSignature(validUnder: pki.intermediate) && !leaf.isSignature(validUnder: pki.root))

        // Round trips.
        #expect(try Certificate(der: leaf.der) == leaf)
        #expect(try Certificate(pem: leaf.pem) == leaf)
        #expect(try Certificate.all(pem: leaf.pem + pki.intermediate.pem + pki.root.pem) == [leaf, pki.intermediate, pki.root])
        #expect(throws: TrailError.self) { try Certificate(der: leaf.der + [0]) }
        #expect(pki.root.signatureAlgorithmName == "ecdsa-with-SHA256")
        #expect(try TestPKI(.ed25519).leaf.signatureAlgorithmName == "ED25519")
    }

    @Test func distinguishedNames() throws {
        let dn = try DistinguishedName(parsing: "CN=Lab One, O=Acme Testing\\, Inc.,OU=Labs,L=Austin,ST=Texas,C=US")
        #expect(dn.commonName == "Lab One")
        #expect(dn.organization == "Acme Testing, Inc.")
        #expect(dn.string == "CN=Lab One,O=Acme Testing\\, Inc.,OU=Labs,L=Austin,ST=Texas,C=US")
        #expect(try DistinguishedName(parsing: dn.string) == dn)
        for bad in ["", "O=x", "CN=", "CN=a,C=USA", "XX=1,CN=a", "CN=a\\"] {
            #expect(throws: TrailError.self) { try DistinguishedName(parsing: bad) }
        }
        // openssl renders the same name in RFC 2253 order.
        let key = try PrivateKey.generate(.ed25519)
        let root = try CertificateBuilder.selfSignedRoot(subject: dn, key: key, notAfter: Date().addingTimeInterval(86400))
        #expect(root.subject == dn)
        let dir = TempDir()
        let out = try opensslOK(["x509", "-in", try dir.write("r.pem", root.pem), "-noout", "-subject", "-nameopt", "RFC2253"])
        #expect(out == "subject=CN=Lab One,O=Acme Testing\\, Inc.,OU=Labs,L=Austin,ST=Texas,C=US\n")
    }

    @Test(arguments: [KeyAlgorithm.ed25519, .p384, .rsa(bits: 2048)])
    func csrRoundTripAndOpenSSL(_ alg: KeyAlgorithm) throws {
        let key = try PrivateKey.generate(alg)
        let subject = try DistinguishedName(parsing: "CN=Customs Officer,O=GACC,C=CN")
        let csr = try CertificateSigningRequest(key: key, subject: subject, roles: [.customs, .customs, .auditor])
        #expect(csr.subject == subject)
        #expect(csr.requestedRoles == [.customs, .auditor])
        #expect(csr.isSignatureValid)
        #expect(try csr.publicKey.spkiDER == key.publicKey.spkiDER)
        let again = try CertificateSigningRequest(pem: csr.pem)
        #expect(again.der == csr.der)
        #expect(try CertificateSigningRequest(der: csr.der).requestedRoles == [.customs, .auditor])
        let dir = TempDir()
        let path = try dir.write("req.pem", csr.pem)
        let text = try opensslOK(["req", "-in", path, "-noout", "-verify", "-text"])
        #expect(text.contains("URI:urn:chiptrail:role:customs"))
    }

    @Test func opensslCSRIsRead() throws {
        let dir = TempDir()
        let key = dir.file("k.pem")
        try opensslOK(["genpkey", "-algorithm", "ED25519", "-out", key])
        let req = dir.file("req.pem")
        try opensslOK(["req", "-new", "-key", key, "-subj", "/C=US/O=Acme/CN=Exporter", "-addext",
            "subjectAltName=URI:urn:chiptrail:role:exporter,URI:https://example.com", "-out", req])
        let csr = try CertificateSigningRequest(pem: String(contentsOfFile: req, encoding: .utf8))
        #expect(csr.subject.string == "CN=Exporter,O=Acme,C=US")
        #expect(csr.requestedRoles == [.exporter])
        #expect(csr.isSignatureValid)
    }

    @Test func crlRoundTripAndOpenSSL() throws {
        let pki = try TestPKI(.p256, notBefore: Date().addingTimeInterval(-3600))
        let revokedAt = testDate("2026-02-01T12:00:00Z")
        let crl = try CRLBuilder.build(
            issuer: pki.intermediate, issuerKey: pki.intermediateKey,
            revoked: [
                CRL.Entry(serialHex: pki.leaf.serialHex, revocationDate: revokedAt, reason: .keyCompromise),
                CRL.Entry(serialHex: "0102", revocationDate: revokedAt, reason: .unspecified),
            ], crlNumber: 7, thisUpdate: Date().addingTimeInterval(-60), nextUpdate: Date().addingTimeInterval(86400))
        #expect(crl.issuer == pki.intermediate.subject)
        #expect(crl.crlNumber == 7)
        #expect(crl.authorityKeyIdentifierHex == pki.intermediate.subjectKeyIdentifierHex)
        #expect(crl.entry(serialHex: pki.leaf.serialHex) == CRL.Entry(serialHex: pki.leaf.serialHex, revocationDate: revokedAt, reason: .keyCompromise))
        #expect(crl.entry(serialHex: "0102")?.reason == nil)
        #expect(crl.isSignature(validUnder: pki.intermediate) && !crl.isSignature(validUnder: pki.root))
        #expect(try CRL(pem: crl.pem) == crl)
        #expect(try CRL(der: crl.der).entries.count == 2)

        let dir = TempDir()
        let crlPath = try dir.write("crl.pem", crl.pem)
        let inter = try dir.write("inter.pem", pki.intermediate.pem)
        let text = try opensslOK(["crl", "-in", crlPath, "-CAfile", inter, "-noout", "-text"])
        #expect(text.contains("Key Compromise"))
        #expect(text.contains("X509v3 CRL Number"))
        let root = try dir.write("root.pem", pki.root.pem)
        let leaf = try dir.write("leaf.pem", pki.leaf.pem)
        let r = try openssl(["verify", "-crl_check", "-CAfile", root, "-untrusted", inter, "-CRLfile", crlPath, leaf])
        #expect(r.status != 0)
        #expect((r.stdout + r.stderr).contains("certificate revoked"))
    }
}
