import Foundation
import TrailCrypto
import TrailLedger

/// `chiptrail report`: one self-contained HTML page (inline CSS, inline SVG charts, one small inline script for
/// search and filtering; no network, no external asset) an auditor can work from, on a desk or on a phone.
///
/// - The header names what the verdict rests on: trust anchors with their fingerprints, the tool version, the latest
///   checkpoint and its witnesses with their key fingerprints, and whether integrity held.
/// - Shipments come in natural order of their ids (SHP-2 before SHP-10). Every shipment that is not compliant is
///   shown in full (violations first, trail, timeline with who signed each statement); compliant ones as one line,
///   so a million-record ledger's page stays small. The search box and status filter work on both.
/// - Every value taken from the ledger is HTML-escaped; the markup is well-formed XML, so tests and tools can parse
///   it. A shipment shown in full is an `article` with `data-id` and `data-status` (any status string, rendered
///   generically); a compliant one is an `li` of `ul.compact[data-status=compliant]` whose first `b` is the id.
public enum HTMLReport {
    /// The page for `check` of the ledger named `ledger` (a file name for the title).
    public static func render(
        _ check: LedgerCheck, ledger: String, context: ReportContext = ReportContext(), toolVersion: String = "",
        generated: Date = Date()
    ) -> String {
        render(
            report: check.report, shipments: check.shipments, policy: check.policy, ledger: ledger, context: context,
            toolVersion: toolVersion, generated: generated)
    }

    /// The page for a verification report and the shipments evaluated from it.
    public static func render(
        report: VerificationReport, shipments: [ShipmentReport], policy: Policy, ledger: String,
        context: ReportContext = ReportContext(), toolVersion: String = "", generated: Date = Date()
    ) -> String {
        let w = Writer(
            report: report, policy: policy, ledger: ledger, context: context, toolVersion: toolVersion, generated: generated)
        for s in shipments { w.add(s) }
        return w.finish()
    }

    /// Builds the page from a streamed check: made from the integrity report, then `add` for each shipment (in any
    /// order), then `finish`. Keeps one rendered fragment and a few numbers per shipment, never a `ShipmentReport`.
    public final class Writer {
        let policy: Policy
        let ledger: String
        let context: ReportContext
        let toolVersion: String
        let generated: Date
        let report: VerificationReport
        /// Integrity finding codes by seq (for the statements a shipment's timeline marks as broken).
        var findingCodes: [Int: [String]] = [:]
        var rows: [Row] = []

        struct Row {
            var id: [Unicode.Scalar]
            var status: String
            var html: String
            var full: Bool
            var firstTime: String?
            var exporter: String?
            var destination: String?
            var license: String?
            var quantity: Int
            var supplySeq: Int?
            var brokenStatements: Int
        }

