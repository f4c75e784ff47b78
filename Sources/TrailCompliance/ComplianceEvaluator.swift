import TrailCrypto
import TrailLedger

/// Per-shipment evaluation of verified statements against a policy (SPEC.md §13).
///
/// Feed every statement in ledger order with `consume`, then call `evaluate`. A shipment statement is reduced to
/// what the rules and the timeline need and written to an `EntryStore` (a temporary file); memory holds one offset
/// per shipment, the license statements and the interned signer sets — never a statement itself.
public final class ComplianceEvaluator {
    public let policy: Policy
    /// Shipment id → offset of its latest entry in `store`.
    var heads: [ExactName: Int64] = [:]
    let store = EntryStore()
    /// The first failure to write `store` (reported by `evaluate`).
    var storeError: Error?
    /// Export license statements (and their retractions) by license number: few, kept in memory.
    var licenses: [ExactName: [Entry]] = [:]
    var signerSets: [SignerSet] = []
    /// Signer sets by their exact bytes (never `String` keys, which compare by canonical equivalence).
    var signerSetIndex: [[UInt8]: Int32] = [:]
    /// Integrity finding codes of the statements that failed integrity (rare), by seq.
    var brokenCodes: [Int: [String]] = [:]

    /// Rules for predicate types beyond the built-in ones.
    let predicateRules: PredicateTypeRules
    /// The shipments of a restored STATE (incremental verification, `IncrementalVerifier`): evaluation then re-evaluates
    /// only the shipments the new statements touch.
    var prior: PriorShipments?
    /// Told every shipment's analysis before the quantity rules, with its statements (what a STATE keeps of it).
    var onAnalysis: ((String, [StatementRef], Analysis) -> Void)?
    /// Where a resumed evaluation writes the shipments' records of the next STATE.
    var stateWriter: StateWriter?

    public init(policy: Policy = .h200, predicateRules: [any PredicateTypeRule] = []) {
        self.policy = policy
        self.predicateRules = PredicateTypeRules(rules: predicateRules)
    }

    /// What the evaluator takes from a statement, computed where it is cheap to do so: in the verifier's
    /// parallel phase (`LedgerVerifier.prepare`).
    struct Prepared: Sendable {
        var fact: Fact
        var claim: Key128
        var digest: String
        var problems: [DocumentProblem]
    }

    /// The evaluator's part of decoding a statement; nil for statements about neither a shipment nor a license.
    @Sendable public static func prepare(_ checked: CheckedStatement) -> (any Sendable)? {
        let name = checked.subjectName
        guard name.hasPrefix("license:") || name.hasPrefix("shipment:"), let fact = fact(checked) else { return nil }
        return Prepared(
            fact: fact, claim: claim(checked), digest: checked.subjectDigest ?? "",
            problems: DocumentRules.problems(predicate: checked.predicate))
    }

    /// Takes the next statement record in ledger order. Statements whose structure could not be decoded name no
    /// subject and are left to the integrity report.
    public func consume(_ s: VerifiedStatement) {
        guard
            let (subject, entry, digest) = makeEntry(
                seq: s.seq, time: s.time, lineHash: s.lineHash, offset: s.offset, checked: s.checked, prepared: s.prepared,
                undecoded: s.undecoded, intact: s.intact, codes: s.findingCodes, signers: { internSigners(s.signers) })
        else { return }
        switch subject {
        case .license(let number):
            var list = licenses[number] ?? []
            Self.applyRetraction(entry, to: &list)
            list.append(entry)
            licenses[number] = list
        case .shipment(let id):
            guard storeError == nil else { return }
            do {
                heads[id] = try store.append(Self.encode(entry, digest: digest), prev: heads[id] ?? -1)
            } catch {
                storeError = error
            }
        }
    }

    enum Subject {
        case license(ExactName)
        case shipment(ExactName)
    }

    /// The entry a statement makes, and what it is about; nil for statements about neither a shipment nor a license.
    /// A statement whose predicate or manifest did not decode (`checked` nil) failed integrity; when its in-toto
    /// statement (`undecoded`) names a shipment, that shipment is unverifiable (never silently pending).
    func makeEntry(
        seq: Int, time: LedgerTime, lineHash: String, offset: Int64, checked: CheckedStatement?, prepared: (any Sendable)?,
        undecoded: Statement?, intact: Bool, codes: [String], signers: () -> Int32
    ) -> (Subject, Entry, digest: String)? {
        guard let checked else {
            guard let st = undecoded, let name = st.subject.first?.name, name.hasPrefix("shipment:") else { return nil }
            brokenCodes[seq] = codes
            let entry = Entry(
                seq: seq, time: time.text, signers: signers(), digest: -1, line: Key128(hex: lineHash),
                claim: Key128(hex: lineHash), intact: false, retractedBy: nil, problems: [],
                fact: .unknown(predicateType: st.predicateType), offset: offset)
            return (.shipment(ExactName(String(name.dropFirst("shipment:".count)))), entry, st.subject.first?.sha256 ?? "")
        }
        guard var p = (prepared as? Prepared) ?? (Self.prepare(checked) as? Prepared) else { return nil }
        if case .unknown(let type) = p.fact, let rule = predicateRules.rule(for: type) {
            p.fact = .extended(predicateType: type)
            p.problems = rule.problems(checked.statement.predicate)
        }
        let name = checked.subjectName
        if !intact { brokenCodes[seq] = codes }
        let entry = Entry(
            seq: seq, time: time.text, signers: signers(), digest: -1, line: Key128(hex: lineHash),
            claim: p.claim, intact: intact, retractedBy: nil, problems: p.problems, fact: p.fact, offset: offset)
        if name.hasPrefix("license:") { return (.license(ExactName(String(name.dropFirst("license:".count)))), entry, p.digest) }
        return (.shipment(ExactName(String(name.dropFirst("shipment:".count)))), entry, p.digest)
    }

