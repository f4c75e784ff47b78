import Foundation
import TrailCrypto

/// An in-toto Statement v1 (in-toto/attestation spec v1.0), parsed from verified payload bytes only.
public struct Statement: Sendable, Equatable {
    public static let type = "https://in-toto.io/Statement/v1"

    public struct Subject: Sendable, Equatable, Codable {
        public var name: String
        public var digest: [String: String]
        public init(name: String, digest: [String: String]) {
            self.name = name
            self.digest = digest
        }
        /// The lowercase hex SHA-256 digest, when present.
        public var sha256: String? { digest["sha256"]?.lowercased() }
    }

    public var subject: [Subject]
    public var predicateType: String
    /// The predicate object's JSON bytes, decoded into a typed predicate on demand.
    public var predicateJSON: [UInt8]

    public init(subject: [Subject], predicateType: String, predicateJSON: [UInt8]) {
        self.subject = subject
        self.predicateType = predicateType
        self.predicateJSON = predicateJSON
    }

    /// The known kind of the predicate type, or nil for an unknown type ("not evaluated").
    public var kind: PredicateKind? { PredicateKind(predicateType: predicateType) }

    /// `shipment:<id>` → id.
    public var shipmentID: String? {
        guard let n = subject.first?.name, n.hasPrefix("shipment:") else { return nil }
        return String(n.dropFirst("shipment:".count))
    }

    /// Parses a Statement v1. Errors: `not-in-toto-statement`.
    public init(payload: [UInt8]) throws {
        let obj: Any
        do {
            obj = try JSONSerialization.jsonObject(with: Data(payload), options: [])
        } catch {
            throw TrailError("not-in-toto-statement", "the payload is not JSON")
        }
        guard let dict = obj as? [String: Any] else {
            throw TrailError("not-in-toto-statement", "the payload is not a JSON object")
        }
        guard dict["_type"] as? String == Statement.type else {
            throw TrailError(
                "not-in-toto-statement", "the payload's _type is not \(Statement.type)",
                remedy: "sign an in-toto Statement v1 (chiptrail attest writes one)")
        }
        guard let subjects = dict["subject"] as? [[String: Any]], !subjects.isEmpty else {
            throw TrailError("not-in-toto-statement", "the statement has no subject")
        }
        var subs: [Subject] = []
        for s in subjects {
            guard let name = s["name"] as? String, let digest = s["digest"] as? [String: String], !digest.isEmpty else {
                throw TrailError("not-in-toto-statement", "a subject lacks a name or digest")
            }
            subs.append(Subject(name: name, digest: digest))
        }
        guard let pt = dict["predicateType"] as? String, !pt.isEmpty else {
            throw TrailError("not-in-toto-statement", "the statement has no predicateType")
        }
        let predicate = dict["predicate"] ?? [String: Any]()
        guard predicate is [String: Any] else {
            throw TrailError("not-in-toto-statement", "the predicate is not a JSON object")
        }
        let pbytes = try JSONSerialization.data(withJSONObject: predicate, options: [.sortedKeys])
        self.init(subject: subs, predicateType: pt, predicateJSON: [UInt8](pbytes))
    }

    /// Decodes the predicate as `T` (unknown fields ignored). Errors: `malformed-predicate`.
    public func predicate<T: Decodable>(as: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(predicateJSON))
        } catch {
            throw TrailError("malformed-predicate", "the \(predicateType) predicate does not parse: \(describe(error))")
        }
    }
}

func describe(_ error: Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let k, _): return "missing field \"\(k.stringValue)\""
    case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
        return "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
    case DecodingError.dataCorrupted(let c): return c.debugDescription
    default: return "\(error)"
    }
}
