import Foundation
import Testing
import TrailCompliance
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// A predicate type added from outside the library (issue 14's extension test): a carrier's shipping notice,
/// defined entirely in this file — its rule, its role, its step. The auditor role stands in for a carrier role
/// (`Role` is a closed set in TrailCrypto).
struct ShippingNoticeRule: PredicateTypeRule {
    let predicateType = "urn:example:shipping-notice:v1"
    let role = Role.auditor
    let step = "shipping-notice"

    func problems(_ p: JSONValue) -> [DocumentProblem] {
        var out: [DocumentProblem] = []
        if (p["carrier"]?.stringValue ?? "").isEmpty {
            out.append(DocumentProblem(code: "predicate-value-invalid", field: "carrier", message: "no carrier named"))
        }
        if !((p["units"]?.intValue ?? 0) >= 1) {
            out.append(
                DocumentProblem(
                    code: "predicate-value-invalid", field: "units", message: "units must be a positive integer"))
        }
        return out
    }
}

@Suite struct ShippingNoticeFixtureTests {
    func notice(_ f: ComplianceFixture, carrier: String = "Pacific Freight", units: Int = 4, signer: TestParty? = nil)
        throws
        -> Envelope
    {
        let manifest = Samples.manifest()
        let statement: JSONValue = .object([
            "_type": .string(Statement.type),
            "subject": .array([
                .object([
                    "name": .string("shipment:SHP-0001"),
                    "digest": .object(["sha256": .string(Digest.sha256Hex(manifest))]),
                ])
            ]),
            "predicateType": .string(ShippingNoticeRule().predicateType),
            "predicate": .object(["carrier": .string(carrier), "units": .number(JSONNumber(Int64(units)))]),
        ])
        let s = signer ?? f.pki.auditor
        return try Envelope(payload: JCS.serialize(statement)).signed(by: s.key, keyid: s.cert.fingerprint)
    }

    func report(_ f: ComplianceFixture) throws -> ShipmentReport {
        let c = try LedgerCheck.run(
            path: f.path, options: VerifyOptions(trust: [f.pki.root]), policy: .h200,
            predicateRules: [ShippingNoticeRule()])
        return try #require(c.shipments.first)
    }

    @Test func aShipmentWithoutTheNoticeIsPending() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        try f.append(try f.trail())
        let r = try report(f)
        #expect(r.status == .pending)
        #expect(r.missing == ["shipping-notice"])
        // Without the rule the same ledger is compliant: the type is not the library's.
        #expect(try f.report().status == .compliant)
    }

    @Test func theNoticeCompletesTheTrail() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        try f.append(try f.trail())
        let seq = try f.append([try notice(f)])[0]
        let r = try report(f)
        #expect(r.status == .compliant, "\(r.codes)")
        #expect(r.steps.last == Step(name: "shipping-notice", done: true, seqs: [seq]))
        #expect(r.timeline.last?.summary == "evaluated by the shipping-notice rule")
    }

    @Test func aNoticeWithABadValueIsAViolationNamingTheField() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        try f.append(try f.trail())
        let seq = try f.append([try notice(f, units: 0)])[0]
        let r = try report(f)
        #expect(r.codes == ["predicate-value-invalid"])
        #expect(r.violations[0].seqs == [seq] && r.violations[0].message.contains("field units"))
    }

    @Test func aNoticeSignedByAnotherRoleDoesNotCount() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        try f.append(try f.trail())
        try f.append([try notice(f, signer: f.pki.lab)])
        let r = try report(f)
        #expect(r.codes == ["role-not-permitted"])
        #expect(r.steps.last?.done == false)
    }
}
