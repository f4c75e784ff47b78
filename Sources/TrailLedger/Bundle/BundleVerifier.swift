import Foundation
import TrailCrypto

/// What verifying a proof bundle found.
public struct BundleVerification: Sendable {
    public var subject: String
    public var origin: String
    public var treeSize: Int
    /// Lowercase hex root the checkpoint commits to (empty when the checkpoint does not parse).
    public var root = ""
    /// Entries in the bundle, and those whose inclusion proof verified.
    public var entries = 0
    public var provenEntries = 0
    public var findings: [Finding] = []
    /// Fingerprints and key names of the auditor certificates whose cosignature on the checkpoint verified.
    public var witnesses: [String] = []
    public var witnessNames: [String] = []
    /// Key names of signature lines on the checkpoint that match no key the bundle registers (ignored).
    public var unknownSignatureNames: [String] = []
    /// The statements of the bundle as verification saw them, in ascending seq (what compliance consumes).
    public var statements: [VerifiedStatement] = []

    public var errors: [Finding] { findings.filter { $0.severity == .error } }
    public var warnings: [Finding] { findings.filter { $0.severity == .warning } }
    public var integrityOK: Bool { errors.isEmpty }

    /// What no bundle can show, stated in every `bundle verify` output.
    public static let cannotProve = [
        "absence: a record left out of the bundle is only visible in the full ledger — a later CRL revoking a signer, another statement about this shipment (a retraction, a later customs decision), or another checkpoint",
        "ledger-wide rules: per-license quantity and the exporter's CN/MO share of US shipments sum over every shipment, so they are evaluated over the bundle's statements only",
        "the chain between records: prev is checked only between entries with consecutive seqs; the inclusion proofs bind every entry to the checkpoint instead",
    ]
}

/// Verifies a proof bundle offline against trust anchors (SPEC.md §11): every entry's
/// inclusion proof against the checkpoint root, the checkpoint's operator signature, witness cosignatures,
/// certificate chains and ledger-time revocation (`TrustState`), statement structure, signatures and roles.
///
/// Every finding is collected, with the entry's seq and a stable code. Codes of its own:
/// `bundle-checkpoint-invalid`, `bundle-inclusion-invalid`, `bundle-entry-order`, `bundle-genesis-missing`,
/// `bundle-origin-mismatch`, `bundle-entry-missing`; record-level codes are those
/// of `ledger verify` (`signature-invalid`, `role-not-permitted`, `cert-revoked`, `signer-revoked`, …).
public struct BundleVerifier {
    public let bundle: ProofBundle
    public let trust: [Certificate]

    public init(bundle: ProofBundle, trust: [Certificate]) {
        self.bundle = bundle
        self.trust = trust
    }

