import Foundation
import Testing
import TrailCompliance
import TrailCrypto
import TrailLedger

// The article's code, compiled here. DocCArticleTests checks that the article shows exactly these lines.
// BEGIN ARTICLE CODE
/// Verifies `ledgerPath` against the root certificate in `rootPath` and prints one line per shipment.
/// Returns the process exit status `ledger verify` would use: 0, 1 (integrity) or 2 (violations).
func verifyLedger(at ledgerPath: String, root rootPath: String) throws -> Int32 {
    let root = try Certificate(pem: String(contentsOfFile: rootPath, encoding: .utf8))
    let check = try LedgerCheck.run(path: ledgerPath, options: VerifyOptions(trust: [root]), policy: Policy())
    for finding in check.report.errors {
        print("seq \(finding.seq): \(finding.code): \(finding.message)")
    }
    for shipment in check.shipments {
        print(shipment.id, shipment.status.rawValue, shipment.violations.map(\.code).joined(separator: ","))
    }
    if !check.report.integrityOK { return 1 }
    return check.shipments.contains { $0.status == .violation } ? 2 : 0
}
// END ARTICLE CODE

/// The DocC article "Verify a ledger from Swift" shows code that compiles and gives `ledger verify`'s verdict.
@Suite struct DocCArticleTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theArticleShowsTheCompiledCode() throws {
        let article = try String(
            contentsOf: Self.repo.appendingPathComponent("Sources/TrailCompliance/TrailCompliance.docc/VerifyALedgerFromSwift.md"),
            encoding: .utf8)
        let block = try #require(article.components(separatedBy: "```swift\n").dropFirst().first?.components(separatedBy: "```").first)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let compiled = try #require(
            source.components(separatedBy: "// BEGIN ARTICLE CODE\n").dropFirst().first?
                .components(separatedBy: "// END ARTICLE CODE").first)
        let imports = "import TrailCompliance\nimport TrailCrypto\nimport TrailLedger\n\n"
        #expect(block == imports + compiled)
    }

    @Test func theArticlesCodeGivesTheSamplesVerdict() throws {
        let status = try verifyLedger(
            at: Self.repo.appendingPathComponent("Ledger/h200-sample.jsonl").path,
            root: Self.repo.appendingPathComponent("Keys/root.pem").path)
        #expect(status == 2)  // SHP-2026-0005 is in violation by design; integrity is intact
    }
}