        func e(_ s: String) -> String { HTMLReport.escape(s) }
        func anchor(_ s: String) -> String { HTMLReport.anchor(s) }
        func iso(_ d: Date) -> String { HTMLReport.iso(d) }
        func naturalLess(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Bool { HTMLReport.naturalLess(a, b) }

        public init(
            report: VerificationReport, policy: Policy, ledger: String, context: ReportContext, toolVersion: String,
            generated: Date = Date()
        ) {
            self.report = report
            for f in report.findings where f.severity == .error { findingCodes[f.seq, default: []].append(f.code.rawValue) }
            self.policy = policy
            self.ledger = ledger
            self.context = context
            self.toolVersion = toolVersion
            self.generated = generated
        }

        public func add(_ s: ShipmentReport) {
            let st = s.status.rawValue
            // A compliant shipment one of whose signers was revoked later is shown in full too, flag and all.
            let full = s.status != .compliant || signerRevokedLater(s)
            let broken = s.timeline.filter { !$0.intact }.count
            rows.append(
                Row(
                    id: Array(s.id.unicodeScalars), status: st, html: full ? card(s) : line(s), full: full,
                    firstTime: s.timeline.map(\.time).min(), exporter: s.exporter, destination: s.destination,
                    license: s.license, quantity: max(0, s.quantity ?? 0),
                    supplySeq: s.steps.first { $0.name == "supply-sufficiency" }?.seqs.first, brokenStatements: broken))
        }

        public func finish() -> String {
            rows.sort { naturalLess($0.id, $1.id) }
            var h = ""
            h.reserveCapacity(rows.reduce(64 * 1024) { $0 + $1.html.utf8.count + 1 })
            h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
            h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
            h += "<title>chiptrail report — \(e(ledger))</title>\n<style>\(HTMLReport.css)</style>\n</head>\n<body>\n"
            h += header()
            h += summary()
            h += HTMLReport.charts(rows: rows, context: context, policy: policy, report: report)
            h += shipmentsSection()
            h += signersSection()
            h += integritySection()
            h += "<footer><p>Statuses, in precedence: violation &gt; returned &gt; held &gt; pending &gt; compliant; "
            h += "the finding and violation codes are listed in DESIGN-NOTES.md. "
            h += "Verify independently with <code>chiptrail ledger verify \(e(ledger)) --trust ROOT.pem</code>.</p></footer>\n"
            h += "<script>//<![CDATA[\n\(HTMLReport.script)\n//]]></script>\n"
            h += "</body>\n</html>\n"
            return h
        }

        // MARK: Header and summary

        func header() -> String {
            var h = "<header><h1>Export-compliance report</h1>\n<p class=\"meta\">Ledger <code>\(e(ledger))</code>"
            if let o = report.origin { h += " · origin <code>\(e(o))</code>" }
            h += " · generated \(e(iso(generated))) by chiptrail\(toolVersion.isEmpty ? "" : " " + e(toolVersion))</p>\n"
            let ok = report.integrityOK
            let errors = report.errors.count + report.omittedErrors
            h += "<p class=\"integrity-banner \(ok ? "ok" : "failed")\" id=\"integrity-banner\">Ledger integrity: <strong>\(ok ? "verified" : "FAILED")</strong>"
            if !ok {
                let affected = rows.filter { $0.brokenStatements > 0 }.count
                h += " — \(errors) integrity error\(errors == 1 ? "" : "s")"
                if affected > 0 { h += "; \(affected) shipment\(affected == 1 ? " has" : "s have") statements that failed integrity" }
                h += "; <a href=\"#integrity\">see the findings</a>. Statuses below rest only on the records that verified."
            }
            h += "</p>\n<dl class=\"facts\">\n"
            h += "<dt>Trust anchor\(context.anchors.count == 1 ? "" : "s")</dt><dd>"
            if context.anchors.isEmpty {
                h += "<span class=\"small\">not read</span>"
            } else {
                h += context.anchors.map { a in
                    var t = "<code>sha256 \(e(a.fingerprint))</code>"
                    if !a.subject.isEmpty { t += " \(e(a.subject))" }
                    if !a.inGenesis { t += " <em>given with --trust but not listed in the genesis record</em>" }
                    if !a.given { t += " <em>listed in the genesis record, not given with --trust</em>" }
                    return t
                }.joined(separator: "<br/>")
            }
            h += "</dd>\n<dt>Records</dt><dd>\(report.records) (tree size); root <code>\(e(report.root))</code></dd>\n"
            if let cp = report.latestCheckpoint {
                h += "<dt>Checkpoint</dt><dd>seq \(cp.seq), size \(cp.size), root <code>\(e(cp.root))</code></dd>\n"
                h += "<dt>Witnesses</dt><dd>"
                if cp.witnessNames.isEmpty {
                    h += "none"
                } else {
                    h += cp.witnessNames.indices.map { i in
                        let fp = i < cp.witnesses.count ? cp.witnesses[i] : ""
                        return "\(e(cp.witnessNames[i])) <code>sha256 \(e(String(fp.prefix(16))))</code>"
                    }.joined(separator: "<br/>")
                }
                if policy.requiredWitnesses > 0 { h += " <span class=\"small\">(policy requires \(policy.requiredWitnesses))</span>" }
                h += "</dd>\n"
            } else {
                h += "<dt>Checkpoint</dt><dd>none</dd>\n"
            }
            h += "</dl></header>\n"
            return h
        }

        func summary() -> String {
            var counts: [String: Int] = [:]
            for r in rows { counts[r.status, default: 0] += 1 }
            var h = "<section id=\"summary\"><h2>Summary</h2>\n<ul class=\"summary\">\n"
            h += "<li class=\"count total\"><span class=\"n\">\(rows.count)</span> shipment\(rows.count == 1 ? "" : "s")</li>\n"
            for st in HTMLReport.statusOrder(Array(counts.keys)).reversed() {
                let n = counts[st] ?? 0
                h += "<li class=\"count\(n == 0 ? " zero" : "")\" data-status=\"\(e(st))\"><span class=\"n\">\(n)</span> \(e(st))</li>\n"
            }
            h += "</ul></section>\n"
            return h
        }

        // MARK: Shipments

        func shipmentsSection() -> String {
            let full = rows.filter(\.full)
            let compact = rows.count - full.count
            var h = "<section id=\"shipments\"><h2>Shipments</h2>\n"
            if rows.isEmpty { return h + "<p class=\"empty\">No shipment was evaluated.</p>\n</section>\n" }
            h += "<form id=\"filter\" class=\"filter\" role=\"search\"><input id=\"q\" type=\"search\" placeholder=\"Search id, exporter, license, seq\" aria-label=\"Search shipments\"/>"
            h += "<select id=\"st\" aria-label=\"Status\"><option value=\"\">every status</option>"
            var statuses: [String] = []
            for r in rows where !statuses.contains(r.status) { statuses.append(r.status) }
            for st in HTMLReport.statusOrder(statuses).reversed() { h += "<option value=\"\(e(st))\">\(e(st))</option>" }
            h += "</select> <span id=\"shown\" class=\"small\">\(rows.count) shown</span></form>\n"
            h += "<h3>In full: not compliant, or signed by a certificate revoked later (\(full.count))</h3>\n"
            if full.isEmpty { h += "<p class=\"small\">None: every shipment is compliant.</p>\n" }
            h += "<div class=\"cards\">\n"
            for r in full { h += r.html }
            h += "</div>\n<h3>Compliant (\(compact))</h3>\n"
            if compact > 0 {
                h += "<p class=\"small\">One line each: id, exporter, units → destination, then the seq and signer of each step in order "
                h += "(license, supply-sufficiency, lab-test, customs-decision); S… refers to <a href=\"#signers\">Signers</a>.</p>\n"
            }
            // Lists of 500 lines, each laid out only when scrolled near (content-visibility): a page of 300,000
            // lines opens in a few seconds.
            var inList = 0
            for r in rows where !r.full {
                if inList == 0 { h += "<ul class=\"compact\" data-status=\"compliant\">\n" }
                h += r.html
                inList += 1
                if inList == 500 {
                    h += "</ul>\n"
                    inList = 0
                }
            }
            if inList > 0 { h += "</ul>\n" }
            h += "</section>\n"
            return h
        }

        /// A shipment that is not compliant, in full.
        func card(_ s: ShipmentReport) -> String {
            let st = e(s.status.rawValue)
            var h = "<article class=\"shipment\" id=\"shipment-\(e(anchor(s.id)))\" data-id=\"\(e(s.id))\" data-status=\"\(st)\">\n"
            h += "<h4><span class=\"sid\">\(e(s.id))</span> <span class=\"badge\" data-status=\"\(st)\">\(st)</span></h4>\n"
            var facts: [String] = []
            if let x = s.exporter { facts.append(e(x)) }
            if let l = s.license { facts.append("license " + e(l)) }
            if let q = s.quantity { facts.append("\(q) units") }
            if let d = s.destination { facts.append("to " + e(d)) }
            if let d = s.decision { facts.append("customs: " + e(d)) }
            if let m = s.manifestDigest { facts.append("manifest <code>\(e(String(m.prefix(16))))…</code>") }
            if !facts.isEmpty { h += "<p class=\"small\">\(facts.joined(separator: " · "))</p>\n" }
            // The statements that failed integrity (the compliance layer's "unverifiable"), with the codes the
            // verifier gave at their seqs.
            let broken = s.timeline.filter { !$0.intact }.map(\.seq)
            if !broken.isEmpty {
                let codes = Set(broken.flatMap { findingCodes[$0] ?? [] }).sorted()
                h += "<p class=\"unverified\">Failed integrity: seq \(broken.map(String.init).joined(separator: ", "))"
                if !codes.isEmpty { h += " (\(codes.map { "<code>\(e($0))</code>" }.joined(separator: ", ")))" }
                h += "; not evaluated</p>\n"
            }
            h += "<div class=\"violations\">"
            if s.violations.isEmpty {
                h += "<p class=\"small\">No violation.</p>"
            } else {
                h += "<ul>"
                for v in s.violations {
                    h += "<li><code>\(e(v.code))</code> \(e(v.message))"
                    if !v.seqs.isEmpty { h += " <span class=\"small\">(seq \(v.seqs.map(String.init).joined(separator: ", ")))</span>" }
                    h += "</li>"
                }
                h += "</ul>"
            }
            if !s.missing.isEmpty { h += "<p class=\"missing\">Missing: \(s.missing.map(e).joined(separator: ", "))</p>" }
            h += "</div>\n<ul class=\"steps\">"
            for step in s.steps {
                h += "<li class=\"\(step.done ? "done" : "todo")\">\(step.done ? "✓" : "○") \(e(step.name))"
                if !step.seqs.isEmpty { h += " <span class=\"small\">(seq \(step.seqs.map(String.init).joined(separator: ", ")))</span>" }
                h += "</li>"
            }
            h += "</ul>\n<ol class=\"timeline\">"
            for t in s.timeline {
                var cls = "event"
                if t.retracted { cls += " retracted" }
                if !t.intact { cls += " broken" }
                h += "<li class=\"\(cls)\"><span class=\"when\">\(e(t.time))</span> · seq \(t.seq) · <strong>\(e(t.kind))</strong>"
                if !t.roles.isEmpty { h += " <span class=\"role\">(\(e(t.roles.joined(separator: ", "))))</span>" }
                if !t.summary.isEmpty { h += "<br/><span class=\"small\">\(e(t.summary))</span>" }
                if t.retracted { h += " <em>retracted</em>" }
                if !t.intact { h += " <em>failed integrity; not evaluated</em>" }
                h += signedBy(t)
                h += "</li>"
            }
            h += "</ol>\n</article>\n"
            return h
        }

        /// Who signed a timeline entry: each signer certificate in full, and any revocation recorded after it.
        func signedBy(_ t: TimelineEntry) -> String {
            let signers = context.signers(ofStatementAt: t.seq)
            if signers.isEmpty {
                return t.parties.isEmpty ? "" : "<br/><span class=\"small\">signed by \(e(t.parties.joined(separator: ", ")))</span>"
            }
            var h = "<ul class=\"signers\">"
            for s in signers {
                guard let s else {
                    h += "<li class=\"revoked\">a signature whose keyid names no registered certificate</li>"
                    continue
                }
                h += "<li>signed by <a href=\"#\(s.ref)\">\(s.ref)</a> \(e(s.commonName ?? s.subject))"
                if let o = s.organization { h += ", \(e(o))" }
                h += " · serial <code>\(e(s.serialHex))</code> · sha256 <code>\(e(String(s.fingerprint.prefix(16))))</code>"
                h += " · issued by \(e(s.issuerCommonName ?? s.issuer))"
                if findingCodes[s.seq] != nil { h += " <span class=\"revoked\">(its certificate record at seq \(s.seq) failed integrity)</span>" }
                if let r = s.revocation { h += revocationNote(r, statementSeq: t.seq) }
                h += "</li>"
            }
            return h + "</ul>"
        }

        func revocationNote(_ r: ReportContext.Revocation, statementSeq: Int?) -> String {
            var h = "<br/><span class=\"revoked\">⚠ "
            if let via = r.viaIssuer { h += "a CA on its path (\(e(via))) was revoked " } else { h += "revoked " }
            if let seq = statementSeq { h += r.crlSeq > seq ? "after this statement " : "before this statement " }
            h += "by the CRL record at seq \(r.crlSeq) (ledger time \(e(r.crlTime))): reason \(e(r.reason ?? "not given"))"
            h += ", revocation date \(e(iso(r.revocationDate)))</span>"
            return h
        }

        /// Whether a signer of one of the shipment's statements was revoked after signing it.
        func signerRevokedLater(_ s: ShipmentReport) -> Bool {
            s.timeline.contains { t in
                context.signers(ofStatementAt: t.seq).contains { ($0?.revocation?.crlSeq ?? Int.min) > t.seq }
            }
        }

        /// A compliant shipment, in one line (its status is its list's): id, exporter, units → destination, then
        /// each step's seqs and signer references, in step order. About 90 bytes: a million-record ledger's
        /// compliant shipments fit in about 30 MB.
        func line(_ s: ShipmentReport) -> String {
            var h = "<li><b>\(e(s.id))</b>"
            if let x = s.exporter { h += " \(e(x))" }
            if let q = s.quantity { h += " · \(q) units" }
            if let d = s.destination { h += " → \(e(d))" }
            var first = true
            for step in s.steps where !step.seqs.isEmpty {
                h += first ? " · " : " "
                first = false
                h += step.seqs.map(String.init).joined(separator: ",")
                var seen: [String] = []
                for r in step.seqs.flatMap({ context.signers(ofStatementAt: $0) }).map({ $0?.ref ?? "?" }) where !seen.contains(r) {
                    seen.append(r)
                }
                if !seen.isEmpty { h += " " + seen.joined(separator: ",") }
            }
            return h + "</li>\n"
        }

        // MARK: Signers and integrity

        func signersSection() -> String {
            var h = "<section id=\"signers\"><h2>Signers</h2>\n"
            if context.signers.isEmpty { return h + "<p class=\"small\">No certificate was read.</p>\n</section>\n" }
            h += "<p class=\"small\">Every certificate the ledger registers, in registration order (S1 is the genesis operator).</p>\n<ol class=\"certs\">\n"
            for s in context.signers {
                h += "<li id=\"\(s.ref)\"\(s.revocation == nil ? "" : " class=\"revoked-cert\"")><strong>\(s.ref)</strong> \(e(s.commonName ?? s.subject))"
                if let o = s.organization { h += ", \(e(o))" }
                if !s.roles.isEmpty { h += " <span class=\"role\">(\(e(s.roles.joined(separator: ", "))))</span>" }
                h += "<br/><span class=\"small\">serial <code>\(e(s.serialHex))</code> · sha256 <code>\(e(s.fingerprint))</code>"
                h += " · issued by \(e(s.issuer))"
                if let f = s.issuerFingerprint { h += " (sha256 <code>\(e(String(f.prefix(16))))</code>)" }
                h += " · valid \(e(iso(s.notBefore))) to \(e(iso(s.notAfter))) · registered at seq \(s.seq) (\(e(s.time)))"
                if report.findings.contains(where: { $0.seq == s.seq && $0.severity == .error }) {
                    h += " · <span class=\"revoked\">its record failed integrity</span>"
                }
                h += "</span>"
                if let r = s.revocation {
                    h += revocationNote(r, statementSeq: nil)
                    if report.findings.contains(where: { $0.seq == r.crlSeq && $0.severity == .error }) {
                        h += " <span class=\"revoked\">(that CRL record failed integrity)</span>"
                    }
                }
                h += "</li>\n"
            }
            h += "</ol>\n"
            if !context.unknownKeyids.isEmpty {
                h += "<p class=\"small\">Keyids naming no registered certificate: \(context.unknownKeyids.map { "<code>\(e(String($0.prefix(16))))…</code>" }.joined(separator: ", "))</p>\n"
            }
            return h + "</section>\n"
        }

