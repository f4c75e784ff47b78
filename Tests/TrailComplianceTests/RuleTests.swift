import Foundation
import Testing
import TrailCompliance
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// Statements with freely chosen manifests, lab signers and values, for the rules of issue 14.
extension ComplianceFixture {
    static func manifest(
        id: String = "SHP-0001", quantity: Int, serials: [String]? = nil, destination: String = "CN"
    ) -> [UInt8] {
        let list = serials ?? (quantity > 0 ? (1...quantity).map { "H200-\(id)-\($0)" } : [])
        let json = JSONValue.array(list.map { .string($0) })
        return Array(
            """
            {"shipmentId":"\(id)","exporter":"Nvidia Export LLC","license":"LIC-2026-001","consignee":"Shanghai AI Compute Co",\
            "endUser":"Shanghai AI Compute Co","destination":"\(destination)","product":"NVIDIA H200 SXM","eccn":"3A090.a",\
            "hsCode":"8473.30","quantity":\(quantity),"serials":\(String(decoding: JCS.serialize(json), as: UTF8.self)),\
            "declared":{"tpp":15832,"dramBandwidthGBps":4800,"memoryGB":141}}
            """.utf8)
    }

    func supply(manifest m: [UInt8], quantity: Int, usShipped: Int = 10000) throws -> Envelope {
        try Samples.envelope(
            .supplySufficiency, manifest: m, predicate: Samples.supply(quantity: quantity, usShipped: usShipped),
            signers: [pki.exporter])
    }

    func lab(
        manifest m: [UInt8], units: [String], sampling: String = "1 of 4", result: String = "pass",
        testedAt: String = "2026-03-02T00:00:00Z", signer: TestParty? = nil
    ) throws -> Envelope {
        let unitsJSON = String(decoding: JCS.serialize(.array(units.map { .string($0) })), as: UTF8.self)
        let p = try JSONParser.parse(
            """
            {"lab":"Qualified Test Lab Inc","accreditation":"ISO/IEC 17025 #1234.01","reportId":"RPT-1","method":"MLPerf-derived TPP",\
            "sampling":"\(sampling)","unitsTested":\(unitsJSON),"measured":{"tpp":15832,"dramBandwidthGBps":4800,"memoryGB":141},\
            "result":"\(result)","testedAt":"\(testedAt)","location":"San Jose, CA"}
            """)
        return try Samples.envelope(.labTest, manifest: m, predicate: p, signers: [signer ?? pki.lab])
    }

    func customs(manifest m: [UInt8], _ decision: String = "released") throws -> Envelope {
        try Samples.envelope(
            .customsDecision, manifest: m, predicate: Samples.customs(decision), signers: [pki.customs])
    }

    func retract(_ seq: Int, manifest m: [UInt8], by signer: TestParty) throws -> Envelope {
        try Samples.envelope(
            .retraction, manifest: m, predicate: Samples.retraction(of: try lineHash(seq), reason: "withdrawn"),
            signers: [signer])
    }

    /// A full trail about manifest `m` (supply, lab test of its first serial, release).
    func trail(manifest m: [UInt8], quantity: Int, firstSerial: String, usShipped: Int = 10000) throws -> [Envelope] {
        [
            try supply(manifest: m, quantity: quantity, usShipped: usShipped),
            try lab(manifest: m, units: [firstSerial]),
            try customs(manifest: m),
        ]
    }
}

@Suite struct ManifestRuleTests {
    @Test func quantityBoundsAtTheDocumentLevel() {
        func codes(_ q: Int) -> [String] {
            let m = Manifest(
                shipmentId: "S", exporter: "E", license: "L", consignee: "C", endUser: "U", destination: "CN",
                product: "P",
                eccn: "3A090.a", hsCode: "8473.30", quantity: q, serials: ["a"], declared: nil)
            return DocumentRules.problems(manifest: m).map(\.code).filter { $0 == "manifest-quantity-invalid" }
        }
        #expect(codes(1).isEmpty)
        #expect(codes(10_000_000).isEmpty)
        #expect(codes(10_000_001) == ["manifest-quantity-invalid"])
        #expect(codes(0) == ["manifest-quantity-invalid"])
        #expect(codes(-1) == ["manifest-quantity-invalid"])
        #expect(codes(Int.max) == ["manifest-quantity-invalid"])
        #expect(codes(Int.min) == ["manifest-quantity-invalid"])
    }

