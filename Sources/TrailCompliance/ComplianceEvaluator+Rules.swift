import TrailCrypto
import TrailLedger

// The rules of SPEC.md §13 (one family per file under Rules/), applied once every statement has been consumed (a
// retraction may come late). This file builds each shipment's context, runs the rules and derives the status.

extension ComplianceEvaluator {
    /// A shipment under evaluation.
    struct Analysis {
        var report: ShipmentReport
        /// The first effective supply-sufficiency statement: the shipment's manifest.
        var supplySeq: Int?
        var supply: SupplyFact?
        /// Effective supply-sufficiency statements about the manifest whose signer is the manifest's exporter:
        /// their US-end-use figures count for the destination cap.
        var usFigures: [(seq: Int, exporter: String, units: Int)] = []
        /// Seqs of statements that only repeat an earlier identical claim.
        var repeats: [Int: Int] = [:]
        var otherManifest: Set<Int> = []
        /// Seqs of statements that were retracted after the release they count for.
        var frozen: Set<Int> = []
    }

    /// One report per shipment, sorted by shipment id.
    public func evaluate() throws -> [ShipmentReport] {
        var out: [ShipmentReport] = []
        try evaluate { out.append($0) }
        return out
    }

    /// One report per shipment, sorted by shipment id, each built (with its timeline) only when handed over.
    ///
    /// Two passes over the shipments, each reading one shipment at a time from the store: the first collects what
    /// the ledger-wide quantity rules need (a few words per shipment), the second evaluates each shipment again,
    /// adds the quantity violations and hands the report over. Memory stays flat in the number of statements.
    public func evaluate(each body: (ShipmentReport) throws -> Void) throws {
        if let storeError { throw storeError }
        if let prior { return try evaluateResumed(prior, each: body) }
        let shipments = heads.sorted { $0.key < $1.key }.map { ($0.key.text, $0.value) }
        var quantities = QuantityInputs()
        let capped = Set(policy.capDestinations.map(ExactName.init))
        // Shipments are read and analysed in parallel, a chunk at a time (the store and the evaluator are only
        // read during evaluation); what each pass keeps is collected in order.
        let chunk = 512
        for start in stride(from: 0, to: shipments.count, by: chunk) {
            let range = start..<min(shipments.count, start + chunk)
            let collect = onAnalysis != nil
            let analyses = try concurrentMap(range.count) { k in
                let (id, last) = shipments[range.lowerBound + k]
                let st = try shipment(endingAt: last)
                return (analyze(id: id, st), collect ? refs(st) : [])
            }
            for (k, (a, refs)) in analyses.enumerated() {
                quantities.add(a, index: range.lowerBound + k, capped: capped)
                onAnalysis?(shipments[range.lowerBound + k].0, refs, a)
            }
        }
        let extra = applyQuantityRules(&quantities)
        quantities = QuantityInputs()
        for start in stride(from: 0, to: shipments.count, by: chunk) {
            let range = start..<min(shipments.count, start + chunk)
            let reports = try concurrentMap(range.count) { k in
                let i = range.lowerBound + k
                let (id, last) = shipments[i]
                let st = try shipment(endingAt: last)
                var a = analyze(id: id, st)
                if let v = extra[i] { a.report.violations += v }
                return finish(a, st)
            }
            for r in reports { try body(r) }
        }
    }

    // MARK: - Effective statements

    /// Statements that count: intact, of an evaluated kind, the first of each identical claim, and not retracted —
    /// or retracted only after a release they were in force for (`RetractionRule`: released units stay counted).
    private func effective(
        _ entries: [Entry], releases: [(seq: Int, digest: Int32)], repeats: inout [Int: Int], frozen: inout Set<Int>
    ) -> [Entry] {
        var firstOfClaim: [Key128: Int] = [:]
        var out: [Entry] = []
        for e in entries where e.intact && e.fact.isEvaluated {
            if e.retractedBy != nil {
                guard RetractionRule.releaseBeforeRetraction(e, releases: releases) != nil else { continue }
                frozen.insert(e.seq)
            }
            if let first = firstOfClaim[e.claim] {
                repeats[e.seq] = first
                continue
            }
            firstOfClaim[e.claim] = e.seq
            out.append(e)
        }
        return out
    }

