import Foundation
import Testing
import TrailTestSupport

/// The hostile corpus: correctly signed hostile ledgers and proof bundles written by an independent writer
/// (interop/hostile: Python 3 + pyca/cryptography from SPEC.md alone, sharing no code with chiptrail), each
/// case stating the exact exit status, the (code, seq) error findings and the shipment verdicts the built
/// `chiptrail` must give. Issues 13 (integrity) and 14 (compliance).
enum HostileCorpus {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    struct Finding: Codable, Sendable, Hashable, CustomStringConvertible {
        var code: String
        var seq: Int?
        var description: String { "\(code)@\(seq.map(String.init) ?? "-")" }
    }

    struct Shipment: Codable, Sendable {
        var id: String
        var status: String
        var violations: [String]
        var exactViolations: Bool
    }

    struct Expectation: Codable, Sendable {
        var name: String
        var issue: Int
        var kind: String
        var args: [String]
        var exit: Int32
        var errors: [Finding]
        var anyErrors: [[Finding]]
        var exact: Bool
        var warnings: [Finding]
        var shipments: [Shipment]
        var outputContains: [String]
        var note: String
    }

    struct Manifest: Codable, Sendable {
        var sampleCheckpointsChecked: Int
        var cases: [Expectation]
    }

    /// What `ledger verify` / `bundle verify --format json` print (the fields the corpus checks).
    struct Output: Decodable {
        struct Violation: Decodable { var code: String }
        struct Ship: Decodable {
            var id: String
            var status: String
            var violations: [Violation]?
        }
        var errors: [Finding]?
        var warnings: [Finding]?
        var shipments: [Ship]?
        var shipment: Ship?
    }

    static let corpusDir = FileManager.default.temporaryDirectory.path + "/chiptrail-hostile-" + UUID().uuidString

    struct Generated: Sendable {
        var dir: String
        var manifest: Manifest?
        var failure: String?
    }

    /// The corpus, generated once per test process into a fresh temporary directory (removed at exit).
    static let generated: Generated = {
        let dir = corpusDir
        atexit { try? FileManager.default.removeItem(atPath: HostileCorpus.corpusDir) }
        do {
            let r = try runProcess(
                "/usr/bin/env", ["python3", repo + "/interop/hostile/generate.py", dir])
            guard r.status == 0 else {
                return Generated(dir: dir, manifest: nil, failure: "generate.py exited \(r.status): \(r.stderr)")
            }
            let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/expected.json"))
            return Generated(dir: dir, manifest: try JSONDecoder().decode(Manifest.self, from: data), failure: nil)
        } catch {
            return Generated(dir: dir, manifest: nil, failure: "generating the corpus failed: \(error)")
        }
    }()

    /// Case names as test arguments; one placeholder when the generator failed (that case then fails).
    static var names: [String] {
        generated.manifest.map { $0.cases.map(\.name) } ?? ["(corpus generation failed)"]
    }

    static func expectation(_ name: String) -> Expectation? {
        generated.manifest?.cases.first { $0.name == name }
    }

    static func run(_ e: Expectation) throws -> ProcessResult {
        try chiptrail(e.args, cwd: generated.dir + "/" + e.name)
    }

    /// Exact Unicode scalar sequence of an identifier (never `String ==`, which is canonical equivalence).
    static func scalars(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }

    /// An identifier with its non-ASCII scalars spelled out, so that "é" and "e\u{301}" read differently.
    static func show(_ s: String) -> String {
        "\"" + s.unicodeScalars.map { $0.isASCII ? String($0) : "\\u{" + String($0.value, radix: 16) + "}" }.joined()
            + "\""
    }

