import Foundation
import Testing
import TrailCrypto
import TrailTestSupport

@Suite struct X509CADirectoryTests {
    @Test func rootIntermediateAndRefusals() throws {
        let dir = TempDir()
        let now = Date()
        let root = try CADirectory.create(
            at: dir.file("root"), subject: DistinguishedName(parsing: "CN=Root,O=Agency,C=US"), days: 100,
            keyPassphrase: Array("pw".utf8), now: now)
        #expect(root.chain.isEmpty && root.certificate.pathLength == 1)
        #expect(try root.currentCRL().crlNumber == 1)
        let inter = try CADirectory.create(
            at: dir.file("inter"), subject: DistinguishedName(parsing: "CN=Inter,O=Agency,C=US"), algorithm: .p256,
            days: 1000, parent: root, keyPassphrase: nil, now: now)
        #expect(inter.chain == [root.certificate])
        #expect(inter.certificate.pathLength == 0)
        #expect(inter.certificate.notAfter == root.certificate.notAfter)  // capped at the issuer's
        #expect(try root.index().issued.map(\.serial) == [inter.certificate.serialHex])

        // pathLen 0 may not issue CA certificates.
        let key = try PrivateKey.generate(.ed25519)
        #expect(throws: TrailError.self) {
            try inter.issue(subject: DistinguishedName(parsing: "CN=Sub,C=US"), publicKey: key.publicKey, roles: [], isCA: true)
        }
        let leaf = try inter.issue(subject: DistinguishedName(parsing: "CN=Op,C=US"), publicKey: key.publicKey, roles: [.operator])
        let path = try ChainValidator(anchors: [root.certificate]).validate(
            leaf, intermediates: inter.chain + [inter.certificate], crls: [try inter.currentCRL(), try root.currentCRL()],
            at: Date(), role: .operator, leafMustNotBeCA: true
        ).validated()
        #expect(path == [leaf, inter.certificate, root.certificate])

        // The root did not issue the leaf.
        do {
            _ = try root.revoke(leaf)
            Issue.record("revoked a certificate of another CA")
        } catch let e as TrailError {
            #expect(e.code == "not-issued-by-ca")
        }
        // A foreign key does not open the CA.
        do {
            _ = try CADirectory(opening: dir.file("inter"), key: key)
            Issue.record("opened with the wrong key")
        } catch let e as TrailError {
            #expect(e.code == "ca-key-mismatch")
        }
        let crl = try inter.revoke(leaf, reason: .superseded)
        #expect(crl.crlNumber == 2 && crl.entry(serialHex: leaf.serialHex)?.reason == .superseded)
        #expect(try inter.index().revoked.map(\.reason) == [.superseded])
    }
}
