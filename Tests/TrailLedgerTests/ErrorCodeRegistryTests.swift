import Foundation
import Testing
import TrailCrypto
import TrailLedger

/// The closed registry of error codes (`TrailError.Code`): every code the sources write is registered, DESIGN-NOTES'
/// table lists exactly the registry with its categories and exit statuses, and codes compare by name.
@Suite struct ErrorCodeRegistryTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Kebab-case literals written where a code is expected: `TrailError("…"`, `.usage("…"`, `.malformed("…"`,
    /// `.permission("…"`, `OpenSSLErrors.error("…"`, `code: "…"` (findings), `.code == "…"`, `fail(seq, "…"` and
    /// the `("…", what, remedy)` table of ChainValidator.
    static let patterns = [
        #"(?:TrailError|\.usage|\.malformed|\.permission|OpenSSLErrors\.error)\(\s*"([a-z0-9]+(?:-[a-z0-9]+)*)""#,
        #"\.code\s*(?:==|!=)\s*"([a-z0-9]+(?:-[a-z0-9]+)*)""#,
        #"\bfail\(\s*[A-Za-z0-9_.]+,\s*"([a-z0-9]+(?:-[a-z0-9]+)*)""#,
        #"^\s*\(\s*"([a-z0-9]+(?:-[a-z0-9]+)+)",\s*""#,
    ]
    static let findingCode = #"code: "([a-z0-9]+(?:-[a-z0-9]+)*)""#

    func sources() throws -> [(path: String, text: String)] {
        let root = Self.repo.appendingPathComponent("Sources")
        let walker = try #require(FileManager.default.enumerator(atPath: root.path))
        var out: [(String, String)] = []
        while let rel = walker.nextObject() as? String {
            guard rel.hasSuffix(".swift") else { continue }
            out.append((rel, try String(contentsOf: root.appendingPathComponent(rel), encoding: .utf8)))
        }
        return out.sorted { $0.0 < $1.0 }
    }

    func matches(_ pattern: String, in text: String) throws -> [String] {
        let rx = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        let ns = text as NSString
        return rx.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
    }

    @Test func everyCodeWrittenInSourcesIsRegistered() throws {
        var seen = Set<String>()
        var unregistered: [String] = []
        for (path, text) in try sources() {
            var codes: [String] = []
            for p in Self.patterns { codes += try matches(p, in: text) }
            // `code:` arguments name violation codes in the compliance layer (ViolationCode), error codes elsewhere.
            if !path.hasPrefix("TrailCompliance/") { codes += try matches(Self.findingCode, in: text) }
            codes += try matches(#"Finding\([^()]*?code: "([a-z0-9]+(?:-[a-z0-9]+)*)""#, in: text)
            for c in codes {
                seen.insert(c)
                if TrailError.Code(name: c) == nil { unregistered.append("\(path): \(c)") }
            }
        }
        #expect(unregistered == [])
        #expect(seen.count > 100)  // the scan found the codes (a broken pattern would find none)
    }

    @Test func designNotesListExactlyTheRegistry() throws {
        let notes = try String(contentsOf: Self.repo.appendingPathComponent("DESIGN-NOTES.md"), encoding: .utf8)
        let section = try #require(notes.components(separatedBy: "### Error code registry").dropFirst().first)
        let rows = try matches(#"^\| `([a-z0-9-]+)` \| (\w+) \| (\d+) \|$"#, in: section)
        let table = try NSRegularExpression(pattern: #"^\| `([a-z0-9-]+)` \| (\w+) \| (\d+) \|$"#, options: [.anchorsMatchLines])
        let ns = section as NSString
        let listed = table.matches(in: section, range: NSRange(location: 0, length: ns.length)).map {
            "\(ns.substring(with: $0.range(at: 1))) \(ns.substring(with: $0.range(at: 2))) \(ns.substring(with: $0.range(at: 3)))"
        }
        let registry = TrailError.Code.all.map { "\($0.rawValue) \($0.category) \($0.category.exitStatus)" }
        #expect(rows.count == TrailError.Code.all.count)
        #expect(listed == registry)
        #expect(Set(TrailError.Code.all.map(\.rawValue)).count == TrailError.Code.all.count)
        #expect(TrailError.Code.all.map(\.rawValue) == TrailError.Code.all.map(\.rawValue).sorted())
    }

    @Test func theFindingCodeTableNamesRegisteredCodes() throws {
        let notes = try String(contentsOf: Self.repo.appendingPathComponent("DESIGN-NOTES.md"), encoding: .utf8)
        let section = try #require(
            notes.components(separatedBy: "### Finding codes of `ledger verify`").dropFirst().first?
                .components(separatedBy: "\n### ").first)
        let named = try matches(#"`([a-z0-9]+(?:-[a-z0-9]+)+)`"#, in: section).filter { $0 != "cert-verify" }
        #expect(named.count > 40)
        #expect(named.filter { TrailError.Code(name: $0) == nil } == [])
    }

    /// A throw site may give a code another category only where the same code means another thing in that context;
    /// anywhere else the registry's category (and so DESIGN-NOTES' exit status) must be the one the site uses.
    @Test func throwSitesKeepTheRegisteredCategory() throws {
        let contextual: Set<String> = [
            "merkle-out-of-range usage",  // `ledger prove --seq` beyond the tree: the caller's argument
            "not-a-regular-file usage",  // append/repair refuse a pipe: they change the ledger in place
            "io-error usage", "io-error malformed",  // the `.usage`/`.malformed` helpers after `TrailError.io`
        ]
        let site = try NSRegularExpression(pattern: #"category: \.(\w+)"#)
        let literal = try NSRegularExpression(pattern: #""([a-z0-9]+(?:-[a-z0-9]+)+)""#)
        var differing: [String] = []
        for (path, text) in try sources() {
            let ns = text as NSString
            for m in site.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                let start = max(0, m.range.location - 400)
                let before = NSRange(location: start, length: m.range.location - start)
                guard let last = literal.matches(in: text, range: before).last else { continue }
                let name = ns.substring(with: last.range(at: 1))
                let category = ns.substring(with: m.range(at: 1))
                guard let code = TrailError.Code(name: name), "\(code.category)" != category else { continue }
                if !contextual.contains("\(name) \(category)") { differing.append("\(path): \(name) \(category)") }
            }
        }
        #expect(differing == [])
    }

    @Test func codesCompareByNameAndCarryTheirCategory() throws {
        let e = TrailError("signer-revoked", "x")
        #expect(e.code == .signerRevoked)
        #expect(e.code == "signer-revoked")
        #expect(e.category == .integrity && e.category.exitStatus == 1)
        #expect(TrailError("wrong-passphrase", "x").category.exitStatus == 77)
        #expect(TrailError("no-such-file", "x").category.exitStatus == 66)
        #expect(TrailError.Code(name: "no-such-code") == nil)
    }
}
