import Foundation
import Testing
import TrailCompliance
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// Each limit exactly at its value and one step past it.
@Suite struct BoundaryTests {
    func policy(_ json: String) throws -> Policy { try Policy.load(json: Array(json.utf8)) }

    @Test func theCapExactlyReachedIsCompliantOneUnitMoreIsNot() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        // 50 % of 8 = 4.
        try f.append(try f.trail(id: "SHP-0001", quantity: 4, usShipped: 8))
        #expect(try f.report("SHP-0001").status == .compliant)
        let g = try ComplianceFixture()
        try g.append([try g.license()])
        try g.append(try g.trail(id: "SHP-0001", quantity: 4, usShipped: 7))
        #expect(try g.report("SHP-0001").codes == ["destination-cap-exceeded"])
    }

    @Test func aShareOfZeroAllowsNoUnitAShareOfOneAllowsAll() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        try f.append(try f.trail(id: "SHP-0001", quantity: 4, usShipped: 4))
        #expect(try f.report(policy: policy(#"{"capShareOfUSShipments":1}"#)).status == .compliant)
        #expect(try f.report(policy: policy(#"{"capShareOfUSShipments":0}"#)).codes == ["destination-cap-exceeded"])
        // Outside the capped destinations the cap does not apply.
        #expect(
            try f.report(policy: policy(#"{"capShareOfUSShipments":0,"capDestinations":["MO"]}"#)).status == .compliant)
    }

    @Test func measuredTPPAtTheLimitIsOverIt() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        try f.append(try f.trail())
        // The sample measures TPP 15832.
        #expect(try f.report(policy: policy(#"{"maxTPP":15832}"#)).codes == ["lab-tpp-exceeded"])
        #expect(try f.report(policy: policy(#"{"maxTPP":15832.5}"#)).status == .compliant)
        #expect(try f.report(policy: policy(#"{"maxDramBandwidthGBps":4800}"#)).codes == ["lab-bandwidth-exceeded"])
        #expect(try f.report(policy: policy(#"{"maxDramBandwidthGBps":4800.5}"#)).status == .compliant)
    }

    @Test func declaredToleranceExactlyMetIsWithinIt() throws {
        // Declared bandwidth 4800; tolerance 0.25 → 1200 GB/s either way (exact in binary).
        let p = try policy(#"{"declaredTolerance":0.25}"#)
        let f = try ComplianceFixture()
        try f.append([try f.license(), try f.supply(), try f.lab(bandwidth: 6000), try f.customs()])
        #expect(try f.report(policy: p).status == .compliant)
        let g = try ComplianceFixture()
        try g.append([try g.license(), try g.supply(), try g.lab(bandwidth: 6000.5), try g.customs()])
        #expect(try g.report(policy: p).codes == ["lab-declared-mismatch"])
    }

    @Test func minUnitsTestedExactlyMet() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        try f.append(try f.trail())
        // The sample lab test covers one unit.
        #expect(try f.report(policy: policy(#"{"minUnitsTested":1}"#)).status == .compliant)
        #expect(try f.report(policy: policy(#"{"minUnitsTested":2}"#)).codes == ["lab-too-few-units"])
        #expect(try f.report(policy: policy(#"{"minUnitsTested":0}"#)).status == .compliant)
    }

    @Test func samplingAllWithEveryUnitIsCompliant() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        let m = ComplianceFixture.manifest(quantity: 4)
        let all = ComplianceSamples.serials()
        try f.append([
            try f.supply(manifest: m, quantity: 4), try f.lab(manifest: m, units: all, sampling: "all"),
            try f.customs(manifest: m),
        ])
        #expect(try f.report().status == .compliant)
        let g = try ComplianceFixture()
        try g.append([try g.license()])
        try g.append([
            try g.supply(manifest: m, quantity: 4),
            try g.lab(manifest: m, units: Array(all.dropLast()), sampling: "all"),
            try g.customs(manifest: m),
        ])
        #expect(try g.report().codes == ["lab-too-few-units"])
    }

    @Test func predicateCountsAtTheirBounds() {
        func codes(_ kind: String, _ json: String) -> [String] {
            AttestationCheck.documentProblems(kind: kind, document: Array(json.utf8)).map {
                String($0.split(separator: ":")[0])
            }
        }
        let lic =
            #"{"license":"L","exporter":"E","consignee":"C","destination":"CN","product":"P","validFrom":"2026-01-01T00:00:00Z","validUntil":"2026-01-01T00:00:00Z","maxQuantity":"#
        #expect(codes("export-license", lic + "1}").isEmpty)
        #expect(codes("export-license", lic + "1000000000000}").isEmpty)
        #expect(codes("export-license", lic + "0}") == ["predicate-value-invalid"])
        #expect(codes("export-license", lic + "1000000000001}") == ["predicate-value-invalid"])
        let later = lic.replacingOccurrences(
            of: #""validUntil":"2026-01-01T00:00:00Z""#, with: #""validUntil":"2025-12-31T23:59:59Z""#)
        #expect(codes("export-license", later + "1}") == ["predicate-value-invalid"])
    }
}

extension BoundaryTests {
    /// The fixture writes the license at minute 3 and the trail at minute 4 (2026-03-01T00:04:00.000Z).
    @Test(arguments: [("2026-03-01T00:04:00Z", true), ("2026-03-01T00:03:59.999Z", false)])
    func aLicenseValidUntilTheAttestationInstant(_ until: String, _ valid: Bool) throws {
        let f = try ComplianceFixture()
        try f.append([
            try Samples.envelope(
                .exportLicense, predicate: ComplianceSamples.license(validUntil: until), signers: [f.pki.regulator])
        ])
        try f.append(try f.trail())
        let r = try f.report()
        #expect(r.codes == (valid ? [] : ["license-not-valid"]), "\(r.codes)")
    }
}
