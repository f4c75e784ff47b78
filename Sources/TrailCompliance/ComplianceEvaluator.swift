import TrailCrypto
import TrailLedger

/// Per-shipment evaluation of verified statements against a policy (DESIGN.md §5).
///
/// Feed every statement in ledger order with `consume`, then call `evaluate`. Per statement the evaluator keeps a
/// few dozen bytes plus what the rules need (8 bytes per manifest serial), never the statement itself.
public final class ComplianceEvaluator {
    public let policy: Policy
    var shipments: [String: ShipmentState] = [:]
    /// Export license statements (and their retractions) by license number.
    var licenses: [String: [Entry]] = [:]
    var times: [String] = []
    var signerSets: [SignerSet] = []
    private var signerSetIndex: [String: Int32] = [:]
    /// Integrity finding codes of the statements that failed integrity (rare), by seq.
    var brokenCodes: [Int: [String]] = [:]
    /// Names that repeat across shipments (exporters, licenses, consignees, products, countries), stored once.
    private var names: Set<String> = []

    public init(policy: Policy = .h200) { self.policy = policy }

    /// Takes the next statement record in ledger order. Statements whose structure could not be decoded name no
    /// subject and are left to the integrity report.
    public func consume(_ s: VerifiedStatement) {
        guard let checked = s.checked else { return }
        let name = checked.subjectName
        let isLicense = name.hasPrefix("license:")
        guard isLicense || name.hasPrefix("shipment:") else { return }
        guard let fact = fact(checked) else { return }
        if !s.intact { brokenCodes[s.seq] = s.findingCodes }
        var entry = Entry(
            seq: s.seq, time: internTime(s.time.text), signers: internSigners(s.signers), digest: -1,
            line: Key128(hex: s.lineHash), claim: Self.claim(checked), intact: s.intact, retractedBy: nil, fact: fact)
        if isLicense {
            let number = String(name.dropFirst("license:".count))
            var list = licenses[number] ?? []
            Self.applyRetraction(entry, to: &list)
            list.append(entry)
            licenses[number] = list
        } else {
            let id = String(name.dropFirst("shipment:".count))
            var st = shipments.removeValue(forKey: id) ?? ShipmentState()
            entry.digest = st.internDigest(checked.subjectDigest ?? "")
            Self.applyRetraction(entry, to: &st.entries)
            st.entries.append(entry)
            shipments[id] = st
        }
    }

    /// An intact retraction removes its target (named by line hash) from evaluation.
    private static func applyRetraction(_ e: Entry, to list: inout [Entry]) {
        guard e.intact, case .retraction(let target, _) = e.fact else { return }
        if let i = list.lastIndex(where: { $0.line == target }), list[i].retractedBy == nil {
            list[i].retractedBy = e.seq
        }
    }

    private func internTime(_ t: String) -> Int32 {
        if times.last != t { times.append(t) }
        return Int32(times.count - 1)
    }

    private func internSigners(_ signers: [SignerInfo]) -> Int32 {
        var key = ""
        for s in signers {
            key += (s.organization ?? "\u{1}") + "\u{0}" + (s.commonName ?? "\u{1}") + "\u{0}"
            key += s.roles.map(\.rawValue).joined(separator: ",") + "\u{2}"
        }
        if let i = signerSetIndex[key] { return i }
        var roles: [String] = []
        for r in signers.flatMap(\.roles).map(\.rawValue) where !roles.contains(r) { roles.append(r) }
        let set = SignerSet(
            parties: signers.map { $0.organization ?? $0.commonName ?? String($0.fingerprint.prefix(16)) },
            organizations: signers.map(\.organization), roles: roles)
        signerSets.append(set)
        let i = Int32(signerSets.count - 1)
        signerSetIndex[key] = i
        return i
    }

    /// The claim's identity: the same predicate about the same subject, however often it is signed.
    private static func claim(_ c: CheckedStatement) -> Key128 {
        var bytes = Array(c.statement.predicateType.utf8) + [0]
        bytes += Array(c.subjectName.utf8) + [0]
        bytes += Array((c.subjectDigest ?? "").utf8) + [0]
        bytes += c.statement.predicateJSON
        return Key128(Digest.sha256(bytes))
    }

    private func intern(_ s: String) -> String {
        if let i = names.firstIndex(of: s) { return names[i] }
        names.insert(s)
        return s
    }

    private func fact(_ c: CheckedStatement) -> Fact? {
        switch c.predicate {
        case .exportLicense(let p):
            return .license(
                LicenseFact(
                    number: intern(p.license), exporter: intern(p.exporter), consignee: intern(p.consignee),
                    destination: intern(p.destination), product: intern(p.product), maxQuantity: p.maxQuantity, validFrom: p.validFrom, validUntil: p.validUntil))
        case .supplySufficiency(let p, let m, _):
            return .supply(
                SupplyFact(
                    exporter: intern(m.exporter), license: intern(m.license), consignee: intern(m.consignee),
                    product: intern(m.product), destination: intern(m.destination), quantity: m.quantity,
                    serialKeys: Self.serialKeys(m.serials), declared: m.declared, claimedLicense: intern(p.license),
                    claimedQuantity: p.quantity, claimedDestination: intern(p.destination),
                    usUnitsShipped: p.usUnitsShipped))
        case .labTest(let p):
            return .lab(
                LabFact(
                    pass: p.result == "pass", tpp: p.measured.tpp, bandwidth: p.measured.dramBandwidthGBps,
                    memoryGB: p.measured.memoryGB, unitKeys: Self.serialKeys(p.unitsTested), samplingAll: p.sampling == "all"))
        case .customsDecision(let p):
            guard let d = Decision(rawValue: p.decision) else { return nil }
            return .customs(d)
        case .retraction(let p):
            return .retraction(target: Key128(hex: p.retracts), reason: p.reason)
        case .unknown:
            return .unknown(predicateType: c.statement.predicateType)
        }
    }
}
