import Foundation
import TrailCrypto
import TrailLedger

/// `chiptrail report`: one self-contained HTML page (inline CSS, no scripts, no network) showing every
/// shipment's status, timeline and violations, and the ledger's integrity.
///
/// Every value taken from the ledger is HTML-escaped. The markup is also well-formed XML, so tests and
/// tools can parse it; shipment rows carry `data-shipment-id` and `data-status`.
public enum HTMLReport {
    /// The page for `check` of the ledger named `ledger` (a file name for the title), generated at `generated`.
    public static func render(_ check: LedgerCheck, ledger: String, generated: Date = Date()) -> String {
        render(report: check.report, shipments: check.shipments, policy: check.policy, ledger: ledger, generated: generated)
    }

    /// The page for a verification report and the shipments evaluated from it.
    public static func render(
        report: VerificationReport, shipments: [ShipmentReport], policy: Policy, ledger: String, generated: Date = Date()
    ) -> String {
        var h = ""
        h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        h += "<title>chiptrail report — \(e(ledger))</title>\n<style>\(css)</style>\n</head>\n<body>\n"
        h += "<header><h1>Export-compliance report</h1>\n<p class=\"meta\">Ledger <code>\(e(ledger))</code>"
        if let o = report.origin { h += " · origin <code>\(e(o))</code>" }
        h += " · generated \(e(iso(generated))) by chiptrail</p>\n"
        let ok = report.integrityOK
        h += "<p class=\"integrity-banner \(ok ? "ok" : "failed")\">Ledger integrity: <strong>\(ok ? "verified" : "FAILED")</strong>"
        h += ok ? "" : " — \(report.errors.count) integrity error\(report.errors.count == 1 ? "" : "s"); see below"
        h += "</p></header>\n"

        // Summary.
        var counts: [ShipmentStatus: Int] = [:]
        for s in shipments { counts[s.status, default: 0] += 1 }
        h += "<section id=\"summary\"><h2>Summary</h2>\n<ul class=\"summary\">\n"
        h += "<li class=\"count total\"><span class=\"n\">\(shipments.count)</span> shipment\(shipments.count == 1 ? "" : "s")</li>\n"
        for st in ShipmentStatus.allCases.reversed() {
            h += "<li class=\"count status-\(st.rawValue)\((counts[st] ?? 0) == 0 ? " zero" : "")\" data-status=\"\(st.rawValue)\"><span class=\"n\">\(counts[st] ?? 0)</span> \(st.rawValue)</li>\n"
        }
        h += "</ul></section>\n"

        // Shipments.
        h += "<section id=\"shipments\"><h2>Shipments</h2>\n"
        if shipments.isEmpty {
            h += "<p class=\"empty\">No shipment was evaluated.</p>\n"
        } else {
            h += "<table class=\"shipments\">\n<thead><tr><th>Shipment</th><th>Status</th><th>Trail</th><th>Timeline</th><th>Violations</th></tr></thead>\n<tbody>\n"
            for s in shipments { h += row(s) }
            h += "</tbody>\n</table>\n"
        }
        h += "</section>\n"

        // Integrity.
        h += "<section id=\"integrity\"><h2>Integrity</h2>\n<table class=\"facts\">\n"
        h += fact("Integrity", ok ? "verified" : "failed")
        h += fact("Tree size", "\(report.records)")
        h += fact("Root", report.root, code: true)
        if let cp = report.latestCheckpoint {
            h += fact("Latest checkpoint", "seq \(cp.seq), size \(cp.size)")
            h += fact("Checkpoint root", cp.root, code: true)
            h += fact("Witnesses", cp.witnessNames.isEmpty ? "none" : cp.witnessNames.joined(separator: ", "))
        } else {
            h += fact("Latest checkpoint", "none")
        }
        if policy.requiredWitnesses > 0 { h += fact("Witnesses required", "\(policy.requiredWitnesses)") }
        h += "</table>\n"
        if let cp = report.latestCheckpoint {
            h += "<details><summary>Signed checkpoint note</summary><pre class=\"note\">\(e(cp.note))</pre></details>\n"
        }
        if report.findings.isEmpty {
            h += "<p class=\"no-findings\">No integrity findings.</p>\n"
        } else {
            h += "<table class=\"findings\">\n<thead><tr><th>Line</th><th>Seq</th><th>Severity</th><th>Code</th><th>Finding</th></tr></thead>\n<tbody>\n"
            for f in report.findings {
                h += "<tr class=\"finding \(f.severity.rawValue)\"><td>\(f.line)</td><td>\(f.seq)</td><td>\(f.severity.rawValue)</td>"
                h += "<td><code>\(e(f.code))</code></td><td>\(e(f.message))"
                if let r = f.remedy { h += "<br/><span class=\"remedy\">\(e(r))</span>" }
                h += "</td></tr>\n"
            }
            h += "</tbody>\n</table>\n"
        }
        h += "</section>\n"
        h += "<footer><p>Statuses follow DESIGN.md §5: violation &gt; returned &gt; held &gt; pending &gt; compliant. "
        h += "Verify independently with <code>chiptrail ledger verify \(e(ledger)) --trust ROOT.pem</code>.</p></footer>\n"
        h += "</body>\n</html>\n"
        return h
    }

