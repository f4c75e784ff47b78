/// The outcome of validating one certificate: the path OpenSSL built and every failure it found.
public struct ChainValidation: Sendable {
    /// The certification path, leaf first, ending at the trust anchor when one was reached. With failures
    /// it may be partial.
    public var path: [Certificate]
    /// Every failure, in the order found; empty means valid.
    public var failures: [TrailError]

    public init(path: [Certificate], failures: [TrailError]) {
        self.path = path
        self.failures = failures
    }

    public var isValid: Bool { failures.isEmpty }

    /// The path (leaf … anchor) when valid; otherwise throws the first failure.
    public func validated() throws -> [Certificate] {
        if let first = failures.first { throw first }
        return path
    }
}
