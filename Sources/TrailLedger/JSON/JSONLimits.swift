/// Resource limits the JSON parser enforces while it reads.
public struct JSONLimits: Sendable, Equatable {
    /// Deepest nesting of arrays and objects allowed (the top-level container is depth 1).
    public var maxDepth: Int
    /// Longest string allowed, in UTF-8 bytes after unescaping; nil for no limit.
    public var maxStringLength: Int?

    public init(maxDepth: Int = 64, maxStringLength: Int? = nil) {
        self.maxDepth = maxDepth
        self.maxStringLength = maxStringLength
    }

    /// Depth 64, strings unlimited (the line-length limit bounds them).
    public static let `default` = JSONLimits()
}