    /// The license statements that count for `number`, in ledger order (for a shipment: given its releases).
    func effectiveLicenses(
        _ number: String, releases: [(seq: Int, digest: Int32)] = []
    ) -> [(seq: Int, fact: LicenseFact, problems: [DocumentProblem])] {
        var ignored: [Int: Int] = [:]
        var frozen: Set<Int> = []
        return effective(licenses[ExactName(number)] ?? [], releases: releases, repeats: &ignored, frozen: &frozen)
            .compactMap { e in
                if case .license(let f) = e.fact { return (e.seq, f, e.problems) }
                return nil
            }
    }

    // MARK: - Per shipment

    /// Builds the shipment's context, runs every `ComplianceRule` and derives its steps.
    func analyze(id: String, _ st: ShipmentState) -> Analysis {
        var a = Analysis(report: ShipmentReport(id: id))
        var c = ShipmentContext(id: id, policy: policy, state: st, signerSets: signerSets)
        // Releases in force: intact, unretracted `released` decisions (a retracted release is customs' correction).
        for e in st.entries where e.intact && e.retractedBy == nil {
            if case .customs(.released) = e.fact { c.releases.append((e.seq, e.digest)) }
        }
        c.effective = effective(st.entries, releases: c.releases, repeats: &c.repeats, frozen: &a.frozen)
        a.repeats = c.repeats
        let firstSupply = c.effective.first { if case .supply = $0.fact { true } else { false } }
        c.referenceDigest = (firstSupply ?? c.effective.first)?.digest
        if let f = firstSupply, case .supply(let fact) = f.fact {
            c.manifest = ShipmentContext.Supply(seq: f.seq, fact: fact, signers: f.signers)
        }
        if let d = c.referenceDigest, d >= 0 { a.report.manifestDigest = st.digests[Int(d)] }
        for e in c.effective {
            guard e.digest == c.referenceDigest else {
                c.otherManifest.append(e)
                a.otherManifest.insert(e.seq)
                continue
            }
            c.same.append(e)
            switch e.fact {
            case .supply(let f): c.supplies.append(.init(seq: e.seq, fact: f, signers: e.signers))
            case .lab(let f):
                let independent = LabRule.isIndependent(signerSets[Int(e.signers)], exporter: c.manifest?.fact.exporter)
                c.labs.append(.init(seq: e.seq, fact: f, signers: e.signers, independent: independent))
            case .customs(let d): c.customs.append((e.seq, d))
            default: break
            }
        }
        if let m = c.manifest {
            c.licenses = effectiveLicenses(m.fact.license, releases: c.releases)
            c.licenseEntries = licenses[ExactName(m.fact.license)] ?? []
        }
        var violations: [Violation] = []
        for rule in shipmentRules { rule.evaluate(c, into: &violations) }
        predicateRules.evaluate(c, into: &violations)

        // US-end-use figures for the destination cap: the exporter's own statements, with a figure in range.
        for s in c.supplies where c.signers(s.signers).organizations.allSatisfy({ $0.map { same($0, s.fact.exporter) } ?? false }) {
            if let units = QuantityInputs.validUSUnits(s.fact.usUnitsShipped) {
                a.usFigures.append((s.seq, s.fact.exporter, units))
            }
        }
        a.supplySeq = c.manifest?.seq
        a.supply = c.manifest?.fact

        // Steps.
        let latest = c.customs.last
        a.report.decision = latest?.decision.rawValue
        let passed = c.labs.filter { $0.fact.pass && $0.independent }
        a.report.steps = [
            Step(name: "license", done: !c.licenses.isEmpty, seqs: c.licenses.map(\.seq)),
            Step(name: "supply-sufficiency", done: c.manifest != nil, seqs: c.supplies.map(\.seq)),
            Step(name: "lab-test", done: !passed.isEmpty, seqs: c.labs.map(\.seq)),
            Step(name: "customs-decision", done: latest?.decision == .released, seqs: c.customs.map(\.seq)),
        ] + predicateRules.steps(c)
        a.report.missing = a.report.steps.filter { !$0.done && ($0.name != "license" || policy.requireLicense) }.map(\.name)
        a.report.violations = violations
        if let m = c.manifest?.fact {
            a.report.exporter = m.exporter
            a.report.license = m.license
            a.report.quantity = m.quantity
            a.report.destination = m.destination
        }
        let broken = st.entries.filter { !$0.intact }
        a.report.unverifiableSeqs = broken.map(\.seq)
        a.report.unverifiableCodes = Array(Set(broken.flatMap { brokenCodes[$0.seq] ?? [] })).sorted()
        return a
    }

