import Foundation
import Testing
import TrailCompliance
import TrailCrypto
import TrailLedger
import TrailTestSupport

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The HTML report parses as well-formed markup, names every shipment with its status and escapes ledger text.
@Suite struct ReportTests {
    /// Shipment rows (`data-shipment-id` → `data-status`), every element name, and the page's text.
    final class Scan: NSObject, XMLParserDelegate {
        var rows: [(String, String)] = []
        var elements = Set<String>()
        var text = ""
        func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            elements.insert(name)
            if name == "tr", let id = attributes["data-shipment-id"], let st = attributes["data-status"] { rows.append((id, st)) }
        }
        func parser(_ p: XMLParser, foundCharacters s: String) { text += s }

        static func parse(_ html: String) throws -> Scan {
            let scan = Scan()
            let parser = XMLParser(data: Data(html.utf8))
            parser.delegate = scan
            guard parser.parse() else { throw NSError(domain: "html", code: 1, userInfo: ["error": "\(String(describing: parser.parserError))"]) }
            return scan
        }
    }

    @Test func everyShipmentAndStatusOfALedgerIsInTheReport() throws {
        let l = try ShipmentLedger()
        let check = try l.check()
        let html = HTMLReport.render(check, ledger: "ledger.jsonl")
        let scan = try Scan.parse(html)
        #expect(scan.rows.map(\.0) == check.shipments.map(\.id))
        #expect(scan.rows.map(\.1) == check.shipments.map(\.status.rawValue))
        #expect(scan.text.contains(check.report.root))
        #expect(scan.text.contains("Tree size"))
        #expect(!scan.elements.contains("script") && !scan.elements.contains("link") && !scan.elements.contains("img"))
        #expect(html.contains("@media print"))
        #expect(!html.contains("http://") && !html.contains("https://"))
    }

    @Test func statusesTimelineViolationsAndHostileTextAreRendered() throws {
        let l = try ShipmentLedger()
        let check = try l.check()
        var shipments: [ShipmentReport] = []
        for (i, st) in ShipmentStatus.allCases.enumerated() {
            var s = ShipmentReport(id: "SHP-\(i)")
            s.status = st
            shipments.append(s)
        }
        var evil = ShipmentReport(id: "<script>alert('x')</script>&\"")
        evil.status = .violation
        evil.violations = [Violation(code: "lab-tpp-exceeded", message: "measured TPP 36000 ≥ 21000 <b>", seqs: [7, 9])]
        evil.timeline = [
            TimelineEntry(seq: 7, time: "2026-03-02T00:00:00Z", kind: "lab-test", parties: ["Lab <One>"], roles: ["lab"], summary: "fail: TPP 36000", retracted: false, intact: true)
        ]
        evil.steps = [Step(name: "lab-test", done: true, seqs: [7])]
        shipments.append(evil)
        let html = HTMLReport.render(report: check.report, shipments: shipments, policy: .h200, ledger: "a&b.jsonl")
        let scan = try Scan.parse(html)
        #expect(scan.rows.map(\.0) == shipments.map(\.id))
        #expect(scan.rows.map(\.1) == shipments.map(\.status.rawValue))
        #expect(!scan.elements.contains("script") && !scan.elements.contains("b"))
        #expect(!html.contains("<script") && html.contains("&lt;script&gt;"))
        #expect(scan.text.contains("measured TPP 36000 ≥ 21000 <b>"))
        #expect(scan.text.contains("Lab <One>"))
        #expect(scan.text.contains("2026-03-02T00:00:00Z"))
        // Summary counts: one of each status, two violations.
        #expect(html.contains("<li class=\"count status-violation\" data-status=\"violation\"><span class=\"n\">2</span>"))
        #expect(html.contains("<li class=\"count status-held\" data-status=\"held\"><span class=\"n\">1</span>"))
        #expect(HTMLReport.escape("a\u{1}b") == "a\u{FFFD}b")
    }
}

extension ReportTests {
    @Test func anUnverifiableShipmentIsShownAsSuch() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        try f.append(try f.trail())
        let c = try LedgerCheck.run(path: f.path, options: VerifyOptions(trust: [try PartyPKI().root]), policy: .h200)
        let html = HTMLReport.render(c, ledger: "ledger.jsonl")
        let scan = try Scan.parse(html)
        #expect(scan.rows.map(\.1) == ["unverifiable"])
        #expect(scan.text.contains("Failed integrity: seq"))
        #expect(scan.text.contains("unverifiable-records"))
    }
}
