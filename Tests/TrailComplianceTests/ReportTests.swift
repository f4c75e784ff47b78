import Foundation
import Testing
import TrailCompliance
import TrailCrypto
import TrailLedger
import TrailTestSupport

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The HTML report parses as well-formed markup, names every shipment with its status in natural order, shows who
/// signed each statement (checked against the certificates with the openssl CLI), flags integrity failures and
/// escapes ledger text.
@Suite struct ReportTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let sample = repo + "/Ledger/h200-sample.jsonl"

    /// Shipment elements (`data-id` → `data-status`, element name; a compact line's id is its first `b`, its status
    /// its list's), every element name, scripts, and the page's text.
    final class Scan: NSObject, XMLParserDelegate {
        var rows: [(id: String, status: String, element: String)] = []
        var elements = Set<String>()
        var scripts: [[String: String]] = []
        var text = ""
        /// Text inside elements of class `violations`.
        var violationText = ""
        private var violationDepth = 0
        private var compactStatus: String?
        private var compactDepth = 0
        private var lineID: String?
        private var inLineID = false
        func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            elements.insert(name)
            if name == "script" { scripts.append(attributes) }
            if let id = attributes["data-id"], let st = attributes["data-status"] { rows.append((id, st, name)) }
            if violationDepth > 0 { violationDepth += 1 } else if attributes["class"] == "violations" { violationDepth = 1 }
            if compactStatus != nil {
                compactDepth += 1
                if compactDepth == 1, name == "li" { lineID = "" }
                if compactDepth == 2, name == "b", lineID == "" { inLineID = true }
            } else if name == "ul", attributes["class"] == "compact" {
                compactStatus = attributes["data-status"] ?? "?"
            }
        }
        func parser(_ p: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if violationDepth > 0 { violationDepth -= 1 }
            guard let st = compactStatus else { return }
            if compactDepth == 0 {
                compactStatus = nil
                return
            }
            if compactDepth == 2, inLineID { inLineID = false }
            if compactDepth == 1, let id = lineID {
                rows.append((id, st, "li"))
                lineID = nil
            }
            compactDepth -= 1
        }
        func parser(_ p: XMLParser, foundCharacters s: String) {
            text += s
            if violationDepth > 0 { violationText += s }
            if inLineID { lineID! += s }
        }

        static func parse(_ html: String) throws -> Scan {
            let scan = Scan()
            let parser = XMLParser(data: Data(html.utf8))
            parser.delegate = scan
            guard parser.parse() else { throw NSError(domain: "html", code: 1, userInfo: ["error": "\(String(describing: parser.parserError))"]) }
            return scan
        }
    }

    static func sampleCheck(_ path: String = sample) throws -> (LedgerCheck, ReportContext) {
        let root = try Certificate.load(file: repo + "/Keys/root.pem")
        let check = try LedgerCheck.run(path: path, options: VerifyOptions(trust: root), policy: .h200)
        return (check, try ReportContext.collect(path: path, trust: root))
    }

    @Test func everyShipmentAndStatusOfALedgerIsInTheReport() throws {
        let l = try ShipmentLedger()
        let check = try l.check()
        let html = HTMLReport.render(check, ledger: "ledger.jsonl")
        let scan = try Scan.parse(html)
        let ids = check.shipments.map(\.id).sorted { HTMLReport.naturalLess($0, $1) }
        #expect(Set(scan.rows.map(\.id)) == Set(ids))
        for s in check.shipments {
            #expect(scan.rows.first { $0.id == s.id }?.status == s.status.rawValue)
        }
        #expect(scan.text.contains(check.report.root))
        // One inline script (search and filter); nothing loaded from anywhere.
        #expect(scan.scripts.count == 1 && scan.scripts[0]["src"] == nil)
        #expect(!scan.elements.contains("link") && !scan.elements.contains("img") && !scan.elements.contains("iframe"))
        #expect(scan.rows.count == check.shipments.count, "every shipment once")
        #expect(html.contains("@media print") && html.contains("@media (max-width: 640px)"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("url("))
        #expect(scan.elements.contains("svg"), "the charts are inline SVG")
    }

    @Test func idsComeInNaturalOrder() throws {
        #expect(HTMLReport.naturalLess("SHP-2", "SHP-10"))
        #expect(!HTMLReport.naturalLess("SHP-10", "SHP-2"))
        #expect(HTMLReport.naturalLess("SHP-2026-0009", "SHP-2026-0010"))
        #expect(HTMLReport.naturalLess("SHP-2", "SHP-02") != HTMLReport.naturalLess("SHP-02", "SHP-2"), "a total order")
        #expect(HTMLReport.naturalLess("A-99999999999999999999999", "A-100000000000000000000000"), "digit runs beyond Int")
        #expect(HTMLReport.naturalLess("SHP-9", "SHP-9a") && HTMLReport.naturalLess("SHP-9a", "SHP-10"))
        // Canonically equivalent but different scalars are different ids, in a fixed order.
        #expect(HTMLReport.naturalLess("e\u{301}", "\u{E9}") != HTMLReport.naturalLess("\u{E9}", "e\u{301}"))

        let l = try ShipmentLedger()
        let check = try l.check()
        var shipments: [ShipmentReport] = []
        for id in ["SHP-10", "SHP-2", "SHP-1", "SHP-100", "SHP-20"] {
            var s = ShipmentReport(id: id)
            s.status = .compliant
            shipments.append(s)
        }
        let scan = try Scan.parse(HTMLReport.render(report: check.report, shipments: shipments, policy: .h200, ledger: "l"))
        #expect(scan.rows.map(\.id) == ["SHP-1", "SHP-2", "SHP-10", "SHP-20", "SHP-100"])
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
        #expect(Set(scan.rows.map(\.id)) == Set(shipments.map(\.id)))
        for s in shipments { #expect(scan.rows.first { $0.id == s.id }?.status == s.status.rawValue) }
        #expect(scan.scripts.count == 1 && !html.contains("21000 <b>") && html.contains("21000 &lt;b&gt;"))
        #expect(!html.contains("<script>alert") && html.contains("&lt;script&gt;"))
        #expect(scan.violationText.contains("measured TPP 36000 ≥ 21000 <b>"))
        #expect(scan.violationText.contains("lab-tpp-exceeded"))
        #expect(scan.text.contains("Lab <One>"))
        #expect(scan.text.contains("2026-03-02T00:00:00Z"))
        // Compliant shipments are one line (li); every other status is shown in full (article).
        for r in scan.rows { #expect(r.element == (r.status == "compliant" ? "li" : "article"), "\(r)") }
        // Summary counts: one of each status, two violations.
        #expect(html.contains("<li class=\"count\" data-status=\"violation\"><span class=\"n\">2</span>"))
        #expect(html.contains("<li class=\"count\" data-status=\"held\"><span class=\"n\">1</span>"))
        #expect(HTMLReport.escape("a\u{1}b") == "a\u{FFFD}b")
    }

    /// Each statement names its signer certificate: CN, O, serial, the first 16 hex digits of its SHA-256
    /// fingerprint and the issuing CA, all read here from the certificate file by the openssl CLI.
    @Test func eachStepNamesItsSignerCertificate() throws {
        let (check, context) = try Self.sampleCheck()
        let html = HTMLReport.render(check, ledger: "h200-sample.jsonl", context: context, toolVersion: "9.9.9")
        let scan = try Scan.parse(html)
        let lab = Self.repo + "/Keys/certs/lab.pem"
        let serial = try opensslOK(["x509", "-in", lab, "-noout", "-serial"]).trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "serial=", with: "").lowercased()
        let fp = try opensslOK(["x509", "-in", lab, "-noout", "-fingerprint", "-sha256"]).split(separator: "=")[1]
            .replacingOccurrences(of: ":", with: "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let subject = try opensslOK(["x509", "-in", lab, "-noout", "-subject", "-nameopt", "multiline"])
        let issuer = try opensslOK(["x509", "-in", lab, "-noout", "-issuer", "-nameopt", "multiline"])
        func field(_ text: String, _ name: String) -> String {
            text.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(name + " ") }
                .map { String($0.split(separator: "=", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) } ?? "?"
        }
        let cn = field(subject, "commonName")
        let o = field(subject, "organizationName")
        let ca = field(issuer, "commonName")
        // SHP-2026-0005 (a violation) is shown in full; its lab test is signed by the lab certificate.
        let card = try #require(html.range(of: "data-id=\"SHP-2026-0005\"")).lowerBound
        let cardHTML = String(html[card...]).components(separatedBy: "</article>")[0]
        #expect(cardHTML.contains("\(cn), \(o) · serial <code>\(serial)</code> · sha256 <code>\(fp.prefix(16))</code> · issued by \(ca)"), "\(cardHTML)")
        // The header: the trust anchor's fingerprint, the tool version, the checkpoint and the witnesses' keys.
        let rootFP = try opensslOK(["x509", "-in", Self.repo + "/Keys/root.pem", "-noout", "-fingerprint", "-sha256"])
            .split(separator: "=")[1].replacingOccurrences(of: ":", with: "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        #expect(html.contains("sha256 \(rootFP)"))
        #expect(html.contains("by chiptrail 9.9.9"))
        let cp = try #require(check.report.latestCheckpoint)
        #expect(html.contains("seq \(cp.seq), size \(cp.size), root <code>\(cp.root)</code>"))
        #expect(!cp.witnesses.isEmpty)
        for (name, wfp) in zip(cp.witnessNames, cp.witnesses) { #expect(html.contains("\(name) <code>sha256 \(wfp.prefix(16))</code>")) }
        // The retired lab certificate was revoked by the sample's CRL record: the signer list says when and why.
        let retired = try #require(context.signers.first { $0.commonName == "Lab Signing Key 2025" })
        let rev = try #require(retired.revocation)
        #expect(rev.reason == "superseded")
        #expect(scan.text.contains("revoked by the CRL record at seq \(rev.crlSeq)"))
        #expect(check.report.findings.isEmpty, "the sample's integrity holds")
    }

    /// A ledger missing one line fails integrity, and the report says so: banner, error count, and on each shipment
    /// with a statement that failed integrity, which seqs and codes.
    @Test func integrityFailuresAreVisible() throws {
        let dir = TempDir()
        var lines = try String(contentsOfFile: Self.sample, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        lines.remove(at: 20)
        let path = try dir.write("cut.jsonl", lines.joined(separator: "\n"))
        let (check, context) = try Self.sampleCheck(path)
        #expect(!check.report.integrityOK)
        let html = HTMLReport.render(check, ledger: "cut.jsonl", context: context)
        let scan = try Scan.parse(html)
        #expect(html.contains("<p class=\"integrity-banner failed\" id=\"integrity-banner\">Ledger integrity: <strong>FAILED</strong>"))
        let errors = check.report.errors.count + check.report.omittedErrors
        #expect(scan.text.contains("— \(errors) integrity error"))
        let affected = check.shipments.filter { $0.timeline.contains { !$0.intact } }
        #expect(!affected.isEmpty)
        for s in affected {
            let broken = s.timeline.filter { !$0.intact }.map { String($0.seq) }.joined(separator: ", ")
            #expect(scan.rows.contains { $0.id == s.id && $0.element == "article" }, "\(s.id) is shown in full")
            #expect(scan.text.contains("Failed integrity: seq \(broken)"), "\(s.id)")
        }
        #expect(scan.text.contains("\(affected.count) shipment\(affected.count == 1 ? " has" : "s have") statements that failed integrity"))
        for f in check.report.errors { #expect(scan.text.contains(f.code.rawValue)) }
    }

    /// The charts plot what the evaluation found: a license over its maximum is drawn over, and each status's
    /// bar segments add up to the number of shipments with that status.
    @Test func chartsPlotTheEvaluation() throws {
        let (check, context) = try Self.sampleCheck()
        let html = HTMLReport.render(check, ledger: "h200-sample.jsonl", context: context)
        for st in Set(check.shipments.map(\.status.rawValue)) {
            let n = check.shipments.filter { $0.status.rawValue == st }.count
            var sum = 0
            var rest = html[...]
            while let r = rest.range(of: "data-status=\"\(st)\" data-count=\"") {
                rest = rest[r.upperBound...]
                sum += Int(rest.prefix { $0.isNumber })!
            }
            #expect(sum == n, "\(st)")
        }
        for (license, max) in context.licenseMaximum.sorted(by: { $0.key < $1.key }) {
            let used = check.shipments.filter { $0.license == license && $0.steps.contains { $0.name == "supply-sufficiency" && !$0.seqs.isEmpty } }
                .reduce(0) { $0 + ($1.quantity ?? 0) }
            #expect(html.contains(">\(license): \(used) of \(max.maxQuantity)\(used > max.maxQuantity ? " — over" : "")</text>"), "\(license)")
        }
        #expect(html.contains("id=\"chart-cap\"") && html.contains("stroke-dasharray"))
    }

    /// A compliant shipment costs one short line, so a million-record ledger (about 330,000 shipments) stays far under
    /// 50 MB: the page grows by under 100 bytes per compliant shipment.
    @Test func compliantShipmentsCostOneShortLine() throws {
        let l = try ShipmentLedger()
        let check = try l.check()
        func page(_ n: Int) -> Int {
            var shipments: [ShipmentReport] = []
            for i in 0..<n {
                var s = ShipmentReport(id: "SHP-2026-" + String(100_000 + i))
                s.status = .compliant
                s.exporter = "NVIDIA Export LLC"
                s.quantity = 8
                s.destination = "CN"
                s.license = "BIS-H200-2026-0117"
                s.steps = ["license", "supply-sufficiency", "lab-test", "customs-decision"].enumerated().map {
                    Step(name: $0.element, done: true, seqs: [100_000 + 4 * i + $0.offset])
                }
                s.timeline = [TimelineEntry(seq: 100_000 + 4 * i, time: "2026-03-01T00:00:00Z", kind: "license", parties: ["BIS"], roles: ["regulator"], summary: "", retracted: false, intact: true)]
                shipments.append(s)
            }
            return HTMLReport.render(report: check.report, shipments: shipments, policy: .h200, ledger: "l").utf8.count
        }
        let perShipment = Double(page(2000) - page(1000)) / 1000
        #expect(perShipment > 40 && perShipment < 100, "\(perShipment) bytes per compliant shipment")
    }

    /// The cap chart plots the exporter's cumulative share as the cap rule counts it: 4 of 10 US units (40 %), then
    /// 8 of 10 (80 %, over the 50 % cap: the rule's violation, and the chart's one red mark).
    @Test func theCapChartFollowsTheCapRule() throws {
        let f = try ComplianceFixture()
        try f.append([try f.license()])
        try f.append(try f.trail(id: "SHP-0001", quantity: 4, usShipped: 10))
        try f.append(try f.trail(id: "SHP-0002", quantity: 4, usShipped: 10))
        let check = try f.check()
        let over = check.shipments.filter { $0.violations.contains { $0.code == "destination-cap-exceeded" } }.map(\.id)
        #expect(over == ["SHP-0002"])
        let context = try ReportContext.collect(path: f.path, trust: [f.pki.root])
        let html = HTMLReport.render(check, ledger: "ledger.jsonl", context: context)
        let chart = try #require(html.components(separatedBy: "id=\"chart-cap\"").dropFirst().first?.components(separatedBy: "</figure>").first)
        #expect(chart.contains("Nvidia Export LLC — peak 80 % (2 shipments)"), "\(chart)")
        #expect(chart.components(separatedBy: "<circle").count - 1 == over.count)
        #expect(chart.contains(">50 %</text>"))
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
