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

/// Verifies a proof bundle offline against trust anchors (DESIGN.md §4 "Proof bundle"): every entry's
/// inclusion proof against the checkpoint root, the checkpoint's operator signature, witness cosignatures,
/// certificate chains and ledger-time revocation (`TrustState`), statement structure, signatures and roles.
///
/// Every finding is collected, with the entry's seq and a stable code. Codes of its own:
/// `bundle-checkpoint-invalid`, `bundle-inclusion-invalid`, `bundle-entry-order`, `bundle-genesis-missing`,
/// `bundle-origin-mismatch`, `bundle-entry-missing`, `bundle-cosignature-invalid`; record-level codes are those
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
        func fail(_ seq: Int, _ code: String, _ message: String, remedy: String? = nil, severity: Finding.Severity = .error) {
            out.findings.append(Finding(seq: seq, code: code, message: message, severity: severity, remedy: remedy))
        }
        let cpSeq = bundle.treeSize  // the checkpoint record follows the records it commits to
        // The checkpoint text: origin, size and root every proof is checked against.
        let note: SignedNote
        let cp: Checkpoint
        do {
            note = try SignedNote(parsing: bundle.checkpoint)
            cp = try Checkpoint(text: note.text)
        } catch let e as TrailError {
            fail(cpSeq, "bundle-checkpoint-invalid", "the checkpoint does not parse: \(e.message)")
            return out
        } catch {
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
            } catch let err as TrailError {
                out.findings.append(Finding(seq: e.seq, err))
            } catch {}
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
                do {
                    try state.trust!.apply(crl: try CRL(der: der), seq: e.seq)
                } catch let err as TrailError where err.code == "crl-issuer-unknown" {
                    fail(e.seq, "bundle-entry-missing", "the CA that signed this CRL is registered by no entry of the bundle: \(err.message)")
                } catch let err as TrailError {
                    out.findings.append(Finding(seq: e.seq, err))
                } catch {}
            case .statement(let env):
                statement(env, seq: e.seq, line: e.line, time: r.time, &state, &out)
            case .checkpoint, .cosignature:
                break  // Not needed: the bundle's checkpoint field is what the proofs are checked against.
            }
        }
        // The checkpoint's operator signature.
        var verifiers: [NoteVerifier] = []
        for fp in state.operatorKeys {
            guard let reg = state.trust!.certificates[fp], reg.revokedAt == nil,
                let v = try? NoteVerifier(name: cp.origin, publicKey: reg.publicKey)
            else { continue }
            verifiers.append(v)
        }
        do {
            let result = try note.verify(using: verifiers)
            for sig in result.unknownSignatures where sig.name == cp.origin {
                fail(
                    cpSeq, "bundle-entry-missing",
                    "the checkpoint carries a signature by operator key id \(NoteKey.hex(sig.keyID)) that no entry registers",
                    severity: .warning)
            }
        } catch let err as TrailError {
            let missing = note.signatures.contains { s in s.name == cp.origin && !verifiers.contains { $0.keyID == s.keyID } }
            fail(
                cpSeq, verifiers.isEmpty && missing ? "bundle-entry-missing" : "bundle-checkpoint-invalid",
                "the checkpoint's operator signature does not verify with the operator keys the bundle registers: \(err.message)",
                remedy: "the checkpoint text or its signature was altered, or the operator's certificate record is missing")
        } catch {}
        // Witness cosignatures by auditor certificates the bundle registers.
        var matched = Set<NoteSignature>()
        for reg in state.trust!.certificates.values.sorted(by: { $0.seq < $1.seq })
        where reg.roles.contains(.auditor) && reg.revokedAt == nil && reg.publicKey.algorithm == .ed25519 {
            guard let name = WitnessName.of(reg.certificate),
                let v = try? CosignatureV1.Verifier(name: name, publicKey: reg.publicKey)
            else { continue }
            for s in note.signatures where v.matches(s) { matched.insert(s) }
            do {
                if try v.verify(note) != nil {
                    out.witnesses.append(reg.fingerprint)
                    out.witnessNames.append(name)
                }
            } catch let err as TrailError {
                fail(cpSeq, "bundle-cosignature-invalid", err.message)
            } catch {}
        }
        for v in verifiers { for s in note.signatures where s.name == v.name && s.keyID == v.keyID { matched.insert(s) } }
        out.unknownSignatureNames = note.signatures.filter { !matched.contains($0) }.map(\.name)
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
        var targets: [String: (orgs: [String?], roles: Set<Role>, subject: String, isRetraction: Bool)] = [:]
    }

    private func genesis(_ g: Record.Genesis, time: LedgerTime, _ state: inout State, _ out: inout BundleVerification) {
        guard g.origin == bundle.origin else {
            out.findings.append(
                Finding(seq: 0, code: "bundle-origin-mismatch", message: "the genesis origin is \(g.origin), the bundle says \(bundle.origin)"))
            return
        }
        let listed = Set(g.anchors.map { $0.lowercased() })
        let anchors = trust.filter { listed.contains($0.fingerprint) }
        for t in trust where !listed.contains(t.fingerprint) {
            out.findings.append(
                Finding(
                    seq: 0, code: "anchor-not-in-genesis",
                    message: "trust anchor \(t.subject.string) (\(t.fingerprint.prefix(16))…) is not listed in the genesis anchors"))
        }
        guard !anchors.isEmpty else {
            out.findings.append(
                Finding(
                    seq: 0, code: "untrusted-ledger", message: "none of the --trust certificates is an anchor of this ledger",
                    remedy: "verify with the root certificate the ledger's genesis lists"))
            return
        }
        var ts = TrustState(anchors: anchors)
        do {
            let op = try Certificate(der: g.operatorCert)
            let path = try ts.validate(cert: op, chain: try g.chain.map { try Certificate(der: $0) }, at: time.date, role: .operator)
            guard try op.publicKey.algorithm == .ed25519 else {
                throw TrailError("operator-key-not-ed25519", "the operator's checkpoint key must be Ed25519")
            }
            try ts.register(op, path: path, seq: 0)
            state.operatorKeys.append(op.fingerprint)
        } catch let e as TrailError {
            out.findings.append(
                Finding(seq: 0, TrailError("operator-invalid", "the genesis operator certificate is not valid: [\(e.code)] \(e.message)")))
        } catch {}
        state.trust = ts
    }

    private func certificate(
        _ der: [UInt8], _ chainDER: [[UInt8]], seq: Int, time: LedgerTime, _ state: inout State,
        _ out: inout BundleVerification
    ) {
        do {
            let cert = try Certificate(der: der)
            let path = try state.trust!.validate(cert: cert, chain: try chainDER.map { try Certificate(der: $0) }, at: time.date)
            try state.trust!.register(cert, path: path, seq: seq)
            if let reg = state.trust!.certificates[cert.fingerprint], reg.roles.contains(.operator),
                reg.publicKey.algorithm == .ed25519, !state.operatorKeys.contains(reg.fingerprint)
            {
                state.operatorKeys.append(reg.fingerprint)
            }
        } catch let e as TrailError {
            out.findings.append(Finding(seq: seq, e))
        } catch {}
    }

    private func statement(
        _ env: Envelope, seq: Int, line: [UInt8], time: LedgerTime, _ state: inout State, _ out: inout BundleVerification
    ) {
        var findings: [Finding] = []
        var checked: CheckedStatement?
        do { checked = try CheckedStatement(envelope: env) } catch let e as TrailError { findings.append(Finding(seq: seq, e)) } catch {}
        let required = checked?.kind?.requiredRole.flatMap { Role(rawValue: $0) }
        var signers: [SignerInfo] = []
        for (n, sig) in env.signatures.enumerated() {
            do {
                let reg = try state.trust!.signer(sig.keyid, at: time.date)
                signers.append(
                    SignerInfo(fingerprint: reg.fingerprint, organization: reg.organization, commonName: reg.commonName, roles: reg.roles))
                if let required, !reg.roles.contains(required) {
                    findings.append(
                        Finding(
                            seq: seq, code: "role-not-permitted",
                            message: "\(checked!.statement.predicateType) needs the \(required.rawValue) role; signer \(reg.certificate.subject.string) has \(reg.roles.map(\.rawValue).joined(separator: ", "))"))
                }
                if !reg.publicKey.verify(signature: sig.sig, for: env.pae) {
                    findings.append(
                        Finding(
                            seq: seq, code: "signature-invalid",
                            message: "signature \(n + 1) (keyid \(sig.keyid.prefix(16))…) does not verify over the envelope's PAE"))
                }
            } catch let e as TrailError where e.code == "unknown-signer" {
                findings.append(
                    Finding(
                        seq: seq, code: "bundle-entry-missing",
                        message: "signature \(n + 1): the certificate record of keyid \(sig.keyid.prefix(16))… is not in the bundle"))
            } catch let e as TrailError {
                var e = e
                e.message = "signature \(n + 1): " + e.message
                findings.append(Finding(seq: seq, e))
            } catch {}
        }
        let key = env.duplicateKey
        if state.seen.contains(key) {
            findings.append(Finding(seq: seq, code: "duplicate-statement", message: "the same envelope appears earlier in the bundle"))
        }
        if findings.isEmpty, let checked, case .retraction(let p) = checked.predicate {
            if let t = state.targets[p.retracts.lowercased()] {
                if t.isRetraction || t.subject != checked.subjectName
                    || !signers.allSatisfy({ s in t.orgs.contains(s.organization) && !t.roles.isDisjoint(with: s.roles) })
                {
                    findings.append(
                        Finding(seq: seq, code: "retraction-invalid", message: "the retraction does not match its target's subject, organisation and role"))
                }
            } else {
                findings.append(
                    Finding(seq: seq, code: "retraction-invalid", message: "retracts \(p.retracts.prefix(16))…, which is no earlier valid statement of the bundle"))
            }
        }
        out.findings += findings
        let lineHash = Digest.sha256Hex(line)
        let intact = findings.allSatisfy { $0.severity != .error }
        if intact {
            state.seen.insert(key)
            if let checked {
                state.targets[lineHash] = (
                    signers.map(\.organization), Set(signers.flatMap(\.roles)), checked.subjectName, checked.kind == .retraction
                )
            }
        }
        out.statements.append(
            VerifiedStatement(
                seq: seq, time: time, lineHash: lineHash, checked: checked, signers: signers, intact: intact,
                findingCodes: findings.map(\.code)))
    }
}
