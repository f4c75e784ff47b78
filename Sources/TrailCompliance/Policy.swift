import Foundation
import TrailCrypto
import TrailLedger

/// A compliance policy (SPEC.md §13); every field is optional in the JSON file and defaults to the H200 rule.
public struct Policy: Sendable, Equatable, Codable {
    public var maxTPP: Double = 21000
    public var maxDramBandwidthGBps: Double = 6500
    public var declaredTolerance: Double = 0.02
    public var requireLicense: Bool = true
    public var minUnitsTested: Int = 1
    public var capDestinations: [String] = ["CN", "MO"]
    public var capShareOfUSShipments: Double = 0.5
    public var requiredWitnesses: Int = 0

    /// The built-in H200 rule (BIS, 91 FR 1684).
    public static let h200 = Policy()

    public init() {}

    /// The keys a policy file may hold.
    public static let keys = [
        "maxTPP", "maxDramBandwidthGBps", "declaredTolerance", "requireLicense", "minUnitsTested", "capDestinations",
        "capShareOfUSShipments", "requiredWitnesses",
    ]

    /// Loads a policy file: strict JSON (RFC 8259 through the ledger's own parser, duplicate keys refused), one
    /// object, only the keys of `Policy.keys` (compared exactly), each value of its type and range — limits finite
    /// and > 0 (at most 10^12), shares and tolerances in [0, 1], counts integers in 0…10^7 (witnesses 0…1000),
    /// destinations distinct ISO 3166 alpha-2 codes. Errors (exit 65): `malformed-policy`, `policy-unknown-key`,
    /// `policy-value-invalid`, each naming the key.
    public static func load(json bytes: [UInt8], file: String? = nil) throws -> Policy {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch let e as TrailError {
            throw TrailError.malformed(
                "malformed-policy", "the policy file is not strict JSON: [\(e.code)] \(e.message)",
                remedy: "write one JSON object without duplicate keys"
            ).at(file: file)
        }
        guard case .object(let o) = value else {
            throw TrailError.malformed("malformed-policy", "the policy file must hold one JSON object").at(file: file)
        }
        var p = Policy.h200
        for m in o.members {
            guard let key = keys.first(where: { same($0, m.key) }) else {
                throw TrailError.malformed(
                    "policy-unknown-key", "unknown policy key \"\(m.key)\"",
                    remedy: "valid keys: " + keys.joined(separator: ", ")
                ).at(file: file)
            }
            func bad(_ what: String) -> TrailError {
                TrailError.malformed(
                    "policy-value-invalid",
                    "policy key \"\(key)\": \(what), not \(String(decoding: JCS.serialize(m.value), as: UTF8.self))",
                    remedy: "see DESIGN-NOTES.md \"Compliance\", Policy files"
                ).at(file: file)
            }
            func limit() throws -> Double {
                guard let d = m.value.doubleValue, d.isFinite, d > 0, d <= 1e12 else {
                    throw bad("expected a number in (0, 10^12]")
                }
                return d
            }
            func share() throws -> Double {
                guard let d = m.value.doubleValue, d.isFinite, d >= 0, d <= 1 else {
                    throw bad("expected a number in [0, 1]")
                }
                return d
            }
            func count(_ max: Int) throws -> Int {
                guard let i = m.value.intValue, i >= 0, i <= Int64(max) else {
                    throw bad("expected an integer in 0…\(max)")
                }
                return Int(i)
            }
            switch key {
            case "maxTPP": p.maxTPP = try limit()
            case "maxDramBandwidthGBps": p.maxDramBandwidthGBps = try limit()
            case "declaredTolerance": p.declaredTolerance = try share()
            case "capShareOfUSShipments": p.capShareOfUSShipments = try share()
            case "minUnitsTested": p.minUnitsTested = try count(DocumentRules.maxQuantity)
            case "requiredWitnesses": p.requiredWitnesses = try count(1000)
            case "requireLicense":
                guard let b = m.value.boolValue else { throw bad("expected true or false") }
                p.requireLicense = b
            default:  // capDestinations
                guard case .array(let items) = m.value else { throw bad("expected an array of ISO 3166 alpha-2 codes") }
                var codes: [String] = []
                for item in items {
                    guard let s = item.stringValue, s.utf8.count == 2, s.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 })
                    else {
                        throw bad("expected an array of ISO 3166 alpha-2 codes (two capital letters)")
                    }
                    guard !codes.contains(where: { same($0, s) }) else { throw bad("\(s) is listed twice") }
                    codes.append(s)
                }
                p.capDestinations = codes
            }
        }
        return p
    }
}