    @Test func aNegativeQuantityFreesNoLicenseHeadroom() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license(max: 10)])
        let a = ComplianceFixture.manifest(id: "SHP-A", quantity: -5, serials: [])
        try f.append([try f.supply(manifest: a, quantity: -5)])
        let b = ComplianceFixture.manifest(id: "SHP-B", quantity: 11)
        try f.append(try f.trail(manifest: b, quantity: 11, firstSerial: "H200-SHP-B-1"))
        let ra = try f.report("SHP-A")
        #expect(ra.status == .violation)
        #expect(ra.codes.contains("manifest-quantity-invalid"), "\(ra.codes)")
        let rb = try f.report("SHP-B")
        #expect(rb.codes == ["license-quantity-exceeded"], "\(rb.codes)")
        #expect(rb.violations[0].message.contains("to 11 units"))
    }

    @Test func exactlyAtTheLicenseMaximumIsCompliant() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license(max: 10)])
        let m = ComplianceFixture.manifest(quantity: 10)
        try f.append(try f.trail(manifest: m, quantity: 10, firstSerial: "H200-SHP-0001-1"))
        let r = try f.report()
        #expect(r.status == .compliant, "\(r.violations)")
    }

    @Test func oneUnitDeclaredWithAHundredSerialsCountsAHundred() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license(max: 10)])
        let m = ComplianceFixture.manifest(quantity: 1, serials: (1...100).map { "H200-SHP-0001-\($0)" })
        let seqs = try f.append(try f.trail(manifest: m, quantity: 1, firstSerial: "H200-SHP-0001-1"))
        let r = try f.report()
        #expect(r.status == .violation)
        #expect(r.codes == ["manifest-serials-invalid", "license-quantity-exceeded"], "\(r.codes)")
        #expect(r.violations[0].seqs == [seqs[0]])
        #expect(r.violations[0].message.contains("100 serial(s) listed for quantity 1"))
    }

    @Test func eightUnitsListedAsFourSerialsTwiceAreNotAllTested() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        let four = (1...4).map { "H200-SHP-0001-\($0)" }
        let m = ComplianceFixture.manifest(quantity: 8, serials: four + four)
        try f.append([
            try f.supply(manifest: m, quantity: 8), try f.lab(manifest: m, units: four, sampling: "all"),
            try f.customs(manifest: m),
        ])
        let r = try f.report()
        #expect(r.codes == ["manifest-serials-invalid", "lab-too-few-units"], "\(r.codes)")
        #expect(r.violations[1].message.contains("covers 4 unit(s) of the manifest; at least 8 required"))
    }

    @Test func anEmptySerialIsRefused() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        let m = ComplianceFixture.manifest(quantity: 2, serials: ["H200-SHP-0001-1", ""])
        try f.append(try f.trail(manifest: m, quantity: 2, firstSerial: "H200-SHP-0001-1"))
        let r = try f.report()
        #expect(r.codes == ["manifest-serials-invalid"], "\(r.codes)")
        #expect(r.violations[0].message.contains("field manifest.serials[1]"))
    }

    @Test func serialsDifferingOnlyInNormalisationAreDistinct() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        let m = ComplianceFixture.manifest(quantity: 2, serials: ["H200-\u{E9}", "H200-e\u{301}"])
        try f.append(try f.trail(manifest: m, quantity: 2, firstSerial: "H200-\u{E9}"))
        let r = try f.report()
        #expect(r.status == .compliant, "\(r.violations)")
    }

    /// Two shipments of 2^62 units sum to 2^63: the unchecked sum trapped `ledger verify`.
    @Test func twoShipmentsWhoseUnitsOverflowASumGiveFindingsNotATrap() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license(max: 100)])
        let huge = 1 << 62
        for id in ["SHP-A", "SHP-B"] {
            let m = ComplianceFixture.manifest(id: id, quantity: huge, serials: ["H200-\(id)-1"])
            try f.append(try f.trail(manifest: m, quantity: huge, firstSerial: "H200-\(id)-1", usShipped: huge))
        }
        let c = try f.check()
        #expect(c.shipments.count == 2)
        for r in c.shipments {
            #expect(r.status == .violation)
            #expect(r.codes.contains("manifest-quantity-invalid"), "\(r.codes)")
            #expect(r.codes.contains("predicate-value-invalid"), "\(r.codes)")
            #expect(r.codes.contains("license-quantity-exceeded"), "\(r.codes)")
        }
        #expect(c.exitStatus() == 2)
    }

    @Test func aUSFigureOutOfRangeDoesNotRaiseTheCap() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        let m = ComplianceFixture.manifest(quantity: 4)
        try f.append(try f.trail(manifest: m, quantity: 4, firstSerial: "H200-SHP-0001-1", usShipped: -10000))
        let r = try f.report()
        #expect(r.codes == ["predicate-value-invalid", "destination-cap-exceeded"], "\(r.codes)")
        #expect(r.violations[0].message.contains("usUnitsShipped"))
    }
}