    /// HTML-escapes text for element content and double- or single-quoted attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and newline are not allowed in HTML or XML text.
                if c.value < 0x20 && c != "\t" && c != "\n" || c.value == 0x7F { out += "\u{FFFD}" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    // MARK: - Pieces

    private static func e(_ s: String) -> String { escape(s) }

    private static func row(_ s: ShipmentReport) -> String {
        let st = s.status.rawValue
        var h = "<tr class=\"shipment status-\(st)\" id=\"shipment-\(e(anchor(s.id)))\" data-shipment-id=\"\(e(s.id))\" data-status=\"\(st)\">\n"
        h += "<td class=\"id\"><strong>\(e(s.id))</strong>"
        var facts: [String] = []
        if let x = s.exporter { facts.append(e(x)) }
        if let l = s.license { facts.append("license " + e(l)) }
        if let q = s.quantity { facts.append("\(q) units") }
        if let d = s.destination { facts.append("to " + e(d)) }
        if !facts.isEmpty { h += "<br/><span class=\"small\">\(facts.joined(separator: " · "))</span>" }
        if let m = s.manifestDigest { h += "<br/><span class=\"small\">manifest <code>\(e(String(m.prefix(16))))…</code></span>" }
        h += "</td>\n<td><span class=\"badge badge-\(st)\">\(st)</span>"
        if let d = s.decision { h += "<br/><span class=\"small\">customs: \(e(d))</span>" }
        h += "</td>\n<td><ul class=\"steps\">"
        for step in s.steps {
            h += "<li class=\"\(step.done ? "done" : "todo")\">\(step.done ? "✓" : "○") \(e(step.name))"
            if !step.seqs.isEmpty { h += " <span class=\"small\">(seq \(step.seqs.map(String.init).joined(separator: ", ")))</span>" }
            h += "</li>"
        }
        h += "</ul>"
        if s.status == .pending, !s.missing.isEmpty { h += "<p class=\"missing\">Missing: \(s.missing.map(e).joined(separator: ", "))</p>" }
        if !s.unverifiableSeqs.isEmpty {
            h += "<p class=\"unverifiable\">Failed integrity: seq \(s.unverifiableSeqs.map(String.init).joined(separator: ", "))"
            h += " (\(s.unverifiableCodes.map(e).joined(separator: ", "))); not evaluated</p>"
        }
        h += "</td>\n<td><ol class=\"timeline\">"
        for t in s.timeline {
            var cls = "event"
            if t.retracted { cls += " retracted" }
            if !t.intact { cls += " broken" }
            h += "<li class=\"\(cls)\"><span class=\"when\">\(e(t.time))</span> · seq \(t.seq)<br/>"
            h += "<strong>\(e(t.kind))</strong> by \(e(t.parties.joined(separator: ", ")))"
            if !t.roles.isEmpty { h += " <span class=\"role\">(\(e(t.roles.joined(separator: ", "))))</span>" }
            if !t.summary.isEmpty { h += "<br/><span class=\"small\">\(e(t.summary))</span>" }
            if t.retracted { h += " <em>retracted</em>" }
            if !t.intact { h += " <em>failed integrity; not evaluated</em>" }
            h += "</li>"
        }
        h += "</ol></td>\n<td>"
        if s.violations.isEmpty {
            h += "<span class=\"small\">none</span>"
        } else {
            h += "<ul class=\"violations\">"
            for v in s.violations {
                h += "<li><code>\(e(v.code))</code> \(e(v.message))"
                if !v.seqs.isEmpty { h += " <span class=\"small\">(seq \(v.seqs.map(String.init).joined(separator: ", ")))</span>" }
                h += "</li>"
            }
            h += "</ul>"
        }
        h += "</td>\n</tr>\n"
        return h
    }

    private static func fact(_ name: String, _ value: String, code: Bool = false) -> String {
        "<tr><th>\(e(name))</th><td>\(code ? "<code>\(e(value))</code>" : e(value))</td></tr>\n"
    }

    /// An id attribute value: letters, digits, '-' and '_' kept, everything else '_'.
    private static func anchor(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { c in
            (c.properties.isAlphabetic && c.isASCII) || ("0"..."9").contains(c) || c == "-" || c == "_" ? c : "_"
        }))
    }

    private static func iso(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }

    static let css = """

        :root { --ink:#1d2330; --muted:#5b6475; --line:#d9dde5; --bg:#f6f7f9; }
        * { box-sizing: border-box; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; padding: 24px 32px; background: #fff; }
        h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
        .meta, .small { color: var(--muted); font-size: 12px; }
        code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
        .integrity-banner { display: inline-block; padding: 6px 12px; border-radius: 6px; margin: 8px 0 0; }
        .integrity-banner.ok { background: #e3f4e8; color: #17622f; } .integrity-banner.failed { background: #fde2e1; color: #8f1d18; }
        ul.summary { list-style: none; display: flex; flex-wrap: wrap; gap: 10px; padding: 0; margin: 0; }
        li.count { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 110px; background: var(--bg); }
        li.count .n { display: block; font-size: 24px; font-weight: 700; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; vertical-align: top; padding: 8px 10px; border-bottom: 1px solid var(--line); }
        thead th { background: var(--bg); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
        table.facts th { width: 180px; color: var(--muted); font-weight: 600; }
        .badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 700; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; border: 1px solid transparent; }
        .badge-compliant { background: #e3f4e8; color: #17622f; border-color: #9fd3ad; }
        .badge-pending { background: #eef1f6; color: #3b4a63; border-color: #c3cad6; }
        .badge-held { background: #fff4d6; color: #7a5200; border-color: #e8c874; }
        .badge-returned { background: #ffe8d6; color: #8a3b00; border-color: #f0a874; }
        .badge-violation { background: #fde2e1; color: #8f1d18; border-color: #f09b96; }
        .badge-unverifiable { background: #ece3f7; color: #4a2377; border-color: #b89ad9; } .unverifiable { color: #4a2377; margin: 6px 0 0; }
        li.count.status-violation .n { color: #b3261e; } li.count.status-compliant .n { color: #1e7b3a; }
        li.count.status-held .n { color: #8a5d00; } li.count.status-returned .n { color: #a14600; }
        li.count.zero .n { color: #a3aab8; }
        ul.steps, ol.timeline, ul.violations { margin: 0; padding-left: 18px; }
        ul.steps { list-style: none; padding-left: 0; } ul.steps li.todo { color: var(--muted); }
        ol.timeline li { margin-bottom: 6px; } ol.timeline li.retracted { text-decoration: line-through; color: var(--muted); }
        ol.timeline li.broken { color: #8f1d18; } .role { color: var(--muted); }
        ul.violations li { color: #8f1d18; margin-bottom: 4px; } .missing { color: #3b4a63; margin: 6px 0 0; }
        tr.finding.error td { background: #fff5f5; } tr.finding.warning td { background: #fffbea; }
        .remedy { color: var(--muted); font-style: italic; }
        pre.note { background: var(--bg); padding: 10px; border-radius: 6px; white-space: pre-wrap; }
        footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
        @media print {
          body { padding: 0; font-size: 11px; } h2 { break-after: avoid; }
          tr { break-inside: avoid; } details { display: block; } details > summary { display: none; }
          .badge, .integrity-banner, li.count { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          a { color: inherit; text-decoration: none; }
        }

        """
}
