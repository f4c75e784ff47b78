import TrailCrypto
import TrailLedger

// The rules of DESIGN.md §5, applied once every statement has been consumed (a retraction may come late).

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
        let shipments = heads.sorted { $0.key < $1.key }
        var quantities = QuantityInputs()
        let capped = Set(policy.capDestinations)
        // Shipments are read and analysed in parallel, a chunk at a time (the store and the evaluator are only
        // read during evaluation); what each pass keeps is collected in order.
        let chunk = 512
        for start in stride(from: 0, to: shipments.count, by: chunk) {
            let range = start..<min(shipments.count, start + chunk)
            let analyses = try concurrentMap(range.count) { k in
                let (id, last) = shipments[range.lowerBound + k]
                return analyze(id: id, try shipment(endingAt: last))
            }
            for (k, a) in analyses.enumerated() { quantities.add(a, index: range.lowerBound + k, capped: capped) }
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

    /// Statements that count: intact, not retracted, evaluated kinds, and the first of each identical claim.
    private func effective(_ entries: [Entry], repeats: inout [Int: Int]) -> [Entry] {
        var firstOfClaim: [Key128: Int] = [:]
        var out: [Entry] = []
        for e in entries where e.intact && e.retractedBy == nil && e.fact.isEvaluated {
            if let first = firstOfClaim[e.claim] {
                repeats[e.seq] = first
                continue
            }
            firstOfClaim[e.claim] = e.seq
            out.append(e)
        }
        return out
    }

    /// The license statements that count for `number`, in ledger order.
    private func effectiveLicenses(_ number: String) -> [(seq: Int, fact: LicenseFact)] {
        var ignored: [Int: Int] = [:]
        return effective(licenses[number] ?? [], repeats: &ignored).compactMap { e in
            if case .license(let f) = e.fact { return (e.seq, f) }
            return nil
        }
    }

    // MARK: - Per shipment

    private func analyze(id: String, _ st: ShipmentState) -> Analysis {
        var a = Analysis(report: ShipmentReport(id: id))
        var violations: [Violation] = []
        func violate(_ code: String, _ message: String, _ seqs: [Int]) {
            violations.append(Violation(code: code, message: message, seqs: seqs))
        }
        let eff = effective(st.entries, repeats: &a.repeats)
        var supplies: [(seq: Int, fact: SupplyFact, signers: Int32)] = []
        for e in eff { if case .supply(let f) = e.fact { supplies.append((e.seq, f, e.signers)) } }
        let refDigest = eff.first(where: { if case .supply = $0.fact { true } else { false } })?.digest ?? eff.first?.digest
        let manifest = supplies.first
        a.supplySeq = manifest?.seq
        a.supply = manifest?.fact
        if let refDigest, refDigest >= 0 { a.report.manifestDigest = st.digests[Int(refDigest)] }

        // All statements name the same manifest digest.
        var same: [Entry] = []
        for e in eff {
            if e.digest == refDigest {
                same.append(e)
                continue
            }
            a.otherManifest.insert(e.seq)
            let ref = manifest.map { "seq \($0.seq)'s manifest" } ?? "the shipment's first statement"
            violate(
                ViolationCode.manifestMismatch,
                "the \(e.fact.kind) at seq \(e.seq) names manifest \(st.digests[Int(e.digest)].prefix(16))…, not \(ref) \((a.report.manifestDigest ?? "").prefix(16))…",
                [manifest?.seq ?? eff.first!.seq, e.seq])
        }

        // The exporter: identity and the consistency of its attestation with the manifest.
        for s in supplies where !a.otherManifest.contains(s.seq) {
            let orgs = signerSets[Int(s.signers)].organizations
            if orgs.allSatisfy({ $0 == s.fact.exporter }) {
                a.usFigures.append((s.seq, s.fact.exporter, s.fact.usUnitsShipped))
            } else {
                let names = orgs.map { $0 ?? "(no O=)" }.joined(separator: ", ")
                violate(
                    ViolationCode.exporterMismatch,
                    "the supply-sufficiency statement is signed by \(names), not the manifest's exporter \(s.fact.exporter)",
                    [s.seq])
            }
            var diffs: [String] = []
            if s.fact.claimedLicense != s.fact.license { diffs.append("license \(s.fact.claimedLicense) ≠ \(s.fact.license)") }
            if s.fact.claimedQuantity != s.fact.quantity { diffs.append("quantity \(s.fact.claimedQuantity) ≠ \(s.fact.quantity)") }
            if s.fact.claimedDestination != s.fact.destination {
                diffs.append("destination \(s.fact.claimedDestination) ≠ \(s.fact.destination)")
            }
            if !diffs.isEmpty {
                violate(
                    ViolationCode.supplyManifestMismatch,
                    "the supply-sufficiency statement differs from its manifest: " + diffs.joined(separator: ", "), [s.seq])
            }
        }

        // The license.
        let lics = manifest.map { effectiveLicenses($0.fact.license) } ?? []
        if let m = manifest, let lic = lics.last {
            a.report.license = m.fact.license
            var diffs: [String] = []
            if lic.fact.exporter != m.fact.exporter { diffs.append("exporter \(lic.fact.exporter) ≠ \(m.fact.exporter)") }
            if lic.fact.consignee != m.fact.consignee { diffs.append("consignee \(lic.fact.consignee) ≠ \(m.fact.consignee)") }
            if lic.fact.destination != m.fact.destination {
                diffs.append("destination \(lic.fact.destination) ≠ \(m.fact.destination)")
            }
            if lic.fact.product != m.fact.product { diffs.append("product \(lic.fact.product) ≠ \(m.fact.product)") }
            if !diffs.isEmpty {
                violate(
                    ViolationCode.licenseMismatch,
                    "license \(lic.fact.number) does not cover the manifest: " + diffs.joined(separator: ", "),
                    [lic.seq, m.seq])
            }
            if let at = LedgerTime(st.entries.first(where: { $0.seq == m.seq })!.time) {
                let from = LedgerTime(lic.fact.validFrom)
                let until = LedgerTime(lic.fact.validUntil)
                if from.map({ at < $0 }) ?? true || until.map({ at > $0 }) ?? true {
                    violate(
                        ViolationCode.licenseNotValid,
                        "the shipment was attested at \(at.text), outside license \(lic.fact.number)'s validity \(lic.fact.validFrom) … \(lic.fact.validUntil)",
                        [lic.seq, m.seq])
                }
            }
        }

        // Lab tests.
        var labs: [(seq: Int, fact: LabFact)] = []
        var customs: [(seq: Int, decision: Decision)] = []
        for e in same {
            switch e.fact {
            case .lab(let f): labs.append((e.seq, f))
            case .customs(let d): customs.append((e.seq, d))
            default: break
            }
        }
        for (seq, lab) in labs {
            checkLab(seq, lab, manifest: manifest?.fact, violate)
        }

        // Order: customs decides on a shipment that was licensed, attested and tested before it left.
        if let first = customs.first?.seq {
            if !supplies.contains(where: { $0.seq < first && !a.otherManifest.contains($0.seq) }) {
                violate(
                    ViolationCode.customsBeforeSupplySufficiency,
                    "the customs decision at seq \(first) precedes the exporter's supply-sufficiency statement", [first])
            }
            if policy.requireLicense && !lics.contains(where: { $0.seq < first }) {
                let which = manifest.map { "license \($0.fact.license)" } ?? "an export license"
                violate(
                    ViolationCode.customsBeforeLicense,
                    "the customs decision at seq \(first) precedes \(which) in the ledger", [first] + lics.map(\.seq))
            }
            if !labs.contains(where: { $0.seq < first }) {
                violate(
                    ViolationCode.customsBeforeLabTest,
                    "the customs decision at seq \(first) precedes the lab test" + (labs.isEmpty ? " (none yet)" : " at seq \(labs[0].seq)"),
                    [first] + labs.map(\.seq))
            }
        }

        // Steps.
        let latest = customs.last
        a.report.decision = latest?.decision.rawValue
        let passed = labs.filter(\.fact.pass)
        a.report.steps = [
            Step(name: "license", done: !lics.isEmpty, seqs: lics.map(\.seq)),
            Step(
                name: "supply-sufficiency", done: manifest != nil,
                seqs: supplies.map(\.seq).filter { !a.otherManifest.contains($0) }),
            Step(name: "lab-test", done: !passed.isEmpty, seqs: labs.map(\.seq)),
            Step(name: "customs-decision", done: latest?.decision == .released, seqs: customs.map(\.seq)),
        ]
        a.report.missing = a.report.steps.filter { !$0.done && ($0.name != "license" || policy.requireLicense) }.map(\.name)
        a.report.violations = violations
        if let m = manifest?.fact {
            a.report.exporter = m.exporter
            a.report.license = m.license
            a.report.quantity = m.quantity
            a.report.destination = m.destination
        }
        return a
    }

    private func checkLab(
        _ seq: Int, _ lab: LabFact, manifest: SupplyFact?, _ violate: (String, String, [Int]) -> Void
    ) {
        if !lab.pass {
            violate(ViolationCode.labTestFailed, "the lab test at seq \(seq) failed and was not retracted", [seq])
        }
        if let tpp = lab.tpp {
            if tpp >= policy.maxTPP {
                violate(
                    ViolationCode.labTPPExceeded,
                    "measured TPP \(number(tpp)) is not below the limit \(number(policy.maxTPP))", [seq])
            }
        } else {
            violate(ViolationCode.labMeasurementMissing, "the lab test at seq \(seq) reports no measured TPP", [seq])
        }
        if let bw = lab.bandwidth {
            if bw >= policy.maxDramBandwidthGBps {
                violate(
                    ViolationCode.labBandwidthExceeded,
                    "measured DRAM bandwidth \(number(bw)) GB/s is not below the limit \(number(policy.maxDramBandwidthGBps)) GB/s",
                    [seq])
            }
        } else {
            violate(
                ViolationCode.labMeasurementMissing, "the lab test at seq \(seq) reports no measured DRAM bandwidth", [seq])
        }
        guard let m = manifest else { return }
        if let d = m.declared {
            var diffs: [String] = []
            for (name, measured, declared) in [
                ("TPP", lab.tpp, d.tpp), ("DRAM bandwidth", lab.bandwidth, d.dramBandwidthGBps),
                ("memory", lab.memoryGB, d.memoryGB),
            ] {
                guard let measured, let declared else { continue }
                if abs(measured - declared) > policy.declaredTolerance * abs(declared) {
                    diffs.append("\(name) \(number(measured)) vs declared \(number(declared))")
                }
            }
            if !diffs.isEmpty {
                violate(
                    ViolationCode.labDeclaredMismatch,
                    "measured figures differ from the manifest's by more than \(number(policy.declaredTolerance * 100)) %: "
                        + diffs.joined(separator: ", "), [seq])
            }
        }
        let outside = lab.unitKeys.filter { !m.serialKeys.sortedContains($0) }.count
        if outside > 0 {
            violate(
                ViolationCode.labUnitsNotInManifest,
                "\(outside) of the \(lab.unitKeys.count) units tested at seq \(seq) are not in the manifest", [seq])
        }
        let covered = lab.unitKeys.count - outside
        let needed = lab.samplingAll ? max(m.serialKeys.count, policy.minUnitsTested) : policy.minUnitsTested
        if covered < needed {
            violate(
                ViolationCode.labTooFewUnits,
                "the lab test at seq \(seq) covers \(covered) unit(s) of the manifest; at least \(needed) required", [seq])
        }
    }

    // MARK: - Across shipments

    /// What the quantity rules need from each shipment: two 40-byte events per shipment, names as numbers.
    struct QuantityInputs {
        struct Event {
            var seq: Int
            /// A US-end-use figure (sorted before a shipment at the same seq) or a shipment.
            var isShipment: Bool
            var capped: Bool
            /// The shipment's index among the sorted ids.
            var index: Int32
            var license: Int32
            var exporter: Int32
            var quantity: Int
            /// The attested US units (a figure's, or the one the shipment's own statement gives).
            var usUnits: Int
        }
        var events: [Event] = []
        private(set) var names: [String] = []
        private var numbers: [String: Int32] = [:]

        private mutating func number(_ s: String) -> Int32 {
            if let n = numbers[s] { return n }
            names.append(s)
            numbers[s] = Int32(names.count - 1)
            return Int32(names.count - 1)
        }

        mutating func add(_ a: Analysis, index: Int, capped: Set<String>) {
            for f in a.usFigures {
                events.append(
                    Event(
                        seq: f.seq, isShipment: false, capped: false, index: Int32(index), license: -1,
                        exporter: number(f.exporter), quantity: 0, usUnits: f.units))
            }
            if let seq = a.supplySeq, let m = a.supply {
                events.append(
                    Event(
                        seq: seq, isShipment: true, capped: capped.contains(m.destination), index: Int32(index),
                        license: number(m.license), exporter: number(m.exporter), quantity: m.quantity,
                        usUnits: m.usUnitsShipped))
            }
        }
    }

    /// Per license, cumulative quantity ≤ maxQuantity; per exporter, quantity to the capped destinations ≤ the
    /// policy's share of the latest US-end-use figure it attested. Shipments count in the ledger order of their
    /// supply-sufficiency statement; each shipment that ends above a limit is in violation. Returns the
    /// violations by shipment index.
    func applyQuantityRules(_ inputs: inout QuantityInputs) -> [Int: [Violation]] {
        var out: [Int: [Violation]] = [:]
        inputs.events.sort { ($0.seq, $0.isShipment ? 1 : 0) < ($1.seq, $1.isShipment ? 1 : 0) }
        var maxByLicense: [Int32: (seq: Int, max: Int)] = [:]
        var looked: Set<Int32> = []
        var shippedByLicense: [Int32: Int] = [:]
        var usUnits: [Int32: Int] = [:]
        var cappedSum: [Int32: Int] = [:]
        for ev in inputs.events {
            guard ev.isShipment else {
                usUnits[ev.exporter] = ev.usUnits
                continue
            }
            let i = Int(ev.index)
            let license = inputs.names[Int(ev.license)]
            let exporter = inputs.names[Int(ev.exporter)]
            let total = shippedByLicense[ev.license, default: 0] + ev.quantity
            shippedByLicense[ev.license] = total
            if looked.insert(ev.license).inserted, let lic = effectiveLicenses(license).last {
                maxByLicense[ev.license] = (lic.seq, lic.fact.maxQuantity)
            }
            if let lic = maxByLicense[ev.license], total > lic.max {
                out[i, default: []].append(
                    Violation(
                        code: ViolationCode.licenseQuantityExceeded,
                        message: "this shipment of \(ev.quantity) brings license \(license) to \(total) units, over its maximum of \(lic.max)",
                        seqs: [ev.seq, lic.seq]))
            }
            guard ev.capped else { continue }
            let sum = cappedSum[ev.exporter, default: 0] + ev.quantity
            cappedSum[ev.exporter] = sum
            let us = usUnits[ev.exporter] ?? ev.usUnits
            let cap = policy.capShareOfUSShipments * Double(us)
            if Double(sum) > cap {
                let dests = policy.capDestinations.joined(separator: "/")
                out[i, default: []].append(
                    Violation(
                        code: ViolationCode.destinationCapExceeded,
                        message: "\(exporter)'s shipments to \(dests) reach \(sum) units, over \(number(policy.capShareOfUSShipments * 100)) % of the \(us) units it attested shipping to US end users",
                        seqs: [ev.seq]))
            }
        }
        return out
    }

    // MARK: - Status and timeline

    private func finish(_ a: Analysis, _ st: ShipmentState) -> ShipmentReport {
        var r = a.report
        if !r.violations.isEmpty {
            r.status = .violation
        } else if r.decision == Decision.returned.rawValue {
            r.status = .returned
        } else if r.decision == Decision.held.rawValue {
            r.status = .held
        } else if !r.missing.isEmpty {
            r.status = .pending
        } else {
            r.status = .compliant
        }
        r.timeline = timeline(a, st)
        return r
    }

    private func timeline(_ a: Analysis, _ st: ShipmentState) -> [TimelineEntry] {
        var entries = st.entries
        if let lic = a.supply?.license { entries += licenses[lic] ?? [] }
        entries.sort { $0.seq < $1.seq }
        let seqOfLine = Dictionary(entries.map { ($0.line, $0.seq) }, uniquingKeysWith: { a, _ in a })
        return entries.map { e in
            let signers = signerSets[Int(e.signers)]
            var summary = summarize(e.fact, targetSeq: { seqOfLine[$0] })
            if let first = a.repeats[e.seq] { summary += " (repeats seq \(first): counted once)" }
            if a.otherManifest.contains(e.seq), e.digest >= 0 {
                summary += " (other manifest \(st.digests[Int(e.digest)].prefix(16))…)"
            }
            if let by = e.retractedBy { summary += " (retracted at seq \(by))" }
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
        }
    }
}

/// A figure as people write it: integers without a fraction.
func number(_ d: Double) -> String {
    if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
    return String(d)
}
