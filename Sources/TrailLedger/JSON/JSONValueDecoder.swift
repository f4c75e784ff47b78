import Foundation

/// Decodes `Decodable` types straight from a parsed `JSONValue` (unknown fields ignored), without Foundation's
/// JSONDecoder: statements and predicates are decoded once per ledger record, so this is on the verify hot path.
///
/// Errors are the standard `DecodingError`s (`keyNotFound`, `typeMismatch`, `valueNotFound`), as JSONDecoder
/// throws them. Integers must be exact (no fraction, in range); any number decodes as a floating-point value.
public enum JSONValueDecoder {
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try T(from: ValueDecoder(value: value, node: nil))
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

/// The coding path as a list from the innermost key outwards, made into `[CodingKey]` only when an error (or a
/// type that reads `codingPath`) asks: building the array for every field was most of the decoding time.
private final class PathNode {
    let parent: PathNode?
    let key: CodingKey
    init(_ parent: PathNode?, _ key: CodingKey) {
        self.parent = parent
        self.key = key
    }
}

private func codingPath(_ node: PathNode?) -> [CodingKey] {
    var keys: [CodingKey] = []
    var n = node
    while let x = n {
        keys.append(x.key)
        n = x.parent
    }
    return keys.reversed()
}

private func mismatch(_ t: Any.Type, _ node: PathNode?, _ v: JSONValue) -> DecodingError {
    DecodingError.typeMismatch(t, .init(codingPath: codingPath(node), debugDescription: "expected \(t), found \(v)"))
}

private func decodeScalar<T: Decodable>(_ t: T.Type, _ v: JSONValue, _ node: @autoclosure () -> PathNode?) throws -> T {
    if case .null = v {
        throw DecodingError.valueNotFound(t, .init(codingPath: codingPath(node()), debugDescription: "found null"))
    }
    if T.self == String.self {
        guard case .string(let s) = v else { throw mismatch(t, node(), v) }
        return s as! T
    }
    if T.self == Int.self {
        guard case .number(let n) = v, let i = n.int64Value, let x = Int(exactly: i) else { throw mismatch(t, node(), v) }
        return x as! T
    }
    if T.self == Double.self {
        guard case .number(let n) = v else { throw mismatch(t, node(), v) }
        return n.doubleValue as! T
    }
    if T.self == Bool.self {
        guard case .bool(let b) = v else { throw mismatch(t, node(), v) }
        return b as! T
    }
    if T.self == Int64.self {
        guard case .number(let n) = v, let i = n.int64Value else { throw mismatch(t, node(), v) }
        return i as! T
    }
    switch t {
    case is any BinaryInteger.Type, is any BinaryFloatingPoint.Type:
        // Other widths are not used by chiptrail's types; refusing them avoids recursing through init(from:).
        throw mismatch(t, node(), v)
    default:
        return try T(from: ValueDecoder(value: v, node: node()))
    }
}

private struct ValueDecoder: Decoder {
    let value: JSONValue
    let node: PathNode?
    var codingPath: [CodingKey] { TrailLedger.codingPath(node) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let o) = value else { throw mismatch([String: Any].self, node, value) }
        return KeyedDecodingContainer(Keyed<Key>(object: o, node: node))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case .array(let a) = value else { throw mismatch([Any].self, node, value) }
        return Unkeyed(array: a, node: node)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { Single(value: value, node: node) }
}

private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSONObject
    let node: PathNode?
    var codingPath: [CodingKey] { TrailLedger.codingPath(node) }
    var allKeys: [Key] { object.members.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    private func value(_ key: Key) throws -> JSONValue {
        guard let v = object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no member \"\(key.stringValue)\""))
        }
        return v
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let v = object[key.stringValue] else { return true }
        return v.isNull
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decodeScalar(type, try value(key), PathNode(node, key))
    }

    // The scalar types the statements use, without generic dispatch or dynamic casts.
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        let v = try value(key)
        guard case .string(let s) = v else { return try decodeScalar(type, v, PathNode(node, key)) }
        return s
    }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        let v = try value(key)
        guard case .number(let n) = v, let i = n.int64Value, let x = Int(exactly: i) else {
            return try decodeScalar(type, v, PathNode(node, key))
        }
        return x
    }

    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        let v = try value(key)
        guard case .number(let n) = v else { return try decodeScalar(type, v, PathNode(node, key)) }
        return n.doubleValue
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        let v = try value(key)
        guard case .bool(let b) = v else { return try decodeScalar(type, v, PathNode(node, key)) }
        return b
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let v = object[key.stringValue], !v.isNull else { return nil }
        guard case .string(let s) = v else { return try decodeScalar(type, v, PathNode(node, key)) }
        return s
    }

    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        guard let v = object[key.stringValue], !v.isNull else { return nil }
        guard case .number(let n) = v else { return try decodeScalar(type, v, PathNode(node, key)) }
        return n.doubleValue
    }

    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let v = object[key.stringValue], !v.isNull else { return nil }
        guard case .number(let n) = v, let i = n.int64Value, let x = Int(exactly: i) else {
            return try decodeScalar(type, v, PathNode(node, key))
        }
        return x
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let v = object[key.stringValue], !v.isNull else { return nil }
        return try decodeScalar(type, v, PathNode(node, key))
    }

    func nestedContainer<N: CodingKey>(keyedBy: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
        try ValueDecoder(value: try value(key), node: PathNode(node, key)).container(keyedBy: N.self)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        try ValueDecoder(value: try value(key), node: PathNode(node, key)).unkeyedContainer()
    }

    func superDecoder() throws -> Decoder { ValueDecoder(value: .object(object), node: node) }
    func superDecoder(forKey key: Key) throws -> Decoder {
        ValueDecoder(value: object[key.stringValue] ?? .null, node: PathNode(node, key))
    }
}

