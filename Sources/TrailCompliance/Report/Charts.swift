import Foundation
import TrailLedger

/// The report's inline SVG charts: per exporter the capped destinations' share against the cap over time, per
/// license the units used against its maximum, and the shipments' statuses over time. Each chart has a bounded
/// number of marks (points are bucketed), so its size does not grow with the ledger.
extension HTMLReport {
    static let statusColors: [String: String] = [
        "compliant": "#2e9e55", "pending": "#8c9ab0", "held": "#d9a400", "returned": "#e07a1f", "violation": "#c8322a",
        "unverifiable": "#6b1a16",
    ]

    static func charts(rows: [Writer.Row], context: ReportContext, policy: Policy, report: VerificationReport) -> String {
        var h = "<section id=\"charts\"><h2>Charts</h2>\n<div class=\"charts\">\n"
        h += capChart(rows: rows, context: context, policy: policy, report: report)
        h += licenseChart(rows: rows, context: context)
        h += statusChart(rows: rows)
        h += "</div></section>\n"
        return h
    }

    private static func num(_ d: Double) -> String {
        guard d.isFinite else { return "0" }
        guard abs(d) < 1e15 else { return String(d) }
        let r = (d * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    private static func scalarLess(_ a: String, _ b: String) -> Bool {
        Array(a.unicodeScalars).lexicographicallyPrecedes(Array(b.unicodeScalars)) { $0.value < $1.value }
    }

    // MARK: Destination cap

    /// The exporter's shipments to the capped destinations as a share of the latest US end-use figure it attested,
    /// in the ledger order of their supply-sufficiency statements (as the cap rule counts them).
    static func capChart(rows: [Writer.Row], context: ReportContext, policy: Policy, report: VerificationReport) -> String {
        let capped = policy.capDestinations
        let cap = policy.capShareOfUSShipments * 100
        let dests = capped.joined(separator: "/")
        var h = "<figure class=\"chart\" id=\"chart-cap\"><figcaption>\(e(dests)) share per exporter against the \(num(cap)) % cap</figcaption>\n"
        let broken = Set(report.findings.filter { $0.severity == .error }.map(\.seq))
        // Events in ledger order: US figures (every supply statement that verified) and capped shipments.
        struct Event { var seq: Int; var exporter: String; var figure: Int?; var quantity: Int; var time: String }
        var events: [Event] = []
        for r in rows {
            guard let seq = r.supplySeq, let x = r.exporter, let d = r.destination,
                capped.contains(where: { Array($0.utf8) == Array(d.utf8) })
            else { continue }
            events.append(Event(seq: seq, exporter: x, figure: nil, quantity: r.quantity, time: context.supplyFigure(at: seq)?.time ?? ""))
        }
        let exporters = Set(events.map { Array($0.exporter.utf8) })
        for (seq, f) in context.supplyFigures where !broken.contains(seq) && exporters.contains(Array(f.exporter.utf8)) {
            events.append(Event(seq: seq, exporter: f.exporter, figure: f.usUnits, quantity: 0, time: context.supplyTimes[seq] ?? ""))
        }
        events.sort { ($0.seq, $0.figure == nil ? 1 : 0) < ($1.seq, $1.figure == nil ? 1 : 0) }
        // Names are keyed by their exact bytes (two spellings of one name are two exporters, as in the rules).
        var series: [[UInt8]: [(share: Double, time: String)]] = [:]
        var us: [[UInt8]: Int] = [:]
        var sum: [[UInt8]: Int] = [:]
        for ev in events {
            let key = Array(ev.exporter.utf8)
            if let f = ev.figure {
                us[key] = f
                continue
            }
            let total = sum[key, default: 0] &+ ev.quantity
            sum[key] = total
            let base = us[key] ?? 0
            let share = base > 0 ? Double(total) / Double(base) * 100 : (total > 0 ? Double.infinity : 0)
            series[key, default: []].append((share, ev.time))
        }
        if series.isEmpty {
            return h + "<p class=\"small\">No shipment to \(e(dests)) with a supply-sufficiency statement.</p></figure>\n"
        }
        // The exporters nearest the cap first; at most 8 drawn.
        let ranked = series.map { (name: String(decoding: $0.key, as: UTF8.self), peak: $0.value.map(\.share).max() ?? 0, points: $0.value) }
            .sorted { $0.peak != $1.peak ? $0.peak > $1.peak : scalarLess($0.name, $1.name) }
        let shown = ranked.prefix(8)
        let top = min(200, max(cap * 1.5, (shown.map { $0.peak.isFinite ? $0.peak : 200 }.max() ?? 0) * 1.1, 10))
        let width = 480.0
        let rowH = 90.0
        let left = 46.0
        let plotW = width - left - 12
        let height = rowH * Double(shown.count) + 10
        h += "<svg viewBox=\"0 0 \(num(width)) \(num(height))\" role=\"img\" aria-label=\"Share of units shipped to \(e(dests)) per exporter, against the cap\">\n"
        for (k, s) in shown.enumerated() {
            let y0 = Double(k) * rowH + 18
            let plotH = rowH - 34
            func y(_ v: Double) -> Double { y0 + plotH - min(v.isFinite ? v : top, top) / top * plotH }
            let pts = bucket(s.points.map(\.share), into: 150)
            h += "<text x=\"0\" y=\"\(num(y0 - 5))\">\(e(s.name)) — peak \(s.peak.isFinite ? num(s.peak) + " %" : "no US figure") (\(s.points.count) shipment\(s.points.count == 1 ? "" : "s"))</text>\n"
            h += "<line x1=\"\(num(left))\" y1=\"\(num(y0 + plotH))\" x2=\"\(num(left + plotW))\" y2=\"\(num(y0 + plotH))\" stroke=\"#c3cad6\"/>\n"
            h += "<line x1=\"\(num(left))\" y1=\"\(num(y(cap)))\" x2=\"\(num(left + plotW))\" y2=\"\(num(y(cap)))\" stroke=\"#c8322a\" stroke-dasharray=\"4 3\"/>"
            h += "<text x=\"0\" y=\"\(num(y(cap) + 4))\">\(num(cap)) %</text>\n"
            let n = max(1, pts.count - 1)
            var path = ""
            for (i, v) in pts.enumerated() {
                let x = left + (pts.count == 1 ? plotW / 2 : Double(i) / Double(n) * plotW)
                path += (i == 0 ? "M" : "L") + num(x) + " " + num(y(v))
            }
            h += "<path d=\"\(path)\" fill=\"none\" stroke=\"#3b6fd8\" stroke-width=\"1.6\"/>\n"
            for (i, v) in pts.enumerated() where v > cap {
                let x = left + (pts.count == 1 ? plotW / 2 : Double(i) / Double(n) * plotW)
                h += "<circle cx=\"\(num(x))\" cy=\"\(num(y(v)))\" r=\"2.5\" fill=\"#c8322a\"/>"
            }
            if let first = s.points.first?.time, let last = s.points.last?.time {
                h += "<text x=\"\(num(left))\" y=\"\(num(y0 + plotH + 12))\">\(e(String(first.prefix(10))))</text>"
                h += "<text x=\"\(num(left + plotW))\" y=\"\(num(y0 + plotH + 12))\" text-anchor=\"end\">\(e(String(last.prefix(10))))</text>\n"
            }
        }
        h += "</svg>\n"
        if ranked.count > shown.count { h += "<p class=\"small\">\(ranked.count - shown.count) more exporters, all with a lower peak.</p>\n" }
        return h + "</figure>\n"
    }

    /// At most `n` values: each bucket's maximum (a breach is never averaged away).
    static func bucket(_ v: [Double], into n: Int) -> [Double] {
        guard v.count > n else { return v }
        var out: [Double] = []
        for b in 0..<n {
            let lo = b * v.count / n
            let hi = max(lo + 1, (b + 1) * v.count / n)
            out.append(v[lo..<hi].max() ?? 0)
        }
        return out
    }

    // MARK: Licenses

    static func licenseChart(rows: [Writer.Row], context: ReportContext) -> String {
        var h = "<figure class=\"chart\" id=\"chart-licenses\"><figcaption>Units used per license against its maximum</figcaption>\n"
        var used: [[UInt8]: Int] = [:]
        for r in rows where r.supplySeq != nil {
            guard let l = r.license else { continue }
            used[Array(l.utf8), default: 0] = used[Array(l.utf8), default: 0] &+ r.quantity
        }
        if used.isEmpty { return h + "<p class=\"small\">No shipment names a license.</p></figure>\n" }
        let bars = used.map { (license: String(decoding: $0.key, as: UTF8.self), used: $0.value, max: context.maximum(ofLicense: $0.key)) }
            .map { b -> (license: String, used: Int, max: Int?, ratio: Double) in
                let ratio = b.max.map { $0 > 0 ? Double(b.used) / Double($0) : Double.infinity } ?? Double.infinity
                return (b.license, b.used, b.max, ratio)
            }
            .sorted { $0.ratio != $1.ratio ? $0.ratio > $1.ratio : scalarLess($0.license, $1.license) }
        let shown = bars.prefix(12)
        let width = 480.0
        let rowH = 30.0
        let left = 8.0
        let plotW = width - 16
        h += "<svg viewBox=\"0 0 \(num(width)) \(num(rowH * Double(shown.count) + 6))\" role=\"img\" aria-label=\"Units used per license against its maximum\">\n"
        for (k, b) in shown.enumerated() {
            let y = Double(k) * rowH
            let scale = Double(max(b.used, b.max ?? 0, 1))
            let over = b.max.map { b.used > $0 } ?? true
            h += "<text x=\"\(num(left))\" y=\"\(num(y + 11))\">\(e(b.license)): \(b.used) of \(b.max.map(String.init) ?? "no license statement")\(over ? " — over" : "")</text>\n"
            h += "<rect x=\"\(num(left))\" y=\"\(num(y + 15))\" width=\"\(num(plotW))\" height=\"9\" fill=\"#eef1f6\"/>"
            h += "<rect x=\"\(num(left))\" y=\"\(num(y + 15))\" width=\"\(num(Double(b.used) / scale * plotW))\" height=\"9\" fill=\"\(over ? "#c8322a" : "#3b6fd8")\"/>"
            if let m = b.max {
                let x = left + Double(m) / scale * plotW
                h += "<line x1=\"\(num(x))\" y1=\"\(num(y + 12))\" x2=\"\(num(x))\" y2=\"\(num(y + 27))\" stroke=\"#1d2330\" stroke-width=\"2\"/>"
            }
            h += "\n"
        }
        h += "</svg>\n"
        if bars.count > shown.count { h += "<p class=\"small\">\(bars.count - shown.count) more licenses, each further from its maximum.</p>\n" }
        return h + "</figure>\n"
    }

    // MARK: Statuses

    /// Shipments per period (day, month or year of their first statement, the finest with at most 40 periods),
    /// stacked by status.
    static func statusChart(rows: [Writer.Row]) -> String {
        var h = "<figure class=\"chart\" id=\"chart-statuses\"><figcaption>Shipments by status over time (first statement)</figcaption>\n"
        let dated = rows.compactMap { r in r.firstTime.map { ($0, r.status) } }
        if dated.isEmpty { return h + "<p class=\"small\">No dated shipment.</p></figure>\n" }
        var prefix = 10
        var buckets: [String: [String: Int]] = [:]
        for p in [10, 7, 4] {
            prefix = p
            buckets = [:]
            for (t, st) in dated { buckets[String(t.prefix(p)), default: [:]][st, default: 0] += 1 }
            if buckets.count <= 40 { break }
        }
        let keys = buckets.keys.sorted(by: scalarLess)
        var present: [String] = []
        for (_, st) in dated where !present.contains(st) { present.append(st) }
        let statuses = statusOrder(present).filter { present.contains($0) }
        let maxTotal = keys.map { buckets[$0]!.values.reduce(0, +) }.max() ?? 1
        let width = 480.0
        let left = 36.0
        let top = 8.0
        let plotH = 150.0
        let plotW = width - left - 8
        let slot = plotW / Double(keys.count)
        h += "<svg viewBox=\"0 0 \(num(width)) \(num(top + plotH + 20))\" role=\"img\" aria-label=\"Shipments by status per period\">\n"
        h += "<text x=\"0\" y=\"\(num(top + 8))\">\(maxTotal)</text><text x=\"0\" y=\"\(num(top + plotH))\">0</text>\n"
        for (i, k) in keys.enumerated() {
            var y = top + plotH
            let x = left + Double(i) * slot + slot * 0.1
            let tip = statuses.compactMap { st in (buckets[k]![st] ?? 0) > 0 ? "\(buckets[k]![st]!) \(st)" : nil }
            h += "<g class=\"period\"><title>\(e(k)): \(e(tip.joined(separator: ", ")))</title>"
            for st in statuses {
                let n = buckets[k]![st] ?? 0
                guard n > 0 else { continue }
                let hgt = Double(n) / Double(maxTotal) * plotH
                y -= hgt
                h += "<rect x=\"\(num(x))\" y=\"\(num(y))\" width=\"\(num(slot * 0.8))\" height=\"\(num(hgt))\" fill=\"\(statusColors[st] ?? "#5b6475")\" data-status=\"\(e(st))\" data-count=\"\(n)\"/>"
            }
            h += "</g>\n"
            if i == 0 || i == keys.count - 1 || keys.count <= 8 {
                h += "<text x=\"\(num(x + slot * 0.4))\" y=\"\(num(top + plotH + 13))\" text-anchor=\"middle\">\(e(k))</text>\n"
            }
        }
        h += "</svg>\n<ul class=\"legend\">"
        for st in statuses {
            h += "<li><span class=\"swatch\" style=\"background:\(statusColors[st] ?? "#5b6475")\"></span>\(e(st))</li>"
        }
        h += "</ul>\n<p class=\"small\">Per \(prefix == 10 ? "day" : prefix == 7 ? "month" : "year").</p>\n"
        return h + "</figure>\n"
    }
}