    /// A shipment's entries (the chain ending at `last`), replayed in ledger order from the store, retractions
    /// applied as they came.
    func shipment(endingAt last: Int64, after prior: [(Entry, digest: String)] = []) throws -> ShipmentState {
        var st = ShipmentState()
        for (e, d) in prior {
            var entry = e
            entry.digest = st.internDigest(d)
            Self.applyRetraction(entry, to: &st.entries)
            st.entries.append(entry)
        }
        guard last >= 0 else { return st }
        for bytes in try store.chain(endingAt: last) {
            var (entry, digest) = try Self.decode(bytes)
            entry.digest = st.internDigest(digest)
            Self.applyRetraction(entry, to: &st.entries)
            st.entries.append(entry)
        }
        return st
    }

    /// An intact retraction removes its target (named by line hash) from evaluation.
    static func applyRetraction(_ e: Entry, to list: inout [Entry]) {
        guard e.intact, case .retraction(let target, _) = e.fact else { return }
        if let i = list.lastIndex(where: { $0.line == target }), list[i].retractedBy == nil {
            list[i].retractedBy = e.seq
        }
    }

    func internSigners(_ signers: [SignerInfo]) -> Int32 {
        var key: [UInt8] = []
        func add(_ s: String?) {
            guard let s else { return key.append(0) }
            key.append(1)
            withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian) { key += $0 }
            key += s.utf8
        }
        for s in signers {
            add(s.organization)
            add(s.commonName)
            add(s.organization == nil && s.commonName == nil ? s.fingerprint : nil)
            add(s.roles.map(\.rawValue).joined(separator: ","))
        }
        if let i = signerSetIndex[key] { return i }
        var roles: [String] = []
        for r in signers.flatMap(\.roles).map(\.rawValue) where !roles.contains(r) { roles.append(r) }
        let set = SignerSet(
            parties: signers.map { $0.organization ?? $0.commonName ?? String($0.fingerprint.prefix(16)) },
            organizations: signers.map(\.organization), roles: roles,
            signerRoles: signers.map { $0.roles.map(\.rawValue) })
        signerSets.append(set)
        let i = Int32(signerSets.count - 1)
        signerSetIndex[key] = i
        return i
    }

    /// The claim's identity: the same predicate about the same subject, however often it is signed. Equal exactly
    /// when predicate type, subject name, subject digest and the predicates' RFC 8785 forms are equal (see
    /// `ClaimHasher`: 128 bits of SHA-256).
    static func claim(_ c: CheckedStatement) -> Key128 {
        var h = ClaimHasher()
        h.string(c.statement.predicateType)
        h.string(c.subjectName)
        h.string(c.subjectDigest ?? "")
        h.value(c.statement.predicate)
        return h.finalize()
    }

    static func fact(_ c: CheckedStatement) -> Fact? {
        switch c.predicate {
        case .exportLicense(let p):
            return .license(
                LicenseFact(
                    number: p.license, exporter: p.exporter, consignee: p.consignee,
                    destination: p.destination, product: p.product, maxQuantity: p.maxQuantity, validFrom: p.validFrom, validUntil: p.validUntil))
        case .supplySufficiency(let p, let m, _):
            return .supply(
                SupplyFact(
                    exporter: m.exporter, license: m.license, consignee: m.consignee,
                    product: m.product, destination: m.destination, quantity: m.quantity,
                    serialKeys: Self.serialKeys(m.serials), declared: m.declared, claimedLicense: p.license,
                    claimedQuantity: p.quantity, claimedDestination: p.destination,
                    usUnitsShipped: p.usUnitsShipped))
        case .labTest(let p):
            return .lab(
                LabFact(
                    pass: p.result.utf8.elementsEqual("pass".utf8), tpp: p.measured.tpp, bandwidth: p.measured.dramBandwidthGBps,
                    memoryGB: p.measured.memoryGB, unitKeys: Self.serialKeys(p.unitsTested), samplingAll: p.sampling.utf8.elementsEqual("all".utf8)))
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
