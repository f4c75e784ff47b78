import Foundation
import Testing
import TrailCompliance
import TrailCrypto
import TrailLedger

/// SPEC.md's code tables stay equal to the registries: every finding code SPEC §10.3 and §11 name is a registered
/// `TrailError.Code`, every integrity or malformed-input code the verification rules write is named there, and
/// §13.4 lists exactly `ViolationCode.all`.
@Suite struct SpecCodeTablesTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func spec(from start: String, to end: String) throws -> String {
        let text = try String(contentsOf: Self.repo.appendingPathComponent("SPEC.md"), encoding: .utf8)
        let after = try #require(text.components(separatedBy: start).dropFirst().first)
        return try #require(after.components(separatedBy: end).first)
    }

    func matches(_ pattern: String, in text: String) throws -> [String] {
        let rx = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        let ns = text as NSString
        return rx.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
    }

    static let kebab = #"`([a-z0-9]+(?:-[a-z0-9]+)+)`"#

    @Test func findingCodesInTheSpecAreRegistered() throws {
        let named = Set(try matches(Self.kebab, in: try spec(from: "### 10.3 Finding codes", to: "## 12.")))
        #expect(named.count > 60)
        #expect(named.filter { TrailError.Code(name: $0) == nil }.sorted() == [])
    }

    @Test func everyCodeTheRulesWriteIsInTheSpec() throws {
        let named = Set(try matches(Self.kebab, in: try spec(from: "### 10.3 Finding codes", to: "## 12.")))
        let root = Self.repo.appendingPathComponent("Sources/TrailLedger")
        let dirs = ["Rules", "Verify", "Records", "Statements"]
        var files = try dirs.flatMap { d in
            try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(d).path)
                .filter { $0.hasSuffix(".swift") }.map { "\(d)/\($0)" }
        }
        files.append("Bundle/BundleVerifier.swift")
        let patterns = [
            #"(?:TrailError|\.usage|\.malformed|\.permission)\(\s*"([a-z0-9]+(?:-[a-z0-9]+)*)""#,
            #"code: "([a-z0-9]+(?:-[a-z0-9]+)*)""#,
            #"\bfail\(\s*[A-Za-z0-9_.]+,\s*"([a-z0-9]+(?:-[a-z0-9]+)*)""#,
        ]
        var missing: [String] = []
        var seen = 0
        for f in files.sorted() {
            let text = try String(contentsOf: root.appendingPathComponent(f), encoding: .utf8)
            for p in patterns {
                for c in try matches(p, in: text) {
                    seen += 1
                    let code = try #require(TrailError.Code(name: c))
                    // Usage errors are the CLI's (e.g. `attest` without a manifest), not findings; the index is
                    // chiptrail's own cache beside the ledger, not part of the format; internal-error is a misuse of the
                    // library by its caller (e.g. a snapshot without capture), never a property of the input.
                    guard code.category == .integrity || code.category == .malformed, c != "index-corrupt",
                        c != "internal-error"
                    else { continue }
                    if !named.contains(c) { missing.append("\(f): \(c)") }
                }
            }
        }
        #expect(seen > 50)
        #expect(missing == [])
    }

    @Test func violationCodesInTheSpecAreExactlyTheRegistry() throws {
        let named = try matches(#"^\| `([a-z0-9-]+)` \|"#, in: try spec(from: "### 13.4 Violation codes", to: "### 13.5"))
        #expect(named.sorted() == ViolationCode.all.sorted())
        #expect(Set(named).count == named.count)
    }
}
