/// A JSON object's members in document order; keys are unique (the parser refuses duplicates).
public struct JSONObject: Sendable, Equatable, RandomAccessCollection {
    /// One `"key": value` member.
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue

        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members in document order.
    public private(set) var members: [Member]

    /// An object with `members`; a later duplicate key replaces the earlier member's value.
    public init(_ members: [Member] = []) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for m in members { self[m.key] = m.value }
    }

    /// Builds from `(key, value)` pairs, in order.
    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        self.init(pairs.map { Member(key: $0.key, value: $0.value) })
    }

    init(uncheckedMembers: [Member]) { members = uncheckedMembers }

    /// The value for `key`; setting nil removes the member, setting a new key appends it. Names match as exact
    /// sequences of Unicode scalars (UTF-8 bytes), not by Swift's canonical equivalence (RFC 8259 §8.3).
    public subscript(key: String) -> JSONValue? {
        get { members.first(where: { $0.key.utf8.elementsEqual(key.utf8) })?.value }
        set {
            if let i = members.firstIndex(where: { $0.key.utf8.elementsEqual(key.utf8) }) {
                if let newValue { members[i].value = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// The keys in document order.
    public var keys: [String] { members.map(\.key) }

    public var startIndex: Int { members.startIndex }
    public var endIndex: Int { members.endIndex }
    public subscript(position: Int) -> Member { members[position] }

    /// Objects are equal when they have the same members, whatever their order (RFC 8259 §4).
    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        guard a.members.count == b.members.count else { return false }
        for m in a.members where b[m.key] != m.value { return false }
        return true
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements.map { Member(key: $0.0, value: $0.1) })
    }
}
