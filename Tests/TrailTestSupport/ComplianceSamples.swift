import Foundation
import TrailCrypto
import TrailLedger

/// Statements for compliance tests beyond `Samples`.
public enum ComplianceSamples {
    /// An envelope with a predicate type chiptrail does not know, about `manifest`'s shipment.
    public static func unknownStatement(
        type: String = "urn:example:buyer-receipt:v1", manifest: [UInt8] = Samples.manifest(), id: String = "SHP-0001",
        signers: [TestParty]
    ) throws -> Envelope {
        let statement: JSONValue = .object([
            "_type": .string(Statement.type),
            "subject": .array([
                .object([
                    "name": .string("shipment:\(id)"),
                    "digest": .object(["sha256": .string(Digest.sha256Hex(manifest))]),
                ])
            ]),
            "predicateType": .string(type),
            "predicate": .object(["receivedBy": .string("Shanghai AI Compute Co"), "units": .string("4")]),
        ])
        var env = Envelope(payload: JCS.serialize(statement))
        for s in signers { env = try env.signed(by: s.key, keyid: s.cert.fingerprint) }
        return env
    }

    /// The serials `Samples.manifest(id:quantity:)` writes.
    public static func serials(id: String = "SHP-0001", quantity: Int = 4) -> [String] {
        (1...quantity).map { "H200-\(id)-\($0)" }
    }

    /// An export license predicate with chosen terms (`Samples.license` fixes them).
    public static func license(
        _ number: String = "LIC-2026-001", max: Int = 100, exporter: String = "Nvidia Export LLC",
        destination: String = "CN", validFrom: String = "2026-01-15T00:00:00Z", validUntil: String = "2027-01-15T00:00:00Z"
    ) -> JSONValue {
        .object([
            "license": .string(number), "exporter": .string(exporter), "consignee": .string("Shanghai AI Compute Co"),
            "destination": .string(destination), "product": .string("NVIDIA H200 SXM"), "maxQuantity": .number(JSONNumber(Int64(max))),
            "validFrom": .string(validFrom), "validUntil": .string(validUntil), "conditions": .array([]),
        ])
    }
}
