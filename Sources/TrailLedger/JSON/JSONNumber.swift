/// A JSON number (RFC 8259 §6).
///
/// An integral value in `Int64` range is kept exactly in `int64Value` (so `seq` values above 2^53
/// survive); every number also has its nearest `Double`, which is what RFC 8785 serialises.
public struct JSONNumber: Sendable, Hashable {
    /// The exact value when it is integral and fits `Int64`; nil otherwise.
    public let int64Value: Int64?
    /// The value as the nearest IEEE 754 double (always finite).
    public let doubleValue: Double

    /// An exact integer.
    public init(_ value: Int64) {
        int64Value = value
        doubleValue = Double(value)
    }

    /// A finite double; integral values that are exactly representable also get `int64Value`.
    public init(_ value: Double) {
        precondition(value.isFinite, "JSON has no NaN or infinity")
        doubleValue = value
        int64Value = JSONNumber.exactInt64(value)
    }

    static func exactInt64(_ value: Double) -> Int64? {
        // 2^63 itself is not representable in Int64; everything strictly inside is.
        guard value.rounded(.towardZero) == value, value >= -0x1p63, value < 0x1p63 else { return nil }
        return Int64(value)
    }

    public static func == (a: JSONNumber, b: JSONNumber) -> Bool {
        if let x = a.int64Value, let y = b.int64Value { return x == y }
        return a.doubleValue == b.doubleValue
    }

    public func hash(into hasher: inout Hasher) {
        if let i = int64Value { hasher.combine(i) } else { hasher.combine(doubleValue) }
    }
}
