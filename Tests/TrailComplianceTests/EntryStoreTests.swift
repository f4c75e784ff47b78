import Foundation
import Testing
import TrailCrypto
import TrailLedger

@testable import TrailCompliance

/// The evaluator's temporary entry file: chains per shipment survive interleaving and the flush to disk, and every
/// kind of fact reads back as it was written.
@Suite struct EntryStoreTests {
    typealias E = ComplianceEvaluator

    static func entry(_ seq: Int, _ fact: E.Fact) -> E.Entry {
        E.Entry(
            seq: seq, time: "2026-03-0\(seq % 9 + 1)T10:00:00Z", signers: Int32(seq % 3), digest: -1,
            line: E.Key128(a: UInt64(seq), b: 7), claim: E.Key128(a: 1, b: UInt64(seq)), intact: seq % 5 != 0,
            retractedBy: nil,
            problems: seq % 4 == 0 ? [DocumentProblem(code: "predicate-value-invalid", field: "measured.tpp", message: "m")] : [],
            fact: fact)
    }

    static func k(_ n: UInt64) -> E.Key128 { E.Key128(a: n, b: ~n) }

    static let facts: [E.Fact] = [
        .license(
            E.LicenseFact(
                number: "LIC-1", exporter: "Acme", consignee: "Buyer", destination: "CN", product: "H200", maxQuantity: 500,
                validFrom: "2026-01-01T00:00:00Z", validUntil: "2026-12-31T00:00:00Z")),
        .supply(
            E.SupplyFact(
                exporter: "Acme", license: "LIC-1", consignee: "Buyer", product: "H200", destination: "CN", quantity: 8,
                serialKeys: [EntryStoreTests.k(3), EntryStoreTests.k(9), EntryStoreTests.k(27)], declared: Figures(tpp: 15832, dramBandwidthGBps: nil, memoryGB: 141),
                claimedLicense: "LIC-1", claimedQuantity: 8, claimedDestination: "CN", usUnitsShipped: 1000)),
        .supply(
            E.SupplyFact(
                exporter: "Ünïcode Co", license: "L", consignee: "", product: "p", destination: "MO", quantity: 0,
                serialKeys: [], declared: nil, claimedLicense: "", claimedQuantity: -1, claimedDestination: "",
                usUnitsShipped: 0)),
        .lab(E.LabFact(pass: true, tpp: 15832.5, bandwidth: 4800, memoryGB: nil, unitKeys: [EntryStoreTests.k(1), EntryStoreTests.k(2)], samplingAll: false)),
        .lab(E.LabFact(pass: false, tpp: nil, bandwidth: nil, memoryGB: 141, unitKeys: [], samplingAll: true)),
        .customs(.released), .customs(.held),
        .retraction(target: E.Key128(a: 42, b: 43), reason: "typo in the manifest"),
        .unknown(predicateType: "https://example.com/other/v1"),
    ]

    @Test func aPayloadOfAnotherVersionOrTruncatedIsDamaged() throws {
        var bytes = E.encode(Self.entry(2, Self.facts[1]), digest: "d")
        #expect(bytes[0] == 2)
        #expect(throws: TrailError.self) { try E.decode(Array(bytes.dropLast())) }
        bytes[0] = 1
        #expect(throws: TrailError.self) { try E.decode(bytes) }
    }

    @Test func anUnknownTagIsSkipped() throws {
        var bytes = E.encode(Self.entry(3, Self.facts[3]), digest: "d")
        bytes += [200, 3, 0, 0, 0, 9, 9, 9]
        let (back, digest) = try E.decode(bytes)
        #expect(digest == "d" && back.seq == 3)
    }

    @Test func everyFactRoundTrips() throws {
        for (i, f) in Self.facts.enumerated() {
            let e = Self.entry(i + 1, f)
            let bytes = E.encode(e, digest: "sha256:\(i)")
            let (back, digest) = try E.decode(bytes)
            #expect(digest == "sha256:\(i)")
            #expect(back.seq == e.seq && back.time == e.time && back.signers == e.signers)
            #expect(back.line == e.line && back.claim == e.claim && back.intact == e.intact)
            #expect(back.fact.kind == f.kind)
            #expect(back.problems == e.problems)
            #expect(E.encode(back, digest: digest) == bytes)
        }
        if case .supply(let s) = try E.decode(E.encode(Self.entry(2, Self.facts[1]), digest: "")).0.fact {
            #expect(s.serialKeys == [Self.k(3), Self.k(9), Self.k(27)] && s.declared?.tpp == 15832 && s.declared?.dramBandwidthGBps == nil)
            #expect(s.usUnitsShipped == 1000)
        } else {
            Issue.record("a supply fact came back as another kind")
        }
    }