@Suite struct PredicateValueTests {
    @Test func aLabResultOtherThanPassOrFail() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        let m = ComplianceFixture.manifest(quantity: 4)
        try f.append([
            try f.supply(manifest: m, quantity: 4),
            try f.lab(manifest: m, units: ["H200-SHP-0001-1"], result: "passed"),
            try f.customs(manifest: m),
        ])
        let r = try f.report()
        #expect(r.codes == ["predicate-value-invalid", "lab-test-failed"], "\(r.codes)")
        #expect(r.violations[0].message.contains("field result"))
    }

    @Test func aDateWithoutTimeIsRefused() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        let m = ComplianceFixture.manifest(quantity: 4)
        try f.append([
            try f.supply(manifest: m, quantity: 4),
            try f.lab(manifest: m, units: ["H200-SHP-0001-1"], testedAt: "2026-03-02"), try f.customs(manifest: m),
        ])
        let r = try f.report()
        #expect(r.codes == ["predicate-value-invalid"], "\(r.codes)")
        #expect(r.violations[0].message.contains("field testedAt"))
    }

    @Test func samplingForms() {
        typealias S = DocumentRules.Sampling
        #expect(S("all") == .all)
        #expect(S("1 of 4") == .some(1, of: 4))
        #expect(S("4 of 4") == .some(4, of: 4))
        #expect(S("5 of 4") == nil)
        #expect(S("0 of 4") == nil)
        #expect(S("-1 of 4") == nil)
        #expect(S("1 of 10000001") == nil)
        #expect(S("1  of 4") == nil)
        #expect(S("All") == nil)
    }
}

@Suite struct LabIndependenceTests {
    @Test func aLabOfTheExportersOrganisationDoesNotCount() throws {
        let f = try ComplianceFixture()
        let inHouse = try f.pki.party(roles: [.lab], subject: "CN=In-house Lab,O=Nvidia Export LLC,C=US")
        try f.register(inHouse)
        try f.append([try f.license()])
        let m = ComplianceFixture.manifest(quantity: 4)
        let seqs = try f.append([
            try f.supply(manifest: m, quantity: 4), try f.lab(manifest: m, units: ["H200-SHP-0001-1"], signer: inHouse),
            try f.customs(manifest: m),
        ])
        let r = try f.report()
        #expect(r.codes == ["lab-not-independent", "customs-before-lab-test"], "\(r.codes)")
        #expect(r.violations[0].seqs == [seqs[1]])
        #expect(r.steps[2].done == false)
    }

    @Test func aLabCertificateThatAlsoHoldsTheExporterRoleDoesNotCount() throws {
        let f = try ComplianceFixture()
        let dual = try f.pki.party(roles: [.lab, .exporter], subject: "CN=Dual,O=Other Test House,C=US")
        try f.register(dual)
        try f.append([try f.license()])
        let m = ComplianceFixture.manifest(quantity: 4)
        try f.append([
            try f.supply(manifest: m, quantity: 4), try f.lab(manifest: m, units: ["H200-SHP-0001-1"], signer: dual),
        ])
        let r = try f.report()
        #expect(r.codes == ["lab-not-independent"], "\(r.codes)")
        #expect(r.violations[0].message.contains("exporter role"))
    }

    @Test func anOrganisationDifferingByOneCharacterIsIndependent() throws {
        let f = try ComplianceFixture()
        let near = try f.pki.party(roles: [.lab], subject: "CN=Near,O=Nvidia Export LLP,C=US")
        try f.register(near)
        try f.append([try f.license()])
        let m = ComplianceFixture.manifest(quantity: 4)
        try f.append([
            try f.supply(manifest: m, quantity: 4), try f.lab(manifest: m, units: ["H200-SHP-0001-1"], signer: near),
            try f.customs(manifest: m),
        ])
        #expect(try f.report().status == .compliant)
    }
}

