import TrailCrypto

/// One-line human summaries of records (for `ledger show`).
public enum RecordSummary {
    public static func of(_ r: Record) -> String {
        switch r.body {
        case .genesis(let g): return "genesis      origin \(g.origin), \(g.anchors.count) anchor(s)"
        case .certificate(let der, _):
            guard let c = try? Certificate(der: der) else { return "certificate  (unparseable)" }
            return "certificate  \(c.subject.string) roles \(c.roles.map(\.rawValue).joined(separator: ",")) [\(c.fingerprint.prefix(12))]"
        case .crl(let der):
            guard let c = try? CRL(der: der) else { return "crl          (unparseable)" }
            return "crl          \(c.issuer.string), \(c.entries.count) revoked"
        case .statement(let env):
            guard let s = try? Statement(payload: env.payload) else { return "statement    (payload is not an in-toto statement)" }
            let kind = s.kind?.rawValue ?? s.predicateType
            return "statement    \(kind) \(s.subject.first?.name ?? "") signed by \(env.signatures.map { String($0.keyid.prefix(12)) }.joined(separator: ","))"
        case .checkpoint(let note):
            guard let cp = try? Checkpoint(text: try SignedNote(parsing: note).text) else { return "checkpoint   (unparseable)" }
            return "checkpoint   size \(cp.size) root \(cp.rootHash.hex.prefix(16))…"
        case .cosignature(let seq, _): return "cosignature  of checkpoint seq \(seq)"
        }
    }
}
