/// CRLReason codes of RFC 5280 §5.3.1, named as the RFC names them.
public enum RevocationReason: String, CaseIterable, Sendable, Codable {
    case unspecified
    case keyCompromise
    case cACompromise
    case affiliationChanged
    case superseded
    case cessationOfOperation
    case certificateHold
    case removeFromCRL
    case privilegeWithdrawn
    case aACompromise

    /// The reasons `ca revoke --reason` accepts (removeFromCRL and the attribute-authority reasons do not
    /// apply to a CA that never un-revokes).
    public static let revocable: [RevocationReason] = [
        .unspecified, .keyCompromise, .cACompromise, .affiliationChanged, .superseded, .cessationOfOperation,
        .certificateHold,
    ]

    /// The ASN.1 ENUMERATED value (7 is unused by RFC 5280).
    public var code: Int {
        switch self {
        case .unspecified: 0
        case .keyCompromise: 1
        case .cACompromise: 2
        case .affiliationChanged: 3
        case .superseded: 4
        case .cessationOfOperation: 5
        case .certificateHold: 6
        case .removeFromCRL: 8
        case .privilegeWithdrawn: 9
        case .aACompromise: 10
        }
    }

    public init?(code: Int) {
        guard let r = RevocationReason.allCases.first(where: { $0.code == code }) else { return nil }
        self = r
    }

    /// Parses a reason name (case-insensitive) among `revocable`, or throws `unknown-reason` (usage).
    public static func parse(_ name: String) throws -> RevocationReason {
        guard let r = revocable.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
            throw TrailError.usage(
                "unknown-reason", "unknown revocation reason \(name)",
                remedy: "choose one of \(revocable.map(\.rawValue).joined(separator: ", "))")
        }
        return r
    }
}