        func integritySection() -> String {
            var h = "<section id=\"integrity\"><h2>Integrity</h2>\n"
            if let cp = report.latestCheckpoint {
                h += "<details><summary>Signed checkpoint note (seq \(cp.seq))</summary><pre class=\"note\">\(e(cp.note))</pre></details>\n"
            }
            if report.findings.isEmpty {
                h += "<p class=\"no-findings\">No integrity findings.</p>\n"
            } else {
                h += "<ol class=\"findings\">\n"
                for f in report.findings {
                    h += "<li class=\"finding \(f.severity.rawValue)\"><span class=\"small\">line \(f.line) · seq \(f.seq) · \(f.severity.rawValue)</span> "
                    h += "<code>\(e(f.code.rawValue))</code> \(e(f.message))"
                    if let r = f.remedy { h += "<br/><span class=\"remedy\">\(e(r))</span>" }
                    h += "</li>\n"
                }
                h += "</ol>\n"
            }
            let omitted = report.omitted.sorted { Array($0.key.unicodeScalars).lexicographicallyPrecedes(Array($1.key.unicodeScalars)) { $0.value < $1.value } }
            if !omitted.isEmpty {
                h += "<p class=\"small\">Further findings counted, not listed: \(omitted.map { "<code>\(e($0.key))</code> × \($0.value)" }.joined(separator: ", "))</p>\n"
            }
            return h + "</section>\n"
        }
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

