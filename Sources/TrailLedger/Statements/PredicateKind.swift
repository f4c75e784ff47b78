import TrailCrypto

/// The predicate types chiptrail knows (SPEC.md §8), each signed by one role.
public enum PredicateKind: String, Sendable, CaseIterable {
    case exportLicense = "export-license"
    case supplySufficiency = "supply-sufficiency"
    case labTest = "lab-test"
    case customsDecision = "customs-decision"
    case retraction = "retraction"

    /// `urn:chiptrail:<kind>:v1`.
    public var predicateType: String { "urn:chiptrail:\(rawValue):v1" }

    public init?(predicateType: String) {
        guard let k = PredicateKind.allCases.first(where: { $0.predicateType == predicateType }) else { return nil }
        self = k
    }

    /// The role a signer needs for this predicate type; nil for a retraction (same role as its target).
    public var requiredRole: String? {
        switch self {
        case .exportLicense: "regulator"
        case .supplySufficiency: "exporter"
        case .labTest: "lab"
        case .customsDecision: "customs"
        case .retraction: nil
        }
    }
}
