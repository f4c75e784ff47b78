import TrailCrypto

/// The genesis record (seq 0): its origin, the anchors the verifier was given out of band against the anchors it
/// lists, and the operator certificate it registers (DESIGN-NOTES "Genesis and anchors").
///
/// Codes: `invalid-origin`, `anchor-not-in-genesis`, `untrusted-ledger`, `operator-invalid`.
enum GenesisRule {
    struct Outcome {
        /// Nil when nothing after the genesis can be trusted.
        var trust: TrustState?
        /// The operator certificate's fingerprint, when it is valid.
        var operatorKey: String?
        var findings: [Finding] = []
    }

    static func check(_ g: Record.Genesis, time: LedgerTime, given: [Certificate]) -> Outcome {
        var out = Outcome()
        guard Origin.isValid(g.origin) else {
            out.findings.append(
                Finding(seq: 0, code: "invalid-origin", message: "origin \"\(g.origin)\" is empty or contains whitespace or '+'"))
            return out
        }
        let listed = Set(g.anchors.map { $0.lowercased() })
        var anchors: [Certificate] = []
        for t in given {
            if listed.contains(t.fingerprint) {
                anchors.append(t)
            } else {
                out.findings.append(
                    Finding(
                        seq: 0, code: "anchor-not-in-genesis",
                        message: "trust anchor \(t.subject.string) (\(t.fingerprint.prefix(16))…) is not listed in the genesis anchors",
                        remedy: "pass the root certificate this ledger was created with"))
            }
        }
        guard !anchors.isEmpty else {
            out.findings.append(
                Finding(
                    seq: 0, code: "untrusted-ledger",
                    message: "none of the --trust certificates is an anchor of this ledger; its genesis lists \(anchorList(g.anchors))",
                    remedy: "verify with the root certificate whose SHA-256 fingerprint the genesis lists"))
            return out
        }
        var state = TrustState(anchors: anchors)
        do {
            let op = try Certificate(der: g.operatorCert)
            let chain = try g.chain.map { try Certificate(der: $0) }
            let path = try state.validate(cert: op, chain: chain, at: time.date, role: .operator)
            guard try op.publicKey.algorithm == .ed25519 else {
                throw TrailError("operator-key-not-ed25519", "the operator's checkpoint key must be Ed25519")
            }
            try state.register(op, path: path, seq: 0)
            out.operatorKey = op.fingerprint
        } catch {
            let e = TrailError.wrap(error)
            out.findings.append(
                Finding(seq: 0, TrailError("operator-invalid", "the genesis operator certificate is not valid: [\(e.code)] \(e.message)")))
        }
        out.trust = state
        return out
    }

    /// The genesis anchors for a message: at most 4, each as a 16-digit fingerprint prefix.
    static func anchorList(_ anchors: [String]) -> String {
        guard !anchors.isEmpty else { return "no anchor" }
        let shown = anchors.prefix(4).map { "SHA-256 " + String($0.prefix(16)) + "…" }.joined(separator: ", ")
        return anchors.count > 4 ? shown + " and \(anchors.count - 4) more" : shown
    }
}

/// Origin rule: non-empty, no whitespace, no control character, no '+'.
public enum Origin {
    public static func isValid(_ s: String) -> Bool {
        !s.isEmpty && !s.unicodeScalars.contains { (c: Unicode.Scalar) in c == "+" || c.properties.isWhitespace || c.value < 0x21 }
    }
}