    @Test func damagedBytesAreAnErrorNotACrash() throws {
        let bytes = E.encode(Self.entry(1, Self.facts[1]), digest: "d")
        for cut in [0, 5, 20, bytes.count - 1] {
            #expect(throws: TrailError.self) { try E.decode(Array(bytes.prefix(cut))) }
        }
    }

    @Test(arguments: [nil, "/nonexistent/chiptrail-test"])
    func chainsSurviveInterleavingAndTheFlushToDisk(_ directory: String?) throws {
        let store = EntryStore(directory: directory)
        // Without a writable directory the entries stay in memory and read back the same.
        #expect(store.usesFile == (directory == nil))
        var heads: [Int: Int64] = [:]
        var expected: [Int: [Int]] = [:]
        // ~3 MB: several flushes of the 1 MB buffer, each shipment's chain spread across them.
        let padding = String(repeating: "x", count: 1000)
        for seq in 0..<3000 {
            let shipment = seq % 37
            let e = Self.entry(seq, .unknown(predicateType: padding))
            heads[shipment] = try store.append(E.encode(e, digest: "s\(shipment)"), prev: heads[shipment] ?? -1)
            expected[shipment, default: []].append(seq)
        }
        for (shipment, last) in heads {
            let entries = try store.chain(endingAt: last).map { try E.decode($0) }
            #expect(entries.map(\.0.seq) == expected[shipment])
            #expect(entries.allSatisfy { $0.digest == "s\(shipment)" })
        }
    }
}

/// The parallel map the evaluator's passes use: results in index order, the lowest-index error rethrown.
@Suite struct ConcurrentMapTests {
    struct Boom: Error, Equatable { var at: Int }

    @Test func resultsComeBackInOrder() throws {
        #expect(try concurrentMap(1000) { $0 * $0 } == (0..<1000).map { $0 * $0 })
        #expect(try concurrentMap(0) { $0 }.isEmpty)
    }

    @Test func theFirstErrorByIndexIsRethrown() {
        #expect(throws: Boom(at: 17)) {
            _ = try concurrentMap(500) { i in
                if i == 17 || i == 400 { throw Boom(at: i) }
                return i
            }
        }
    }
}

/// Claim identity: equal exactly when the predicates' RFC 8785 forms are equal.
@Suite struct ClaimKeyTests {
    func key(_ json: String) throws -> ComplianceEvaluator.Key128 {
        var h = ClaimHasher()
        h.string("https://example.com/p/v1")
        h.value(try JSONParser.parse(Array(json.utf8)))
        return h.finalize()
    }

    @Test func sameCanonicalFormSameKey() throws {
        for (a, b) in [
            (#"{"a":1,"b":[true,null,"x"]}"#, #"{ "b" : [true, null, "x"], "a" : 1.0 }"#),
            (#"{"t":-0}"#, #"{"t":0}"#),
            (#"{"n":1e2}"#, #"{"n":100}"#),
            (#"{"s":"\u00e9"}"#, #"{"s":"é"}"#),
        ] {
            #expect(try key(a) == key(b), "\(a) vs \(b)")
            #expect(JCS.serialize(try JSONParser.parse(Array(a.utf8))) == JCS.serialize(try JSONParser.parse(Array(b.utf8))))
        }
    }

    @Test func differentCanonicalFormDifferentKey() throws {
        for (a, b) in [
            (#"{"a":1}"#, #"{"a":2}"#), (#"{"a":"1"}"#, #"{"a":1}"#), (#"{"a":[1,2]}"#, #"{"a":[2,1]}"#),
            (#"{"a":{"b":1}}"#, #"{"a":{"b":1,"c":null}}"#), (#"{"ab":"c"}"#, #"{"a":"bc"}"#),
            (#"{"s":"é"}"#, #"{"s":"e\u0301"}"#), (#"[["a"],"b"]"#, #"[["a","b"]]"#), (#"{"a":true}"#, #"{"a":1}"#),
        ] {
            #expect(try key(a) != key(b), "\(a) vs \(b)")
        }
    }

    @Test func serialKeysSeparateSerials() {
        let keys = ComplianceEvaluator.serialKeys((0..<2000).map { "H200-SN-\($0)" } + ["H200-SN-7"])
        #expect(keys.count == 2000, "duplicates collapse, distinct serials stay distinct")
        #expect(ComplianceEvaluator.serialKey("é") != ComplianceEvaluator.serialKey("e\u{301}"))
    }
}
