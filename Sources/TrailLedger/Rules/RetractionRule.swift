import TrailCrypto

/// Retractions (DESIGN-NOTES "Retractions"): a retraction names an earlier intact statement (not a retraction, a
/// certificate or a CRL) by the SHA-256 of its line; it is about the same subject (name and digest, compared
/// exactly); and every signer of the retraction has the same subject organisation (O=, present on both sides,
/// compared as exact Unicode scalars) and a role in common with a signer of the target — so a renewed key of the
/// same party can retract, and nobody else.
///
/// Codes: `retraction-invalid`.
enum RetractionRule {
    /// What a retraction must match, taken from the target statement as verification saw it.
    struct Target {
        var signers: [(organization: String?, roles: Set<Role>)]
        var subjectName: String
        var subjectDigest: String?
        var isRetraction: Bool

        init(checked: CheckedStatement, signers: [(organization: String?, roles: [Role])]) {
            self.signers = signers.map { ($0.organization, Set($0.roles)) }
            subjectName = checked.subjectName
            subjectDigest = checked.statement.subject.first?.sha256
            isRetraction = checked.kind == .retraction
        }
    }

    static func check(_ p: RetractionPredicate, _ checked: CheckedStatement, signers: [SignerInfo], target: Target?, seq: Int)
        -> Finding?
    {
        func invalid(_ why: String) -> Finding {
            Finding(
                seq: seq, code: "retraction-invalid", message: why,
                remedy: "a retraction is signed by the party (organisation and role) that signed the statement it retracts, about the same subject")
        }
        guard let target else {
            return invalid("retracts \(p.retracts.prefix(16))…, which is no earlier valid statement")
        }
        if target.isRetraction { return invalid("a retraction cannot be retracted") }
        guard exact(target.subjectName, checked.subjectName) else {
            return invalid("the retraction is about \(checked.subjectName); its target is about \(target.subjectName)")
        }
        guard target.subjectDigest == checked.statement.subject.first?.sha256 else {
            return invalid("the retraction's subject digest differs from its target's")
        }
        for s in signers {
            guard let org = s.organization, !org.isEmpty else {
                return invalid("the retraction's signer \(s.commonName ?? s.fingerprint.prefix(16) + "…") has no organisation (O=)")
            }
            let same = target.signers.contains { t in
                t.organization.map { exact($0, org) } == true && !t.roles.isDisjoint(with: s.roles)
            }
            if !same {
                return invalid(
                    "the retraction's signer (O=\(org)) is not of the organisation and role that signed the retracted statement")
            }
        }
        return nil
    }

    /// Exact comparison of ledger strings: Unicode scalars (UTF-8 bytes), never canonical equivalence.
    static func exact(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
}