    // MARK: - Status and timeline

    /// Violations that a missing statement can cause (OrderRule's codes).
    static let orderCodes: Set<String> = [
        ViolationCode.customsBeforeLabTest, ViolationCode.customsBeforeSupplySufficiency, ViolationCode.customsBeforeLicense,
    ]

    func finish(_ a: Analysis, _ st: ShipmentState) -> ShipmentReport {
        var r = a.report
        Self.settleStatus(&r)
        r.timeline = timeline(a, st)
        return r
    }

    /// The status of a shipment from its steps, violations and broken statements (SPEC.md §13.5).
    static func settleStatus(_ r: inout ShipmentReport) {
        // Root cause first: an order violation (a customs decision before a statement) is what a statement that
        // failed integrity looks like from the intact rest, so with broken statements it does not make a violation.
        let onlyConsequences =
            !r.unverifiableSeqs.isEmpty && r.violations.allSatisfy { Self.orderCodes.contains($0.code) }
        if !r.violations.isEmpty && !onlyConsequences {
            r.status = .violation
        } else if !r.unverifiableSeqs.isEmpty {
            r.status = .unverifiable
        } else if r.decision == Decision.returned.rawValue {
            r.status = .returned
        } else if r.decision == Decision.held.rawValue {
            r.status = .held
        } else if !r.missing.isEmpty {
            r.status = .pending
        } else {
            r.status = .compliant
        }
    }

    private func timeline(_ a: Analysis, _ st: ShipmentState) -> [TimelineEntry] {
        var entries = st.entries
        if let lic = a.supply?.license { entries += licenses[ExactName(lic)] ?? [] }
        entries.sort { $0.seq < $1.seq }
        let seqOfLine = Dictionary(entries.map { ($0.line, $0.seq) }, uniquingKeysWith: { a, _ in a })
        return entries.map { e in
            let signers = signerSets[Int(e.signers)]
            var summary = summarize(e.fact, targetSeq: { seqOfLine[$0] })
            if let first = a.repeats[e.seq] { summary += " (repeats seq \(first): counted once)" }
            if a.otherManifest.contains(e.seq), e.digest >= 0 {
                summary += " (other manifest \(st.digests[Int(e.digest)].prefix(16))…)"
            }
            if let by = e.retractedBy {
                summary += a.frozen.contains(e.seq) ? " (retracted at seq \(by), after the release: still counts)" : " (retracted at seq \(by))"
            }
            if !e.intact {
                summary += " (integrity: \((brokenCodes[e.seq] ?? []).joined(separator: ", ")); not evaluated)"
            }
            return TimelineEntry(
                seq: e.seq, time: e.time, kind: e.fact.kind, parties: signers.parties, roles: signers.roles,
                summary: summary, retracted: e.retractedBy != nil, intact: e.intact)
        }
    }

    private func summarize(_ f: Fact, targetSeq: (Key128) -> Int?) -> String {
        switch f {
        case .license(let l):
            return "\(l.number): up to \(l.maxQuantity) × \(l.product) for \(l.exporter) to \(l.consignee), \(l.destination)"
        case .supply(let s):
            return "\(s.quantity) × \(s.product) to \(s.consignee), \(s.destination) under \(s.license); US units shipped \(s.usUnitsShipped)"
        case .lab(let l):
            let tpp = l.tpp.map(number) ?? "?"
            let bw = l.bandwidth.map(number) ?? "?"
            return "\(l.pass ? "pass" : "fail"): TPP \(tpp), \(bw) GB/s, \(l.unitKeys.count) unit(s) tested"
        case .customs(let d): return d.rawValue
        case .retraction(let target, let reason):
            return "retracts " + (targetSeq(target).map { "seq \($0)" } ?? "an earlier statement") + ": \(reason)"
        case .unknown: return "not evaluated (unknown predicate type)"
        case .extended(let t): return "evaluated by the \(predicateRules.rule(for: t)?.step ?? t) rule"
        }
    }
}

/// A figure as people write it: integers without a fraction.
func number(_ d: Double) -> String {
    if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
    return String(d)
}
