import TrailCrypto
import TrailLedger

/// A predicate type outside the built-in H200 domain, evaluated by a rule its integrator supplies (e.g. a shipping
/// notice). TrailLedger stores and verifies such statements cryptographically without knowing their role, so the
/// role is checked here. Give the rules to `ComplianceEvaluator(policy:predicateRules:)` or `LedgerCheck.run`.
public protocol PredicateTypeRule: Sendable {
    /// The predicate type it evaluates (compared exactly), e.g. `urn:example:shipping-notice:v1`.
    var predicateType: String { get }
    /// The role every signer must hold; a statement signed otherwise is `role-not-permitted` and does not count.
    var role: Role { get }
    /// The step it adds to every shipment: done when a counting statement of the type has no problem.
    var step: String { get }
    /// The problems of one predicate's values (reported as violations naming the field).
    func problems(_ predicate: JSONValue) -> [DocumentProblem]
}

/// Applies the evaluator's `PredicateTypeRule`s to a shipment's context.
struct PredicateTypeRules: ComplianceRule {
    static let codes = [roleNotPermitted]
    /// The role rule of SPEC.md §10, applied to a type the integrity layer does not know.
    static let roleNotPermitted = "role-not-permitted"

    let rules: [any PredicateTypeRule]

    func rule(for type: String) -> (any PredicateTypeRule)? { rules.first { same($0.predicateType, type) } }

    /// True when every signer of `e` holds `rule.role`.
    func signedByRole(_ e: ComplianceEvaluator.Entry, _ rule: any PredicateTypeRule, _ c: ShipmentContext) -> Bool {
        let roles = c.signers(e.signers).signerRoles
        return !roles.isEmpty && roles.allSatisfy { $0.contains(rule.role.rawValue) }
    }

    func evaluate(_ c: ShipmentContext, into out: inout [Violation]) {
        for e in c.same {
            guard case .extended(let type) = e.fact, let rule = rule(for: type), !signedByRole(e, rule, c) else {
                continue
            }
            out.append(
                Violation(
                    code: Self.roleNotPermitted,
                    message:
                        "the \(type) statement at seq \(e.seq) must be signed by a \(rule.role.rawValue); it does not count",
                    seqs: [e.seq]))
        }
    }

    /// One step per rule, in the order given.
    func steps(_ c: ShipmentContext) -> [Step] {
        rules.map { rule in
            let mine = c.same.filter {
                if case .extended(let t) = $0.fact { same(t, rule.predicateType) } else { false }
            }
            let done = mine.contains { $0.problems.isEmpty && signedByRole($0, rule, c) }
            return Step(name: rule.step, done: done, seqs: mine.map(\.seq))
        }
    }
}