    public func run() -> BundleVerification {
        var out = BundleVerification(subject: bundle.subject, origin: bundle.origin, treeSize: bundle.treeSize)
        out.entries = bundle.entries.count
        var state = State()
        func fail(_ seq: Int, _ code: TrailError.Code, _ message: String, remedy: String? = nil, severity: Finding.Severity = .error) {
            out.findings.append(Finding(seq: seq, code: code, message: message, severity: severity, remedy: remedy))
        }
        let cpSeq = bundle.treeSize  // the checkpoint record follows the records it commits to
        // The checkpoint text: origin, size and root every proof is checked against.
        let note: SignedNote
        let cp: Checkpoint
        do {
            note = try SignedNote(parsing: bundle.checkpoint)
            cp = try Checkpoint(text: note.text)
        } catch {
            fail(cpSeq, "bundle-checkpoint-invalid", "the checkpoint does not parse: \(TrailError.wrap(error).message)")
            return out
        }
        out.root = cp.rootHash.hex
        guard cp.size == bundle.treeSize, cp.origin == bundle.origin else {
            fail(
                cpSeq, "bundle-checkpoint-invalid",
                "the checkpoint is for \(cp.origin) at size \(cp.size); the bundle says \(bundle.origin) at size \(bundle.treeSize)")
            return out
        }
        // Inclusion of every entry; unproven entries are not read any further.
        var proven: [(ProofBundle.Entry, Record)] = []
        var lastSeq = -1
        for e in bundle.entries {
            guard e.seq > lastSeq else {
                fail(e.seq, "bundle-entry-order", "entry seq \(e.seq) does not follow seq \(lastSeq): entries must be in strictly ascending seq")
                continue
            }
            lastSeq = e.seq
            guard Merkle.verifyInclusion(leafHash: Merkle.leafHash(e.line), index: e.seq, size: cp.size, proof: e.proof, root: cp.rootHash)
            else {
                fail(
                    e.seq, "bundle-inclusion-invalid",
                    "the entry's line and inclusion proof do not lead to the checkpoint's root \(cp.rootHash.hex.prefix(16))… (the line or a proof hash was altered)",
                    remedy: "the entry is ignored; obtain the bundle again from the ledger operator")
                continue
            }
            do {
                let r = try Record.parse(line: e.line)
                guard r.seq == e.seq else {
                    fail(e.seq, "seq-mismatch", "the record says seq \(r.seq) but is leaf \(e.seq)")
                    continue
                }
                proven.append((e, r))
            } catch {
                out.findings.append(Finding(seq: e.seq, TrailError.wrap(error)))
            }
        }
        out.provenEntries = proven.count
        if proven.isEmpty && !bundle.entries.isEmpty {
            fail(
                cpSeq, "bundle-checkpoint-invalid",
                "not one of the \(bundle.entries.count) entries' proofs leads to the checkpoint's root: the checkpoint's root or size does not belong to these entries")
        }
        guard let first = proven.first, first.0.seq == 0, case .genesis(let g) = first.1.body else {
            fail(0, "bundle-genesis-missing", "the bundle has no proven genesis record (seq 0): nothing in it can be trusted")
            return out
        }
        // Records in ledger order, with the rules of `ledger verify`.
        var prev: (seq: Int, hash: String, time: LedgerTime)?
        for (e, r) in proven {
            if let p = prev {
                if p.seq + 1 == e.seq, r.prev != p.hash {
                    fail(e.seq, "prev-mismatch", "prev does not name the hash of the entry at seq \(p.seq)")
                }
                if r.time < p.time { fail(e.seq, "time-regression", "time \(r.time.text) is before seq \(p.seq)'s \(p.time.text)") }
            }
            prev = (e.seq, Digest.sha256Hex(e.line), max(r.time, prev?.time ?? r.time))
            if e.seq == 0 {
                genesis(g, time: r.time, &state, &out)
                if state.trust == nil { return out }
                continue
            }
            switch r.body {
            case .genesis:
                fail(e.seq, "unexpected-genesis", "a genesis record may only be the first line")
            case .certificate(let der, let chain):
                certificate(der, chain, seq: e.seq, time: r.time, &state, &out)
            case .crl(let der):
                for f in RevocationRule.apply(der, seq: e.seq, trust: &state.trust!) {
                    if f.code == "crl-issuer-unknown" {
                        fail(e.seq, "bundle-entry-missing", "the CA that signed this CRL is registered by no entry of the bundle: \(f.message)")
                    } else {
                        out.findings.append(f)
                    }
                }
            case .statement(let env):
                statement(env, seq: e.seq, line: e.line, time: r.time, &state, &out)
            case .checkpoint, .cosignature:
                break  // Not needed: the bundle's checkpoint field is what the proofs are checked against.
            }
        }
        // The checkpoint's operator signature.
        let verifiers = CheckpointRule.operatorVerifiers(
            origin: cp.origin, operatorKeys: state.operatorKeys, trust: state.trust!, at: nil)
        do {
            let result = try note.verify(using: verifiers)
            for sig in result.unknownSignatures where sig.name == cp.origin {
                fail(
                    cpSeq, "bundle-entry-missing",
                    "the checkpoint carries a signature by operator key id \(NoteKey.hex(sig.keyID)) that no entry registers",
                    severity: .warning)
            }
        } catch {
            let err = TrailError.wrap(error)
            let missing = note.signatures.contains { s in s.name == cp.origin && !verifiers.contains { $0.keyID == s.keyID } }
            fail(
                cpSeq, verifiers.isEmpty && missing ? "bundle-entry-missing" : "bundle-checkpoint-invalid",
                "the checkpoint's operator signature does not verify with the operator keys the bundle registers: \(err.message)",
                remedy: "the checkpoint text or its signature was altered, or the operator's certificate record is missing")
        }
        // Witness cosignatures by auditor certificates the bundle registers, counted by key.
        let witnesses = CosignatureRule.check(
            note, checkpointSeq: cpSeq, checkpointTime: nil, at: nil, seq: cpSeq, trust: state.trust!, requireOne: false)
        out.findings += witnesses.findings
        out.witnesses = witnesses.witnessKeys
        out.witnessNames = witnesses.witnessNames
        out.unknownSignatureNames = note.signatures.filter { line in
            !verifiers.contains { $0.name == line.name && $0.keyID == line.keyID }
                && state.trust!.witnesses(name: line.name, keyID: line.keyID).isEmpty
        }.map(\.name)
        if !out.statements.contains(where: { $0.checked?.subjectName == bundle.subject }) {
            fail(cpSeq, "bundle-entry-missing", "no proven statement in the bundle is about \(bundle.subject)")
        }
        return out
    }

