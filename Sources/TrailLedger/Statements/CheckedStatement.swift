import TrailCrypto

/// A known predicate, decoded.
public enum DecodedPredicate: Sendable {
    case exportLicense(ExportLicensePredicate)
    case supplySufficiency(SupplySufficiencyPredicate, manifest: Manifest, manifestBytes: [UInt8])
    case labTest(LabTestPredicate)
    case customsDecision(CustomsDecisionPredicate)
    case retraction(RetractionPredicate)
    /// A predicate type chiptrail does not know: stored and verified, "not evaluated".
    case unknown
}

/// A statement whose structure has been checked against SPEC.md §8 (not its signatures).
public struct CheckedStatement: Sendable {
    public var statement: Statement
    public var predicate: DecodedPredicate

    /// Parses and checks the payload of an envelope. Errors: `unsupported-payload-type`, `not-in-toto-statement`,
    /// `subject-mismatch`, `malformed-predicate`, `malformed-manifest`, `manifest-digest-mismatch`.
    public init(envelope: Envelope) throws {
        guard envelope.payloadType.utf8.elementsEqual(DSSE.inTotoPayloadType.utf8) else {
            throw TrailError(
                "unsupported-payload-type", "payloadType \"\(envelope.payloadType)\" is not \(DSSE.inTotoPayloadType)")
        }
        try self.init(statement: try Statement(payload: envelope.payload))
    }

    public init(statement s: Statement) throws {
        statement = s
        guard let kind = s.kind else {
            predicate = .unknown
            return
        }
        let subject = s.subject[0]
        if kind == .exportLicense {
            let p = try s.predicate(as: ExportLicensePredicate.self)
            guard subject.name.utf8.elementsEqual("license:\(p.license)".utf8) else {
                throw TrailError("subject-mismatch", "an export license's subject is license:\(p.license), not \(subject.name)")
            }
            predicate = .exportLicense(p)
            return
        }
        guard let id = s.shipmentID, !id.isEmpty else {
            throw TrailError("subject-mismatch", "the subject name \"\(subject.name)\" is not shipment:<id>")
        }
        guard let digest = subject.sha256, digest.utf8.count == 64, Hex.decode(digest) != nil else {
            throw TrailError("subject-mismatch", "the subject has no sha256 digest of the manifest")
        }
        switch kind {
        case .supplySufficiency:
            let p = try s.predicate(as: SupplySufficiencyPredicate.self)
            guard let bytes = Base64.decodeLenient(p.manifest) else {
                throw TrailError("malformed-manifest", "the embedded manifest is not base64")
            }
            let actual = Digest.sha256Hex(bytes)
            guard actual == digest else {
                throw TrailError(
                    "manifest-digest-mismatch",
                    "the embedded manifest's SHA-256 is \(actual.prefix(16))…, the subject names \(digest.prefix(16))…",
                    remedy: "sign the statement over the exact manifest file it embeds")
            }
            let m: Manifest
            do {
                m = try JSONDecoderStrict.decode(Manifest.self, from: bytes)
            } catch {
                throw TrailError("malformed-manifest", "the embedded manifest does not parse: \(describe(error))")
            }
            guard m.shipmentId.utf8.elementsEqual(id.utf8) else {
                throw TrailError("subject-mismatch", "the manifest's shipmentId \(m.shipmentId) is not the subject's \(id)")
            }
            predicate = .supplySufficiency(p, manifest: m, manifestBytes: bytes)
        case .labTest: predicate = .labTest(try s.predicate(as: LabTestPredicate.self))
        case .customsDecision:
            let p = try s.predicate(as: CustomsDecisionPredicate.self)
            guard ["released", "inspect", "held", "returned"].contains(p.decision) else {
                throw TrailError("malformed-predicate", "customs decision \"\(p.decision)\" is not released/inspect/held/returned")
            }
            predicate = .customsDecision(p)
        case .retraction:
            let p = try s.predicate(as: RetractionPredicate.self)
            guard p.retracts.utf8.count == 64, Hex.decode(p.retracts) != nil else {
                throw TrailError("malformed-predicate", "retracts must be the hex SHA-256 of the retracted line")
            }
            predicate = .retraction(p)
        case .exportLicense: fatalError("handled above")
        }
    }

    public var kind: PredicateKind? { statement.kind }
    public var subjectName: String { statement.subject[0].name }
    public var subjectDigest: String? { statement.subject[0].sha256 }
}

import Foundation

/// Decoding JSON bytes (a manifest) with the strict byte parser: RFC 8259, no duplicate keys, unknown fields ignored.
enum JSONDecoderStrict {
    static func decode<T: Decodable>(_ t: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONValueDecoder.decode(T.self, from: try JSONParser.parse(bytes))
    }
}
