import Foundation
import Testing
import TrailCompliance
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// The published JSON Schemas (issue 14): the embedded text is the file's, the sample's and the demo's documents
/// are valid under Python `jsonschema` and under chiptrail's own rules, and both refuse the same bad documents.
@Suite struct SchemaTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test(arguments: Schemas.kinds)
    func theEmbeddedSchemaIsTheFile(_ kind: String) throws {
        let file = try Data(contentsOf: URL(fileURLWithPath: Self.repo + "/schemas/\(kind).schema.json"))
        #expect(Array((Schemas.text(for: kind) ?? "").utf8) == Array(file))
        // It is JSON, names 2020-12 and its kind.
        let v = try JSONParser.parse(Array(file))
        #expect(v["$schema"]?.stringValue == "https://json-schema.org/draft/2020-12/schema")
        #expect(v["$id"]?.stringValue == "urn:chiptrail:schema:\(kind):v1")
    }

    @Test func noSchemaForAnotherKind() {
        #expect(Schemas.text(for: "unknown") == nil)
        #expect(Set(Schemas.kinds) == Set(["manifest"] + PredicateKind.allCases.map(\.rawValue)))
    }

    /// Every predicate (and every embedded manifest) of the statements in a ledger file, named `KIND--TAG-SEQ`.
    static func documents(ledger path: String, tag: String) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        let data = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        for (seq, line) in data.split(separator: 0x0A).enumerated() {
            let record = try JSONParser.parse(Array(line))
            guard record["type"]?.stringValue == "statement", let b64 = record["envelope"]?["payload"]?.stringValue,
                let payload = Base64.decodeLenient(b64)
            else { continue }
            let statement = try JSONParser.parse(payload)
            guard let type = statement["predicateType"]?.stringValue, let kind = PredicateKind(predicateType: type),
                let predicate = statement["predicate"]
            else { continue }
            out["\(kind.rawValue)--\(tag)-\(seq).json"] = JCS.serialize(predicate)
            if kind == .supplySufficiency, let m = predicate["manifest"]?.stringValue.flatMap(Base64.decodeLenient) {
                out["manifest--\(tag)-\(seq).json"] = m
            }
        }
        return out
    }

    /// Documents chiptrail refuses, each a one-field change of a valid one (every kind, every rule family).
    static func badDocuments() throws -> [String: [UInt8]] {
        func edit(_ base: JSONValue, _ key: String, _ value: JSONValue?) -> [UInt8] {
            guard case .object(var o) = base else { return [] }
            o[key] = value
            return JCS.serialize(.object(o))
        }
        func nested(_ base: JSONValue, _ outer: String, _ key: String, _ value: JSONValue) -> [UInt8] {
            guard case .object(var o) = base, case .object(var inner)? = o[outer] else { return [] }
            inner[key] = value
            o[outer] = .object(inner)
            return JCS.serialize(.object(o))
        }
        let n = { (x: Double) in JSONValue.number(JSONNumber(x)) }
        let s = { (x: String) in JSONValue.string(x) }
        let manifest = try JSONParser.parse(Samples.manifest())
        var supply = Samples.supply()
        if case .object(var o) = supply {
            o["manifest"] = .string(Base64.encode(Samples.manifest()))
            supply = .object(o)
        }
        let lab = Samples.labTest()
        let license = Samples.license()
        let customs = Samples.customs()
        let retraction = Samples.retraction(of: String(repeating: "ab", count: 32))
        let serials = ComplianceSamples.serials()
        return [
            "manifest--quantity-0": edit(manifest, "quantity", n(0)),
            "manifest--quantity-negative": edit(manifest, "quantity", n(-4)),
            "manifest--quantity-over-bound": edit(manifest, "quantity", n(10_000_001)),
            "manifest--quantity-string": edit(manifest, "quantity", s("4")),
            "manifest--quantity-fraction": edit(manifest, "quantity", n(4.5)),
            "manifest--serial-empty": edit(manifest, "serials", .array((serials.dropLast() + [""]).map(s))),
            "manifest--serial-repeated": edit(manifest, "serials", .array((serials.dropLast() + [serials[0]]).map(s))),
            "manifest--serials-not-array": edit(manifest, "serials", s("H200-1")),
            "manifest--no-shipment-id": edit(manifest, "shipmentId", nil),
            "manifest--empty-shipment-id": edit(manifest, "shipmentId", s("")),
            "manifest--declared-negative": nested(manifest, "declared", "tpp", n(-1)),
            "export-license--max-0": edit(license, "maxQuantity", n(0)),
            "export-license--max-negative": edit(license, "maxQuantity", n(-5)),
            "export-license--max-fraction": edit(license, "maxQuantity", n(1.5)),
            "export-license--date-only": edit(license, "validFrom", s("2026-01-15")),
            "export-license--month-13": edit(license, "validUntil", s("2026-13-01T00:00:00Z")),
            "export-license--no-license": edit(license, "license", nil),
            "export-license--empty-license": edit(license, "license", s("")),
            "supply-sufficiency--us-negative": edit(supply, "usUnitsShipped", n(-1)),
            "supply-sufficiency--quantity-0": edit(supply, "quantity", n(0)),
            "supply-sufficiency--signed-yesterday": edit(supply, "signedAt", s("yesterday")),
            "supply-sufficiency--no-officer": edit(supply, "officer", nil),
            "supply-sufficiency--unfilled-string": edit(supply, "usUnfilledOrders", s("0")),
            "lab-test--result-passed": edit(lab, "result", s("passed")),
            "lab-test--tested-date-only": edit(lab, "testedAt", s("2026-03-02")),
            "lab-test--tested-offset": edit(lab, "testedAt", s("2026-03-02T00:00:00+01:00")),
            "lab-test--sampling-some": edit(lab, "sampling", s("some")),
            "lab-test--no-units": edit(lab, "unitsTested", .array([])),
            "lab-test--empty-unit": edit(lab, "unitsTested", .array([s("")])),
            "lab-test--tpp-negative": nested(lab, "measured", "tpp", n(-3)),
            "lab-test--no-measured": edit(lab, "measured", nil),
            "lab-test--measured-string": edit(lab, "measured", s("x")),
            "customs-decision--cleared": edit(customs, "decision", s("cleared")),
            "customs-decision--no-zone": edit(customs, "decidedAt", s("2026-03-05T00:00:00")),
            "customs-decision--no-reason": edit(customs, "reason", nil),
            "retraction--short-hash": edit(retraction, "retracts", s("abc")),
            "retraction--63-digits": edit(retraction, "retracts", s(String(repeating: "a", count: 63))),
            "retraction--no-reason": edit(retraction, "reason", nil),
        ].reduce(into: [:]) { $0[$1.key + ".json"] = $1.value }
    }

    /// jsonschema's verdicts: file name → valid.
    static func jsonschema(_ docs: [String: [UInt8]]) throws -> [String: Bool] {
        let dir = TempDir()
        for (name, bytes) in docs { _ = try dir.write(name, bytes: bytes, mode: 0o644) }
        let r = try runProcess("/usr/bin/env", ["python3", repo + "/schemas/check.py", repo + "/schemas", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        var out: [String: Bool] = [:]
        for line in r.stdout.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            if f.count >= 2 { out[String(f[0])] = f[1] == "valid" }
        }
        return out
    }

    @Test func theSamplesAndTheDemosDocumentsAreValidForBoth() throws {
        let demoDir = TempDir()
        _ = try DemoLedger(directory: demoDir.path).build()
        var docs = try Self.documents(ledger: Self.repo + "/Ledger/h200-sample.jsonl", tag: "sample")
        docs.merge(try Self.documents(ledger: DemoLedger(directory: demoDir.path).ledgerPath, tag: "demo")) { a, _ in a
        }
        let kinds = Set(docs.keys.map { $0.components(separatedBy: "--")[0] })
        #expect(kinds == Set(Schemas.kinds), "every kind has a document to check: \(kinds.sorted())")
        let verdicts = try Self.jsonschema(docs)
        #expect(verdicts.count == docs.count)
        for (name, bytes) in docs.sorted(by: { $0.key < $1.key }) {
            let kind = name.components(separatedBy: "--")[0]
            #expect(verdicts[name] == true, "jsonschema refuses \(name)")
            let problems = AttestationCheck.documentProblems(kind: kind, document: bytes)
            #expect(problems.isEmpty, "chiptrail refuses \(name): \(problems)")
        }
    }

    @Test func chiptrailAndJSONSchemaRefuseTheSameBadDocuments() throws {
        let docs = try Self.badDocuments()
        let verdicts = try Self.jsonschema(docs)
        #expect(verdicts.count == docs.count)
        for (name, bytes) in docs.sorted(by: { $0.key < $1.key }) {
            let kind = name.components(separatedBy: "--")[0]
            #expect(verdicts[name] == false, "jsonschema accepts \(name)")
            let problems = AttestationCheck.documentProblems(kind: kind, document: bytes)
            #expect(!problems.isEmpty, "chiptrail accepts \(name)")
        }
        // And their valid originals pass both.
        var good: [String: [UInt8]] = [
            "manifest--base.json": Samples.manifest(), "lab-test--base.json": JCS.serialize(Samples.labTest()),
        ]
        good["customs-decision--base.json"] = JCS.serialize(Samples.customs())
        good["export-license--base.json"] = JCS.serialize(Samples.license())
        let ok = try Self.jsonschema(good)
        for (name, bytes) in good {
            #expect(ok[name] == true, "jsonschema refuses \(name)")
            #expect(
                AttestationCheck.documentProblems(kind: name.components(separatedBy: "--")[0], document: bytes).isEmpty)
        }
    }
}