    /// Natural order: runs of ASCII digits compare by value (SHP-2 before SHP-10), everything else by Unicode scalar
    /// value; ties (e.g. SHP-02 and SHP-2) by the scalar sequences, so the order is total and never depends on a hash.
    public static func naturalLess(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Bool {
        var i = 0
        var j = 0
        func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }
        while i < a.count, j < b.count {
            if isDigit(a[i]), isDigit(b[j]) {
                var ie = i
                while ie < a.count, isDigit(a[ie]) { ie += 1 }
                var je = j
                while je < b.count, isDigit(b[je]) { je += 1 }
                var is0 = i
                while is0 < ie - 1, a[is0].value == 48 { is0 += 1 }
                var js0 = j
                while js0 < je - 1, b[js0].value == 48 { js0 += 1 }
                let la = ie - is0
                let lb = je - js0
                if la != lb { return la < lb }
                for k in 0..<la where a[is0 + k] != b[js0 + k] { return a[is0 + k].value < b[js0 + k].value }
                i = ie
                j = je
            } else {
                if a[i] != b[j] { return a[i].value < b[j].value }
                i += 1
                j += 1
            }
        }
        if (a.count - i) != (b.count - j) { return (a.count - i) < (b.count - j) }
        return a.lexicographicallyPrecedes(b) { $0.value < $1.value }
    }

