import Foundation
import TrailCompliance
import TrailCrypto
import TrailLedger

/// Text and JSON renderings of `ledger verify`.
extension LedgerCheck {
    static func run(path: String, options: VerifyOptions, policy: Policy, progress: (Int64) -> Progress) throws
        -> LedgerCheck
    {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
        let p = progress(size ?? 0)
        defer { p.done() }
        return try run(path: path, options: options, policy: policy, onProgress: { p.update($0) })
    }

    static func findingJSON(_ f: Finding) -> [String: Any] {
        var o: [String: Any] = ["seq": f.seq, "line": f.line, "code": f.code, "message": f.message]
        if let off = f.offset { o["offset"] = off }
        if let r = f.remedy { o["remedy"] = r }
        return o
    }

    static func shipmentJSON(_ s: ShipmentReport) -> [String: Any] {
        var o: [String: Any] = [
            "id": s.id, "status": s.status.rawValue,
            "steps": s.steps.map { ["name": $0.name, "done": $0.done, "seqs": $0.seqs] as [String: Any] },
            "missing": s.missing,
            "violations": s.violations.map { ["code": $0.code, "message": $0.message, "seqs": $0.seqs] as [String: Any] },
        ]
        if let d = s.decision { o["decision"] = d }
        if let m = s.manifestDigest { o["manifest"] = m }
        return o
    }

    static func json(_ r: LedgerCheck, shipments: [ShipmentReport]) -> [String: Any] {
        var o: [String: Any] = [
            "integrity": r.report.integrityOK ? "ok" : "failed", "records": r.report.records,
            "treeSize": r.report.records, "root": r.report.root,
            "errors": r.report.errors.map(findingJSON), "warnings": r.report.warnings.map(findingJSON),
            "shipments": shipments.map(shipmentJSON),
        ]
        if let origin = r.report.origin { o["origin"] = origin }
        if let cp = r.report.latestCheckpoint {
            o["checkpoint"] = ["seq": cp.seq, "size": cp.size, "root": cp.root, "witnesses": cp.witnessNames] as [String: Any]
        }
        return o
    }

    static func text(_ r: LedgerCheck, shipments: [ShipmentReport], path: String) -> String {
        var out = ""
        let rep = r.report
        out += "ledger     \(path)\n"
        if let o = rep.origin { out += "origin     \(o)\n" }
        out += "records    \(rep.records)   root \(rep.root)\n"
        if let cp = rep.latestCheckpoint {
            out += "checkpoint seq \(cp.seq), size \(cp.size)"
            out += cp.witnessNames.isEmpty ? ", no witnesses\n" : ", witnesses: \(cp.witnessNames.joined(separator: ", "))\n"
        }
        out += "integrity  \(rep.integrityOK ? "ok" : "FAILED (\(rep.errors.count) error\(rep.errors.count == 1 ? "" : "s"))")\n"
        for f in rep.findings {
            out += "\(path):\(f.line): seq \(f.seq): \(f.severity.rawValue)[\(f.code)]: \(f.message)\n"
            if let h = f.remedy { out += "  hint: \(h)\n" }
        }
        if !shipments.isEmpty {
            out += "\nshipments\n"
            let w = max(8, shipments.map(\.id.count).max() ?? 8)
            for s in shipments {
                var line = s.id.padding(toLength: w, withPad: " ", startingAt: 0) + "  "
                line += s.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                switch s.status {
                case .pending: line += "missing: " + s.missing.joined(separator: ", ")
                case .held, .returned: line += "customs: \(s.decision ?? s.status.rawValue)"
                case .compliant: line += s.steps.map(\.name).joined(separator: " → ")
                case .violation: line += s.violations.map(\.code).joined(separator: ", ")
                }
                out += line + "\n"
                for v in s.violations {
                    out += "    [\(v.code)] \(v.message) (seq \(v.seqs.map(String.init).joined(separator: ", ")))\n"
                }
            }
            var counts: [ShipmentStatus: Int] = [:]
            for s in shipments { counts[s.status, default: 0] += 1 }
            out += "\n" + ShipmentStatus.allCases.compactMap { st in counts[st].map { "\($0) \(st.rawValue)" } }.joined(separator: ", ") + "\n"
        }
        return out
    }
}