    // MARK: - Records

    struct State {
        var trust: TrustState?
        var operatorKeys: [String] = []
        var seen = Set<[UInt8]>()
        /// Line hash → what a retraction of it must match.
        var targets: [String: RetractionRule.Target] = [:]
    }

    private func genesis(_ g: Record.Genesis, time: LedgerTime, _ state: inout State, _ out: inout BundleVerification) {
        guard g.origin.utf8.elementsEqual(bundle.origin.utf8) else {
            out.findings.append(
                Finding(seq: 0, code: "bundle-origin-mismatch", message: "the genesis origin is \(g.origin), the bundle says \(bundle.origin)"))
            return
        }
        let r = GenesisRule.check(g, time: time, given: trust)
        out.findings += r.findings
        if let op = r.operatorKey { state.operatorKeys.append(op) }
        state.trust = r.trust
    }

    private func certificate(
        _ der: [UInt8], _ chainDER: [[UInt8]], seq: Int, time: LedgerTime, _ state: inout State,
        _ out: inout BundleVerification
    ) {
        out.findings += CertificateRule.register(
            der, chain: chainDER, time: time, seq: seq, trust: &state.trust!, operatorKeys: &state.operatorKeys)
    }

    private func statement(
        _ env: Envelope, seq: Int, line: [UInt8], time: LedgerTime, _ state: inout State, _ out: inout BundleVerification
    ) {
        var findings: [Finding] = []
        var checked: CheckedStatement?
        var undecoded: Statement?
        do {
            checked = try CheckedStatement(envelope: env)
        } catch {
            findings.append(Finding(seq: seq, TrailError.wrap(error)))
            undecoded = try? Statement(payload: env.payload)  // the subject only; the finding is the verdict
        }
        let resolved = SignerRule.resolve(env, checked: checked, time: time, seq: seq, trust: state.trust!)
        for e in resolved.findings {
            if e.code == "unknown-signer" {
                findings.append(
                    Finding(
                        seq: seq, code: "bundle-entry-missing",
                        message: "\(e.message.prefix(while: { $0 != ":" })): the certificate record of its keyid is not in the bundle"))
            } else {
                findings.append(Finding(seq: seq, e))
            }
        }
        let pae = env.pae
        for sig in resolved.resolved where !sig.registration.publicKey.verify(signature: sig.signature, for: pae) {
            findings.append(SignerRule.signatureInvalid(seq: seq, number: sig.number, keyid: sig.keyid))
        }
        let key = env.statementIdentity
        if state.seen.contains(key) { findings.append(DuplicateRule.finding(seq: seq)) }
        if findings.isEmpty, let checked, case .retraction(let p) = checked.predicate {
            if let f = RetractionRule.check(
                p, checked, signers: resolved.signers, target: state.targets[p.retracts.lowercased()], seq: seq)
            {
                findings.append(f)
            }
        }
        out.findings += findings
        let lineHash = Digest.sha256Hex(line)
        let intact = findings.allSatisfy { $0.severity != .error }
        if intact {
            state.seen.insert(key)
            if let checked {
                state.targets[lineHash] = RetractionRule.Target(
                    checked: checked, signers: resolved.signers.map { ($0.organization, $0.roles) })
            }
        }
        out.statements.append(
            VerifiedStatement(
                seq: seq, time: time, lineHash: lineHash, checked: checked, signers: resolved.signers, intact: intact,
                findingCodes: findings.map(\.code.rawValue), undecoded: undecoded))
    }
}