    public static func naturalLess(_ a: String, _ b: String) -> Bool {
        naturalLess(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

    /// Known statuses in precedence order (compliant first), then any other status string in scalar order.
    static func statusOrder(_ present: [String]) -> [String] {
        let known = ShipmentStatus.allCases.map(\.rawValue)
        let others = present.filter { p in !known.contains { Array($0.utf8) == Array(p.utf8) } }
            .sorted { Array($0.unicodeScalars).lexicographicallyPrecedes(Array($1.unicodeScalars)) { $0.value < $1.value } }
        return known + others
    }

    static func shortStep(_ name: String) -> String {
        switch name {
        case "supply-sufficiency": "supply"
        case "lab-test": "lab"
        case "customs-decision": "customs"
        default: name
        }
    }

    // MARK: - Pieces

    static func e(_ s: String) -> String { escape(s) }

    /// An id attribute value: letters, digits, '-' and '_' kept, everything else '_'.
    static func anchor(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { c in
            (c.properties.isAlphabetic && c.isASCII) || ("0"..."9").contains(c) || c == "-" || c == "_" ? c : "_"
        }))
    }

    static func iso(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }

    /// Search (id, exporter, license, seq: any text of the row) and status filter; debounced for large pages.
    static let script = """
        (function () {
          var q = document.getElementById('q'), st = document.getElementById('st'), shown = document.getElementById('shown');
          if (!q || !st) return;
          var rows = document.querySelectorAll('article[data-id], ul.compact > li'), timer = null, texts = null, statuses = null;
          function apply() {
            var t = q.value.trim().toLowerCase(), s = st.value, n = 0;
            if (!texts) {
              texts = []; statuses = [];
              for (var k = 0; k !== rows.length; k++) {
                texts.push(rows[k].textContent.toLowerCase());
                statuses.push(rows[k].getAttribute('data-status') || rows[k].parentNode.getAttribute('data-status'));
              }
            }
            for (var i = 0; i !== rows.length; i++) {
              var r = rows[i];
              var ok = (!s || statuses[i] === s) ? (!t || texts[i].indexOf(t) !== -1) : false;
              r.hidden = !ok;
              if (ok) n++;
            }
            shown.textContent = n + ' shown';
          }
          function later() { clearTimeout(timer); timer = setTimeout(apply, rows.length > 5000 ? 250 : 0); }
          q.addEventListener('input', later);
          st.addEventListener('change', apply);
          document.getElementById('filter').addEventListener('submit', function (ev) { ev.preventDefault(); apply(); });
        })();
        """