    /// Every problem of one run against its expectation; empty when the case holds.
    static func problems(_ e: Expectation, _ r: ProcessResult) -> [String] {
        var out: [String] = []
        if r.status != e.exit { out.append("exit \(r.status), expected \(e.exit)") }
        let text = r.stdout + r.stderr
        for s in e.outputContains where !text.contains(s) { out.append("output does not name \(s)") }
        guard [0, 1, 2].contains(e.exit) else { return out }
        guard let o = try? JSONDecoder().decode(Output.self, from: Data(r.stdout.utf8)) else {
            out.append("no JSON output (stderr: \(r.stderr.prefix(300)))")
            return out
        }
        let errors = o.errors ?? []
        let actual = Set(errors)
        var allowed = Set(e.errors)
        for f in e.errors where !actual.contains(f) { out.append("missing \(f)") }
        for group in e.anyErrors {
            if !group.contains(where: actual.contains) {
                out.append("none of \(group.map(\.description).joined(separator: ", "))")
            }
            allowed.formUnion(group)
        }
        if e.exact {
            let extra = actual.subtracting(allowed).sorted { $0.description < $1.description }
            if !extra.isEmpty { out.append("unexpected \(extra.map(\.description).joined(separator: ", "))") }
        }
        let warnings = Set(o.warnings ?? [])
        for w in e.warnings where !warnings.contains(w) { out.append("missing warning \(w)") }
        let ships = e.kind == "bundle" ? (o.shipment.map { [$0] } ?? []) : (o.shipments ?? [])
        for s in e.shipments {
            guard let got = ships.first(where: { scalars($0.id) == scalars(s.id) }) else {
                out.append("shipment \(show(s.id)) missing")
                continue
            }
            let codes = Set((got.violations ?? []).map(\.code))
            let id = show(s.id)
            if got.status != s.status {
                out.append("\(id) status \(got.status), expected \(s.status) (violations \(codes.sorted()))")
            }
            for v in s.violations where !codes.contains(v) {
                out.append("\(id) lacks violation \(v) (has \(codes.sorted()))")
            }
            if s.exactViolations && codes != Set(s.violations) {
                out.append("\(id) violations \(codes.sorted()), expected exactly \(s.violations.sorted())")
            }
        }
        if !out.isEmpty {
            out.append("actual errors: \(errors.map(\.description).joined(separator: ", "))")
        }
        return out
    }
}

@Suite struct HostileCorpusTests {
    @Test func corpusIsGeneratedAndLargeEnough() throws {
        let g = HostileCorpus.generated
        #expect(g.failure == nil, "\(g.failure ?? "")")
        let m = try #require(g.manifest)
        // The writer's Merkle roots and note key ids agree with every checkpoint of the committed sample.
        #expect(m.sampleCheckpointsChecked >= 20)
        #expect(m.cases.filter { $0.issue == 13 }.count >= 60)
        #expect(m.cases.filter { $0.issue == 14 }.count >= 40)
        #expect(m.cases.filter { $0.kind == "bundle" }.count >= 10)
        #expect(Set(m.cases.map(\.name)).count == m.cases.count)
    }

    /// The writer's honest ledgers (every key algorithm) also pass the other independent verifier
    /// (interop/verify_ledger.py), with the same RFC 6962 root chiptrail computes.
    @Test func honestLedgersPassTheOtherIndependentVerifier() throws {
        let m = try #require(HostileCorpus.generated.manifest, "\(HostileCorpus.generated.failure ?? "")")
        let honest = m.cases.filter { $0.name.hasPrefix("honest-") && $0.kind == "ledger" }
        #expect(honest.count >= 4)
        for e in honest {
            let dir = HostileCorpus.generated.dir + "/" + e.name
            let r = try runProcess(
                "/usr/bin/env",
                ["python3", HostileCorpus.repo + "/interop/verify_ledger.py", dir + "/ledger.jsonl", dir + "/trust0.pem"])
            let c = try HostileCorpus.run(e)
            let root = (try? JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as? [String: Any])?["root"] as? String
            #expect(r.status == 0, "\(e.name): \(r.stdout)\(r.stderr)")
            #expect(root != nil && r.stdout.contains("root \(root ?? "?")"), "\(e.name): \(r.stdout) vs \(c.stdout.prefix(200))")
        }
    }

    @Test(arguments: HostileCorpus.names)
    func hostileCase(_ name: String) throws {
        let e = try #require(HostileCorpus.expectation(name), "\(HostileCorpus.generated.failure ?? "unknown case")")
        let r = try HostileCorpus.run(e)
        let problems = HostileCorpus.problems(e, r)
        #expect(problems.isEmpty, "\(e.name) (issue \(e.issue)): \(problems.joined(separator: "; "))")
    }

    /// No verdict may depend on hash-table order: the CA-renewal revocation case and witness cases give
    /// byte-identical JSON in 12 separate processes.
    @Test(arguments: [
        "crl-renewed-ca-new-path-signer-revoked", "crl-renewed-ca-old-path-signer-revoked",
        "witness-one-key-two-names", "witness-two-separate-records-ok",
    ])
    func deterministicAcrossProcesses(_ name: String) throws {
        let e = try #require(HostileCorpus.expectation(name), "\(HostileCorpus.generated.failure ?? "unknown case")")
        var outputs: [String: Int] = [:]
        for _ in 0..<12 {
            let r = try HostileCorpus.run(e)
            outputs["exit \(r.status)\n\(r.stdout)", default: 0] += 1
        }
        #expect(outputs.count == 1, "\(name): \(outputs.count) different outputs in 12 runs: \(outputs.values.sorted())")
    }
}