@Suite struct ReleasedUnitsTests {
    @Test func retractingAReleasedShipmentsSupplyKeepsItsUnitsCounted() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        // US figure 10 → cap 5 units to CN/MO.
        let a = ComplianceFixture.manifest(id: "SHP-A", quantity: 4)
        let seqs = try f.append(try f.trail(manifest: a, quantity: 4, firstSerial: "H200-SHP-A-1", usShipped: 10))
        let retraction = try f.append([try f.retract(seqs[0], manifest: a, by: f.pki.exporter)])[0]
        let b = ComplianceFixture.manifest(id: "SHP-B", quantity: 2)
        let bseqs = try f.append(try f.trail(manifest: b, quantity: 2, firstSerial: "H200-SHP-B-1", usShipped: 10))
        let ra = try f.report("SHP-A")
        #expect(ra.codes == ["retraction-after-release"], "\(ra.codes)")
        #expect(ra.violations[0].seqs == [seqs[0], seqs[2], retraction])
        #expect(ra.timeline.contains { $0.summary.contains("after the release: still counts") })
        let rb = try f.report("SHP-B")
        #expect(rb.codes == ["destination-cap-exceeded"], "\(rb.codes)")
        #expect(rb.violations[0].seqs == [bseqs[0]])
        #expect(rb.violations[0].message.contains("reach 6 units"))
    }

    @Test func aRetractionBeforeAnyReleaseIsNoViolation() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        let m = ComplianceFixture.manifest(quantity: 4)
        let seqs = try f.append([
            try f.supply(manifest: m, quantity: 4), try f.lab(manifest: m, units: ["H200-SHP-0001-1"]),
        ])
        try f.append([try f.retract(seqs[0], manifest: m, by: f.pki.exporter)])
        try f.append([try f.customs(manifest: m, "held")])
        let r = try f.report()
        #expect(!r.codes.contains("retraction-after-release"))
        // With the supply statement gone the shipment names no license either.
        #expect(r.codes == ["customs-before-supply-sufficiency", "customs-before-license"], "\(r.codes)")
    }

    @Test func retractingTheLabTestAfterTheRelease() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        let m = ComplianceFixture.manifest(quantity: 4)
        let seqs = try f.append(try f.trail(manifest: m, quantity: 4, firstSerial: "H200-SHP-0001-1"))
        try f.append([try f.retract(seqs[1], manifest: m, by: f.pki.lab)])
        let r = try f.report()
        #expect(r.codes == ["retraction-after-release"], "\(r.codes)")
        #expect(r.steps[2].done, "the lab test still counts")
    }

    @Test func customsRetractingItsOwnReleaseIsACorrection() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        let m = ComplianceFixture.manifest(quantity: 4)
        let seqs = try f.append(try f.trail(manifest: m, quantity: 4, firstSerial: "H200-SHP-0001-1"))
        try f.append([try f.retract(seqs[2], manifest: m, by: f.pki.customs)])
        let r = try f.report()
        #expect(r.status == .pending, "\(r.codes)")
        #expect(r.missing == ["customs-decision"])
    }
}

@Suite struct UnverifiableTests {
    @Test func aViolationOutranksUnverifiable() throws {
        let f = try ComplianceFixture()
        var forge = try LedgerForger(pki: f.pki)
        for p in [f.pki.regulator, f.pki.exporter, f.pki.lab, f.pki.customs] {
            forge.add(.certificate(cert: p.cert.der, chain: [f.pki.intermediate.der]), time: Samples.time(1))
        }
        forge.add(.statement(try f.license()), time: Samples.time(2))
        forge.add(.statement(try f.supply()), time: Samples.time(2))
        forge.add(.statement(try f.lab(tpp: 22000)), time: Samples.time(2))
        let bad = try Samples.envelope(.customsDecision, predicate: Samples.customs(), signers: [f.pki.lab])
        forge.add(.statement(bad), time: Samples.time(3))
        try forge.checkpoint(time: Samples.time(4))
        try forge.write(to: f.path)
        let r = try #require(try f.check().shipments.first)
        #expect(r.status == .violation)
        #expect(r.codes.contains("lab-tpp-exceeded"))
        #expect(r.unverifiableSeqs == [forge.lines.count - 2])
    }

    @Test func anUntrustedGenesisLeavesEveryShipmentUnverifiable() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        try f.append(try f.trail())
        let other = try PartyPKI()
        let c = try LedgerCheck.run(path: f.path, options: VerifyOptions(trust: [other.root]), policy: .h200)
        #expect(!c.report.integrityOK)
        let r = try #require(c.shipments.first)
        #expect(r.status == .unverifiable, "\(r.codes)")
        #expect(r.unverifiableCodes == ["unverifiable-records"])
    }
}
