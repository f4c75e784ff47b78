import Foundation
import TrailCrypto

/// A compliance policy (DESIGN.md §5); every field is optional in the JSON file and defaults to the H200 rule.
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

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Policy.h200
        maxTPP = try c.decodeIfPresent(Double.self, forKey: .maxTPP) ?? d.maxTPP
        maxDramBandwidthGBps = try c.decodeIfPresent(Double.self, forKey: .maxDramBandwidthGBps) ?? d.maxDramBandwidthGBps
        declaredTolerance = try c.decodeIfPresent(Double.self, forKey: .declaredTolerance) ?? d.declaredTolerance
        requireLicense = try c.decodeIfPresent(Bool.self, forKey: .requireLicense) ?? d.requireLicense
        minUnitsTested = try c.decodeIfPresent(Int.self, forKey: .minUnitsTested) ?? d.minUnitsTested
        capDestinations = try c.decodeIfPresent([String].self, forKey: .capDestinations) ?? d.capDestinations
        capShareOfUSShipments = try c.decodeIfPresent(Double.self, forKey: .capShareOfUSShipments) ?? d.capShareOfUSShipments
        requiredWitnesses = try c.decodeIfPresent(Int.self, forKey: .requiredWitnesses) ?? d.requiredWitnesses
    }

    /// Loads a policy file. Errors: `malformed-policy`.
    public static func load(json bytes: [UInt8], file: String? = nil) throws -> Policy {
        do {
            return try JSONDecoder().decode(Policy.self, from: Data(bytes))
        } catch {
            throw TrailError.malformed("malformed-policy", "the policy file does not parse: \(error)").at(file: file)
        }
    }
}
