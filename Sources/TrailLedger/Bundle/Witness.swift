import Foundation
import TrailCrypto

/// An auditor witnessing a ledger (SPEC.md §7.3).
public enum Witness {
    /// Verifies the ledger at `path` with `trust`, then cosigns its latest checkpoint (in its current cosigned
    /// form, so earlier witnesses' lines are kept) as C2SP tlog-cosignature/v1 under the key name
    /// `WitnessName.of(cert)`. Returns the cosigned note, for the operator to record with
    /// `ledger append --cosignature`.
    ///
    /// Errors: `ledger-invalid` (integrity errors: nothing is cosigned), `no-checkpoint`,
    /// `key-certificate-mismatch`, `witness-not-auditor`, `witness-key-not-ed25519`, `invalid-witness-name`,
    /// `witness-not-registered` (the certificate is not registered, valid and unrevoked before the checkpoint).
    public static func cosign(
        ledger path: String, key: PrivateKey, cert: Certificate, trust: [Certificate], time: Date = Date()
    ) throws -> String {
        guard try key.publicKey.spkiDER == cert.publicKey.spkiDER else {
            throw TrailError.usage("key-certificate-mismatch", "the key is not the key of the auditor certificate")
        }
        guard cert.roles.contains(.auditor) else {
            throw TrailError.usage("witness-not-auditor", "\(cert.subject.string) does not carry the auditor role")
        }
        guard key.algorithm == .ed25519 else {
            throw TrailError.usage("witness-key-not-ed25519", "cosignatures (tlog-cosignature/v1) need an Ed25519 key")
        }
        guard let name = WitnessName.of(cert) else {
            throw TrailError.usage("invalid-witness-name", "the certificate's CN is missing or contains '+'")
        }
        let verifier = LedgerVerifier(path: path, options: VerifyOptions(trust: trust))
        let report = try verifier.run()
        if let bad = report.errors.first {
            throw TrailError(
                "ledger-invalid",
                "the ledger does not verify (\(report.errors.count) error(s); first: line \(bad.line), \(bad.code): \(bad.message)); refusing to cosign",
                remedy: "run `chiptrail ledger verify` and report the findings to the operator", file: path, line: bad.line,
                seq: bad.seq)
        }
        guard let latest = report.latestCheckpoint else { throw TrailError("no-checkpoint", "\(path) holds no checkpoint", file: path) }
        guard let reg = verifier.trustState?.certificates[cert.fingerprint], reg.seq < latest.seq, reg.revokedAt == nil else {
            throw TrailError(
                "witness-not-registered",
                "the auditor certificate is not registered (valid and unrevoked) before the latest checkpoint at seq \(latest.seq); its cosignature would not count",
                remedy: "have the operator append it (ledger append --cert AUDITOR.pem) and cosign the next checkpoint")
        }
        let note = try SignedNote(parsing: latest.note)
        let signer = try CosignatureV1.Signer(name: name, key: key)
        let stamp = UInt64(max(0, time.timeIntervalSince1970.rounded(.down)))
        var cosigned = note
        cosigned.signatures.removeAll { signer.verifier.matches($0) }
        return try signer.cosign(cosigned, timestamp: stamp).serialized
    }

    /// The seq of the checkpoint record in the ledger at `path` whose text is the text of `note`
    /// (the latest such record). Errors: `malformed-note`, `unknown-checkpoint`.
    public static func checkpointSeq(ledger path: String, note: String) throws -> Int {
        let text = try SignedNote(parsing: note).text
        var found: Int?
        try LedgerReader.forEach(path: path) { r, _ in
            if case .checkpoint(let n) = r.body, (try? SignedNote(parsing: n))?.text == text { found = r.seq }
        }
        guard let found else {
            throw TrailError.usage(
                "unknown-checkpoint", "no checkpoint record of \(path) has the cosigned checkpoint's text",
                remedy: "cosign a checkpoint of this ledger (chiptrail ledger cosign)")
        }
        return found
    }
}
