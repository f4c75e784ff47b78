import Foundation
import Testing
import TrailCompliance
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// The HTML report rendered by real headless Chromium (Debian's `chromium`, installed by scripts/test.sh) at desk
/// and phone width: no horizontal scrolling (`scrollWidth <= innerWidth`) and the violations on screen.
///
/// The page is loaded in an iframe exactly `width` CSS pixels wide (headless Chromium will not make a window narrower
/// than 500 px); a script in the outer page measures the report's document once everything has loaded and writes the
/// figures into the DOM, which `--dump-dom` prints.
@Suite(.serialized) struct ReportLayoutTests {
    struct Layout: Decodable {
        var scrollWidth: Int
        var innerWidth: Int
        var violations: Int
        /// `.violations` elements with a non-empty box inside the viewport's width, displayed and not hidden.
        var visibleViolations: Int
        /// Visible `.violations` elements whose text holds `code`.
        var visibleWithCode: Int
        /// Shipments not hidden: at first, with the status filter on "violation", and after searching for `search`.
        var rows: Int?
        var violationRows: Int?
        var searchRows: Int?
        var shown: String?
    }

    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static func measure(_ html: String, width: Int, code: String, search: String = "") throws -> Layout {
        let browser = try #require(chromium, "headless Chromium is missing: run scripts/test.sh, which installs Debian's chromium")
        let dir = TempDir()
        _ = try dir.write("report.html", html, mode: 0o644)
        let probe = """
            <!DOCTYPE html><html><head><meta charset="utf-8"/></head><body style="margin:0">
            <iframe id="f" src="report.html" style="border:0;width:\(width)px;height:900px"></iframe><pre id="m">pending</pre>
            <script>
            window.addEventListener('load', function () {
              var out;
              try {
                var w = document.getElementById('f').contentWindow, d = w.document;
                var vs = d.querySelectorAll('.violations'), vis = 0, code = 0;
                for (var i = 0; i < vs.length; i++) {
                  var r = vs[i].getBoundingClientRect(), cs = w.getComputedStyle(vs[i]);
                  var ok = r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= w.innerWidth + 0.5
                    && cs.display !== 'none' && cs.visibility !== 'hidden' && vs[i].offsetParent !== null;
                  if (ok) { vis++; if (vs[i].textContent.indexOf(\(jsString(code))) !== -1) code++; }
                }
                out = { scrollWidth: Math.max(d.documentElement.scrollWidth, d.body.scrollWidth), innerWidth: w.innerWidth,
                        violations: vs.length, visibleViolations: vis, visibleWithCode: code };
                // The page's own filter: status "violation", then a search (both applied synchronously).
                var st = d.getElementById('st'), q = d.getElementById('q'), form = d.getElementById('filter');
                var visible = function () {
                  var rs = d.querySelectorAll('article[data-id], ul.compact > li'), n = 0;
                  for (var i = 0; i < rs.length; i++) if (!rs[i].hidden) n++;
                  return n;
                };
                if (st && q && form) {
                  out.rows = visible();
                  st.value = 'violation'; st.dispatchEvent(new w.Event('change')); out.violationRows = visible();
                  st.value = ''; q.value = \(jsString(search)); form.dispatchEvent(new w.Event('submit', { cancelable: true }));
                  out.searchRows = visible(); out.shown = d.getElementById('shown').textContent;
                }
              } catch (e) { out = { error: String(e) }; }
              document.getElementById('m').textContent = JSON.stringify(out);
            });
            </script></body></html>
            """
        let page = try dir.write("probe.html", probe, mode: 0o644)
        let r = try runProcess(
            "/usr/bin/timeout",
            [
                "120", browser, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                "--user-data-dir=" + dir.file("profile"), "--window-size=\(width + 200),1000", "--dump-dom",
                "file://" + page,
            ])
        #expect(r.status == 0, "chromium failed: \(r.stderr.suffix(2000))")
        guard let start = r.stdout.range(of: "<pre id=\"m\">"), let end = r.stdout.range(of: "</pre>", range: start.upperBound..<r.stdout.endIndex)
        else { throw NSError(domain: "chromium", code: 1, userInfo: [NSLocalizedDescriptionKey: "no measurement in: \(r.stdout.prefix(500))"]) }
        let json = String(r.stdout[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"")
        do {
            return try JSONDecoder().decode(Layout.self, from: Data(json.utf8))
        } catch {
            throw NSError(domain: "chromium", code: 2, userInfo: [NSLocalizedDescriptionKey: "measurement \(json): \(error)"])
        }
    }

    static func jsString(_ s: String) -> String {
        "'" + s.unicodeScalars.map { c in c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" ? String(c) : "" }.joined() + "'"
    }

    /// The committed sample (one violation, every status) plus a shipment whose id, message and exporter are long
    /// unbroken strings, the worst case for a narrow screen.
    static func samplePage() throws -> String {
        let repo = ReportTests.repo
        let (check, context) = try ReportTests.sampleCheck()
        var shipments = check.shipments
        var long = ShipmentReport(id: "SHP-" + String(repeating: "9", count: 120))
        long.status = .violation
        long.exporter = String(repeating: "Exporter", count: 30)
        long.violations = [Violation(code: "license-quantity-exceeded", message: String(repeating: "x", count: 400), seqs: [1])]
        long.timeline = [TimelineEntry(seq: 1, time: "2026-01-01T00:00:00Z", kind: String(repeating: "k", count: 200), parties: [], roles: [], summary: String(repeating: "s", count: 300), retracted: false, intact: false)]
        shipments.append(long)
        _ = repo
        return HTMLReport.render(report: check.report, shipments: shipments, policy: .h200, ledger: "h200-sample.jsonl", context: context)
    }

    @Test(arguments: [1400, 420]) func theReportFitsAndShowsItsViolations(width: Int) throws {
        let layout = try Self.measure(try Self.samplePage(), width: width, code: "lab-tpp-exceeded", search: "SHP-2026-0006")
        #expect(layout.innerWidth == width)
        #expect(layout.scrollWidth <= layout.innerWidth, "horizontal scrolling at \(width) px: \(layout)")
        #expect(layout.violations >= 2)
        #expect(layout.visibleViolations == layout.violations, "\(layout)")
        #expect(layout.visibleWithCode == 1, "SHP-2026-0005's violation is on screen: \(layout)")
        // The inline filter works: every shipment at first, the two violations, then the one searched for.
        #expect(layout.rows == 8)
        #expect(layout.violationRows == 2)
        #expect(layout.searchRows == 1 && layout.shown == "1 shown", "\(layout)")
    }

    /// The probe can fail: a page wider than the phone, and a page whose violations are hidden.
    @Test func theProbeSeesOverflowAndHiddenViolations() throws {
        let wide = try Self.measure(
            "<!DOCTYPE html><html><body><div style=\"width:900px\">wide</div><div class=\"violations\">lab-tpp-exceeded</div></body></html>",
            width: 420, code: "lab-tpp-exceeded")
        #expect(wide.scrollWidth > wide.innerWidth)
        #expect(wide.visibleViolations == 1)
        let hidden = try Self.measure(
            "<!DOCTYPE html><html><body><div class=\"violations\" style=\"display:none\">lab-tpp-exceeded</div><div class=\"violations\" style=\"margin-left:600px\">x</div></body></html>",
            width: 420, code: "lab-tpp-exceeded")
        #expect(hidden.violations == 2)
        #expect(hidden.visibleViolations == 0)
        #expect(hidden.visibleWithCode == 0)
    }
}
