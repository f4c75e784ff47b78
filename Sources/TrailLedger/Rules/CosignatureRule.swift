import TrailCrypto

/// Witness cosignatures (DESIGN-NOTES "Cosignatures"): C2SP tlog-cosignature/v1 lines by auditor-role Ed25519
/// certificates registered before the checkpoint they cosign, whose key name is the certificate's CN with
/// whitespace replaced by `_`. A line counts when its signature verifies, its timestamp is not before the
/// checkpoint record's time, and a certificate of its key is unrevoked and valid at the time of the record that
/// carries it. Witnesses are counted by **public key**: two certificates of one key, or one key under two names,
/// are one witness. Lines by keys the ledger does not register are ignored (a note may carry other logs' witnesses).
///
/// Codes: `cosignature-invalid`.
enum CosignatureRule {
    struct Outcome {
        /// SPKI SHA-256 of each witness key with a valid cosignature, sorted, distinct.
        var witnessKeys: [String] = []
        /// Their key names, in the same order.
        var witnessNames: [String] = []
        var findings: [Finding] = []
    }

    /// Checks the witness lines of `note` (already known to carry the checkpoint text of the record at
    /// `checkpointSeq`). `checkpointTime` is that record's time (nil for a bundle, which holds no checkpoint record);
    /// `at` is the time of the record that carries the note (nil: the checkpoint is checked as of the end of the
    /// records seen). With `requireOne`, a note with no valid witness line is itself invalid (a cosignature record
    /// exists to record one).
    static func check(
        _ note: SignedNote, checkpointSeq: Int, checkpointTime: LedgerTime?, at time: LedgerTime?, seq: Int,
        trust: TrustState, requireOne: Bool
    ) -> Outcome {
        var out = Outcome()
        var keys: [String: String] = [:]  // witness key → name
        for line in note.signatures {
            let candidates = trust.witnesses(name: line.name, keyID: line.keyID).filter { $0.seq < checkpointSeq }
            guard let first = candidates.first else { continue }
            let timestamp: UInt64
            do {
                let v = try CosignatureV1.Verifier(name: line.name, publicKey: first.publicKey)
                timestamp = try v.verify(line, checkpointText: note.text)
            } catch {
                let e = TrailError.wrap(error)
                out.findings.append(Finding(seq: seq, code: "cosignature-invalid", message: e.message))
                continue
            }
            if let cpTime = checkpointTime, Int64(timestamp) < cpTime.seconds {
                out.findings.append(
                    Finding(
                        seq: seq, code: "cosignature-invalid",
                        message: "the cosignature by \(line.name) is dated \(timestamp) (Unix seconds), before the checkpoint record's time \(cpTime.text)",
                        remedy: "a witness can only cosign a checkpoint after it was recorded"))
                continue
            }
            var usable: RegisteredCertificate?
            var why: TrailError?
            for c in candidates {
                do {
                    if let time { try c.usable(at: time.date) } else if let r = c.revokedAt {
                        throw TrailError("signer-revoked", "revoked by the CRL record at seq \(r)")
                    }
                    usable = c
                    break
                } catch {
                    why = why ?? TrailError.wrap(error)
                }
            }
            guard let reg = usable else {
                out.findings.append(
                    Finding(
                        seq: seq, code: "cosignature-invalid",
                        message: "the witness \(line.name)'s certificate cannot witness here: \(why?.message ?? "not usable")",
                        remedy: "a witness certificate must be valid and unrevoked when its cosignature is recorded"))
                continue
            }
            if keys[reg.keyID] == nil { keys[reg.keyID] = line.name }
        }
        out.witnessKeys = keys.keys.sorted()
        out.witnessNames = out.witnessKeys.map { keys[$0]! }
        if requireOne && out.witnessKeys.isEmpty && out.findings.isEmpty {
            out.findings.append(
                Finding(
                    seq: seq, code: "cosignature-invalid",
                    message: "the note carries no cosignature by a witness certificate registered before the checkpoint at seq \(checkpointSeq)",
                    remedy: "register the auditor's certificate (ledger append --cert) before the checkpoint it cosigns"))
        }
        return out
    }
}
