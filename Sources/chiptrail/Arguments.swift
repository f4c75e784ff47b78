import ArgumentParser
import TrailCompliance
import TrailCrypto
import TrailLedger

// The values of `--alg`, `--role`, `--reason`, the attest and schema KIND and `--format` as argument types: help
// lists them ("(values: …)") and the generated shell completions offer them. A value outside the list is a usage
// error (exit 64) that names the accepted ones.

/// `--alg`: a key algorithm by its short name (`KeyAlgorithm(name:)` also takes p-256, rsa2048, rsa4096 and the like).
struct AlgorithmArgument: ExpressibleByArgument {
    let algorithm: KeyAlgorithm

    init(_ algorithm: KeyAlgorithm) { self.algorithm = algorithm }

    init?(argument: String) {
        guard let a = KeyAlgorithm(name: argument) else { return nil }
        algorithm = a
    }

    static var allValueStrings: [String] { KeyAlgorithm.cliNames }
    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
    var defaultValueDescription: String { algorithm.name }
}

/// `--role`: a party's role (SPEC.md §2).
extension Role: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// The attest KIND: a predicate kind (SPEC.md §5).
extension PredicateKind: ExpressibleByArgument {}

/// `--reason` of `ca revoke`: the reasons a CA may give (RFC 5280 §5.3.1, without removeFromCRL).
struct ReasonArgument: ExpressibleByArgument {
    let reason: RevocationReason

    init(_ reason: RevocationReason) { self.reason = reason }

    init?(argument: String) {
        guard let r = try? RevocationReason.parse(argument) else { return nil }
        reason = r
    }

    static var allValueStrings: [String] { RevocationReason.revocable.map(\.rawValue) }
    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
    var defaultValueDescription: String { reason.rawValue }
}

/// The schema KIND: the manifest or a predicate kind.
struct SchemaKind: ExpressibleByArgument {
    let name: String

    init?(argument: String) {
        guard Schemas.kinds.contains(argument) else { return nil }
        name = argument
    }

    static var allValueStrings: [String] { Schemas.kinds }
    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}
