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
    /// The predicate object as parsed from the payload.
    public var predicate: JSONValue

    /// The predicate object's JSON bytes (RFC 8785 canonical form).
    public var predicateJSON: [UInt8] { JCS.serialize(predicate) }

    public init(subject: [Subject], predicateType: String, predicate: JSONValue) {
        self.subject = subject
        self.predicateType = predicateType
        self.predicate = predicate
    }

    /// A statement whose predicate is given as JSON bytes (an unparseable predicate becomes `{}`).
    public init(subject: [Subject], predicateType: String, predicateJSON: [UInt8]) {
        self.init(subject: subject, predicateType: predicateType, predicate: (try? JSONParser.parse(predicateJSON)) ?? .object([:]))
    }

    /// The known kind of the predicate type, or nil for an unknown type ("not evaluated").
    public var kind: PredicateKind? { PredicateKind(predicateType: predicateType) }

    /// `shipment:<id>` → id.
    public var shipmentID: String? {
        guard let n = subject.first?.name, n.hasPrefix("shipment:") else { return nil }
        return String(n.dropFirst("shipment:".count))
    }

    /// Parses a Statement v1 with the strict byte parser (RFC 8259, no duplicate keys). Errors: `not-in-toto-statement`.
    public init(payload: [UInt8]) throws {
        let value: JSONValue
        do {
            value = try JSONParser.parse(payload)
        } catch {
            throw TrailError("not-in-toto-statement", "the payload is not JSON")
        }
        guard case .object(let dict) = value else {
            throw TrailError("not-in-toto-statement", "the payload is not a JSON object")
        }
        guard dict["_type"]?.stringValue?.utf8.elementsEqual(Statement.type.utf8) == true else {
            throw TrailError(
                "not-in-toto-statement", "the payload's _type is not \(Statement.type)",
                remedy: "sign an in-toto Statement v1 (chiptrail attest writes one)")
        }
        guard let subjects = dict["subject"]?.arrayValue, !subjects.isEmpty else {
            throw TrailError("not-in-toto-statement", "the statement has no subject")
        }
        var subs: [Subject] = []
        subs.reserveCapacity(subjects.count)
        for s in subjects {
            guard let name = s["name"]?.stringValue, let digestObject = s["digest"]?.objectValue, !digestObject.isEmpty
            else {
                throw TrailError("not-in-toto-statement", "a subject lacks a name or digest")
            }
            var digest: [String: String] = [:]
            for m in digestObject.members {
                guard let v = m.value.stringValue else {
                    throw TrailError("not-in-toto-statement", "a subject lacks a name or digest")
                }
                digest[m.key] = v
            }
            subs.append(Subject(name: name, digest: digest))
        }
        guard let pt = dict["predicateType"]?.stringValue, !pt.isEmpty else {
            throw TrailError("not-in-toto-statement", "the statement has no predicateType")
        }
        let predicate = dict["predicate"] ?? .object([:])
        guard case .object = predicate else {
            throw TrailError("not-in-toto-statement", "the predicate is not a JSON object")
        }
        self.init(subject: subs, predicateType: pt, predicate: predicate)
    }

    /// Decodes the predicate as `T` (unknown fields ignored). Errors: `malformed-predicate`.
    public func predicate<T: Decodable>(as: T.Type) throws -> T {
        do {
            return try JSONValueDecoder.decode(T.self, from: predicate)
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