private struct Unkeyed: UnkeyedDecodingContainer {
    let array: [JSONValue]
    let node: PathNode?
    var codingPath: [CodingKey] { TrailLedger.codingPath(node) }
    var currentIndex = 0
    var count: Int? { array.count }
    var isAtEnd: Bool { currentIndex >= array.count }

    init(array: [JSONValue], node: PathNode?) {
        self.array = array
        self.node = node
    }

    private func here() -> PathNode { PathNode(node, AnyKey(intValue: currentIndex)) }

    private func current(_ t: Any.Type) throws -> JSONValue {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(t, .init(codingPath: codingPath, debugDescription: "unkeyed container is at end"))
        }
        return array[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, array[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let v = try current(type)
        defer { currentIndex += 1 }
        return try decodeScalar(type, v, here())
    }

    mutating func decode(_ type: String.Type) throws -> String {
        let v = try current(type)
        guard case .string(let s) = v else { return try decodeScalar(type, v, here()) }
        currentIndex += 1
        return s
    }

    mutating func nestedContainer<N: CodingKey>(keyedBy: N.Type) throws -> KeyedDecodingContainer<N> {
        let v = try current([String: Any].self)
        defer { currentIndex += 1 }
        return try ValueDecoder(value: v, node: here()).container(keyedBy: N.self)
    }

    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer {
        let v = try current([Any].self)
        defer { currentIndex += 1 }
        return try ValueDecoder(value: v, node: here()).unkeyedContainer()
    }

    mutating func superDecoder() throws -> Decoder {
        let v = try current(Any.self)
        defer { currentIndex += 1 }
        return ValueDecoder(value: v, node: here())
    }
}

private struct Single: SingleValueDecodingContainer {
    let value: JSONValue
    let node: PathNode?
    var codingPath: [CodingKey] { TrailLedger.codingPath(node) }
    func decodeNil() -> Bool { value.isNull }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeScalar(type, value, node) }
}