    static let css = """

        :root { --ink:#1d2330; --muted:#5b6475; --line:#d9dde5; --bg:#f6f7f9; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; padding: 24px 32px; background: #fff; max-width: 1400px; overflow-wrap: anywhere; }
        h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
        h3 { font-size: 15px; margin: 18px 0 8px; } h4 { font-size: 15px; margin: 0 0 4px; }
        .meta, .small { color: var(--muted); font-size: 12px; }
        code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; overflow-wrap: anywhere; word-break: break-all; }
        .integrity-banner { padding: 6px 12px; border-radius: 6px; margin: 8px 0 0; }
        .integrity-banner.ok { background: #e3f4e8; color: #17622f; } .integrity-banner.failed { background: #fde2e1; color: #8f1d18; }
        dl.facts { display: grid; grid-template-columns: 160px minmax(0, 1fr); gap: 4px 12px; margin: 12px 0 0; }
        dl.facts dt { color: var(--muted); font-weight: 600; } dl.facts dd { margin: 0; min-width: 0; }
        ul.summary { list-style: none; display: flex; flex-wrap: wrap; gap: 10px; padding: 0; margin: 0; }
        li.count { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 100px; background: var(--bg); }
        li.count .n { display: block; font-size: 24px; font-weight: 700; }
        li.count[data-status=violation] .n, li.count[data-status=unverifiable] .n { color: #b3261e; } li.count[data-status=compliant] .n { color: #1e7b3a; }
        li.count[data-status=held] .n { color: #8a5d00; } li.count[data-status=returned] .n { color: #a14600; }
        li.count.zero .n { color: #a3aab8; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); gap: 16px; }
        figure { margin: 0; min-width: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px; }
        figcaption { font-weight: 600; margin-bottom: 6px; } svg { display: block; width: 100%; height: auto; max-width: 100%; }
        svg text { font: 12px system-ui, sans-serif; fill: var(--muted); }
        ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 12px; padding: 0; margin: 4px 0 0; font-size: 12px; }
        .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
        .filter { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 0 0 8px; }
        .filter input { flex: 1 1 200px; min-width: 0; padding: 6px 8px; font: inherit; } .filter select { padding: 6px; font: inherit; max-width: 100%; }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 560px), 1fr)); gap: 12px; }
        article.shipment { border: 1px solid var(--line); border-left: 4px solid #c3cad6; border-radius: 8px; padding: 10px 12px; min-width: 0; }
        article.shipment[data-status=violation], article.shipment[data-status=unverifiable] { border-left-color: #b3261e; }
        article.shipment[data-status=held] { border-left-color: #e8c874; } article.shipment[data-status=returned] { border-left-color: #f0a874; }
        .badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-weight: 700; font-size: 11px; text-transform: uppercase; letter-spacing: .03em; background: #eef1f6; color: #3b4a63; }
        .badge[data-status=compliant] { background: #e3f4e8; color: #17622f; }
        .badge[data-status=held] { background: #fff4d6; color: #7a5200; } .badge[data-status=returned] { background: #ffe8d6; color: #8a3b00; }
        .badge[data-status=violation], .badge[data-status=unverifiable] { background: #fde2e1; color: #8f1d18; }
        .violations { background: #fff7f6; border-radius: 6px; padding: 6px 10px; margin: 6px 0; }
        .violations ul { margin: 0; padding-left: 18px; } .violations li { color: #8f1d18; margin-bottom: 4px; }
        .violations p { margin: 0; } .missing { color: #3b4a63; margin: 4px 0 0; }
        .unverified { background: #fde2e1; color: #8f1d18; border-radius: 6px; padding: 6px 10px; margin: 6px 0; font-weight: 600; }
        ul.steps { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 2px 14px; } ul.steps li.todo { color: var(--muted); }
        ol.timeline { margin: 6px 0 0; padding-left: 20px; } ol.timeline > li { margin-bottom: 8px; }
        ol.timeline li.retracted > .when, ol.timeline li.retracted > strong { text-decoration: line-through; color: var(--muted); }
        ol.timeline li.broken { color: #8f1d18; } .role { color: var(--muted); }
        ul.signers { list-style: none; margin: 2px 0 0; padding: 0; font-size: 12px; color: var(--muted); }
        .revoked { color: #8f1d18; font-weight: 600; } li.revoked-cert { border-left: 3px solid #b3261e; padding-left: 6px; }
        ul.compact { list-style: none; margin: 0; padding: 0; font-size: 12px; content-visibility: auto; contain-intrinsic-size: auto 11000px; }
        article.shipment { content-visibility: auto; contain-intrinsic-size: auto 420px; }
        ul.compact li { padding: 3px 0; border-bottom: 1px solid var(--line); } ul.compact li::after { content: " ✓"; color: #1e7b3a; }
        ol.certs, ol.findings { padding-left: 0; list-style: none; } ol.certs li, ol.findings li { padding: 6px 0; border-bottom: 1px solid var(--line); }
        li.finding.error { background: #fff5f5; } li.finding.warning { background: #fffbea; }
        .remedy { color: var(--muted); font-style: italic; }
        pre.note { background: var(--bg); padding: 10px; border-radius: 6px; white-space: pre-wrap; }
        footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
        [hidden] { display: none !important; }
        @media (max-width: 640px) {
          body { padding: 12px; } dl.facts { grid-template-columns: minmax(0, 1fr); } dl.facts dd { margin-bottom: 6px; }
          h1 { font-size: 19px; }
        }
        @media print {
          body { padding: 0; font-size: 11px; max-width: none; } h2 { break-after: avoid; } .filter { display: none; }
          article, li { break-inside: avoid; } details { display: block; } details > summary { display: none; }
          .badge, .integrity-banner, li.count { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          a { color: inherit; text-decoration: none; }
        }

        """
}
