/// The parties that sign for the ledger (SPEC.md §2). A certificate carries each role it may sign for
/// as a subjectAltName URI `urn:chiptrail:role:<role>`.
public enum Role: String, CaseIterable, Sendable, Codable, Comparable {
    case regulator, exporter, lab, customs, `operator`, auditor

    /// The URI prefix every role URI starts with.
    public static let uriPrefix = "urn:chiptrail:role:"

    /// `urn:chiptrail:role:<role>`.
    public var uri: String { Role.uriPrefix + rawValue }

    /// The role a SAN URI names; nil for any other URI.
    public init?(uri: String) {
        guard uri.hasPrefix(Role.uriPrefix) else { return nil }
        self.init(rawValue: String(uri.dropFirst(Role.uriPrefix.count)))
    }

    /// Parses a CLI role name, or throws `unknown-role` (usage).
    public static func parse(_ name: String) throws -> Role {
        guard let r = Role(rawValue: name.lowercased()) else {
            throw TrailError.usage(
                "unknown-role", "unknown role \(name)",
                remedy: "choose one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return r
    }

    public static func < (a: Role, b: Role) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
