import Foundation
import TrailCrypto

/// A POSIX shell script that re-checks one record with the stock `openssl` command line and POSIX tools only
/// (sh, coreutils, sed, grep, awk), so an auditor need not trust chiptrail (SPEC.md §12).
///
/// The script checks the record's exact line bytes, its `prev` link, its leaf hash and RFC 9162 inclusion proof
/// up to the latest checkpoint, the checkpoint's Ed25519 signed-note signature and witness cosignatures, every
/// DSSE signature over its PAE, the signers' chains at the record's time with `openssl verify -attime`, and the
/// CRLs recorded before the record. It prints each step and exits 1 at the first failure. Certificates, CRLs,
/// proof hashes and the checkpoint are embedded; the record's line is read from the ledger given as `$1`
/// (default: the file the script was made from), or embedded when the script is made from a bundle.
public enum OpenSSLRecipe {
    /// The script for record `seq` of the ledger at `path`. `trust` optionally supplies the trust anchor (else
    /// the copy of the root that genesis lists, found in the genesis chain). Errors: `seq-out-of-range`,
    /// `missing-genesis`, `no-trust-anchor`, and those of reading the ledger.
    public static func script(ledger path: String, seq: Int, trust: [Certificate] = []) throws -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return try generate(RecipeInput.fromLedger(path: absolute, seq: seq, trust: trust))
    }

    /// The script for the entry `seq` of a proof bundle (read from `path`, named in the script).
    /// Errors: `seq-out-of-range`, `bundle-genesis-missing`, `no-trust-anchor`, `bundle-malformed`.
    public static func script(bundle: ProofBundle, path: String, seq: Int, trust: [Certificate] = []) throws -> String {
        try generate(RecipeInput.fromBundle(bundle, path: path, seq: seq, trust: trust))
    }

    static func generate(_ input: RecipeInput) throws -> String {
        var g = Generator(input: input)
        try g.run()
        return g.script.text
    }
}

/// Writes the steps of one recipe.
private struct Generator {
    let input: RecipeInput
    var script = RecipeScript()
    /// Records whose line is already decoded and proven into `$W/rec-<seq>`.
    var proven = Set<Int>()

    init(input: RecipeInput) { self.input = input }

    var seq: Int { input.target.seq }
    var isLedger: Bool { if case .ledger = input.source { true } else { false } }

    mutating func run() throws {
        header()
        script.line(RecipePrelude.text)
        embedMaterial()
        checkpointSteps()
        lineSteps()
        try typeSteps()
        inclusionStep()
        script.line()
        script.line("printf '\\nALL CHECKS PASSED for seq \(seq)\\n'")
        script.line("exit 0")
    }

    // MARK: header and embedded material

    mutating func header() {
        script.line("#!/bin/sh")
        let what: String
        switch input.source {
        case .ledger(let path):
            what = """
                chiptrail ledger explain \(path) --seq \(seq) --openssl
                Usage: sh check.sh [LEDGER [ROOT.pem]]  (LEDGER defaults to the file this script was made from;
                ROOT.pem to the root certificate embedded below, which must be listed in genesis `anchors`).
                """
        case .bundle(let path):
            what = """
                chiptrail bundle explain \(path) --seq \(seq) --openssl
                Usage: sh check.sh [ROOT.pem]  (the record's line is embedded, taken from the bundle;
                ROOT.pem defaults to the root certificate embedded below, which must be listed in genesis `anchors`).
                """
        }
        script.comment(
            """
            Re-checks record \(seq) (\(input.target.record.type.rawValue)) with openssl and POSIX tools only (SPEC.md §12).
            \(what)
            Needs: sh, openssl (3.0 or later), coreutils (cat, cp, head, mktemp, mv, od, rm, tail, tr, wc), sed, grep, awk.
            Prints each step; exits 1 at the first failure, naming the step; 0 when every check passes.

            Ledger time versus openssl's CRL time checks: the ledger revokes a certificate from the position of
            the CRL record that lists it: a CRL recorded before this record counts, whatever its thisUpdate,
            nextUpdate or revocationDate, and a serial once listed stays revoked; a CA that published no CRL revokes
            nothing. `openssl verify -crl_check_all` instead wants a CRL from every CA of the path, refuses a CRL
            whose thisUpdate lies after -attime or whose nextUpdate lies before it, and takes only the newest CRL
            of each issuer. This script therefore decides revocation by the ledger rule (CRL signature with
            `openssl crl -CAfile`, serial looked up in `openssl crl -text`) and runs openssl's own check beside it,
            printing where the two differ.
            """)
        script.line()
        switch input.source {
        case .ledger(let path):
            script.line("LEDGER=${1:-\(RecipeScript.quote(path))}")
            script.line("ROOT_ARG=${2:-}")
        case .bundle:
            script.line("ROOT_ARG=${1:-}")
        }
    }

    mutating func embedMaterial() {
        script.line()
        script.comment("Embedded: the trust anchor, the checkpoint, and the records this check relies on (base64).")
        script.embed("anchor.der", input.anchor.der)
        script.line("derpem \"$W/anchor.der\" \"$W/anchor.pem\"")
        script.line("ROOT=${ROOT_ARG:-$W/anchor.pem}")
        if let latest = input.latest { script.embed("checkpoint.note", Array(latest.note.utf8)) }
        var all = input.items
        all[0] = input.genesis
        if case .bundle = input.source, let p = input.previous { all[p.seq] = p }
        if let r = input.retracted { all[r.seq] = r }
        // A certificate or CRL target is embedded too: the checkpoint's keys may depend on it.
        for s in all.keys.sorted() {
            let item = all[s]!
            script.comment("seq \(s): \(item.record.type.rawValue) record")
            script.embed("rec-\(s)", item.line)
            for (i, h) in (item.proof ?? []).enumerated() { script.embed("rec-\(s).p\(i)", h.bytes) }
        }
        if !isLedger {
            script.embed("target.line", input.target.line)
        }
        for (i, h) in (input.target.proof ?? []).enumerated() { script.embed("target.p\(i)", h.bytes) }
        for (i, h) in (input.tailProof ?? []).enumerated() { script.embed("tail.p\(i)", h.bytes) }
    }

    // MARK: checkpoint, genesis, operator, witnesses

    mutating func checkpointSteps() {
        guard let latest = input.latest else {
            script.line("step 'checkpoint'")
            script.line("say 'the ledger holds no checkpoint: no inclusion proof can be checked'")
            proveGenesisUnproven()
            return
        }
        let size = latest.checkpoint.size
        script.line()
        script.line("step 'checkpoint: the latest signed note (tree size \(size))'")
        script.comment(
            """
            C2SP tlog-checkpoint: text = origin, size, base64 root, each ending in a newline; then a blank line and
            signature lines "— <key name> <base64(4-byte key id || signature)>".
            """)
        script.line("notetext \"$W/checkpoint.note\" \"$W/cp.text\"")
        script.line("CP_ORIGIN=$(sed -n 1p \"$W/cp.text\")")
        script.line("CP_SIZE=$(sed -n 2p \"$W/cp.text\")")
        script.line("b64d \"$(sed -n 3p \"$W/cp.text\")\" \"$W/cp.root\"")
        script.line("[ \"$(size \"$W/cp.root\")\" -eq 32 ] || fail 'the checkpoint root is not 32 bytes'")
        script.line("[ \"$CP_SIZE\" = \(size) ] || fail \"the checkpoint's size is $CP_SIZE, not \(size)\"")
        script.line("say \"origin $CP_ORIGIN, size $CP_SIZE, root $(hexof \"$W/cp.root\")\"")

        script.line()
        script.line("step 'genesis and trust anchor'")
        script.line(
            "A=$(openssl x509 -in \"$ROOT\" -outform DER | openssl dgst -sha256 -binary | od -An -v -tx1 | tr -d ' \\n')"
        )
        proveRecord(0)
        script.line("[ \"$(jstr \"$W/rec-0\" type)\" = genesis ] || fail 'seq 0 is not a genesis record'")
        script.line(
            "jlist \"$W/rec-0\" anchors | grep -qx \"$A\" || fail \"the trust anchor $A is not listed in genesis anchors: finding untrusted-ledger\""
        )
        script.line("ok \"trust anchor $A is listed in genesis\"")
        script.line("GENESIS_ORIGIN=$(jstr \"$W/rec-0\" origin)")
        script.line(
            "[ \"$GENESIS_ORIGIN\" = \"$CP_ORIGIN\" ] || fail \"the checkpoint's origin is not genesis origin $GENESIS_ORIGIN\""
        )
        script.line("ok \"origin $GENESIS_ORIGIN\"")

        // The operator signature(s).
        let note = try? SignedNote(parsing: latest.note)
        script.line()
        script.line("step 'checkpoint: operator signature (Ed25519 signed note)'")
        var signedByOperator = false
        for sig in note?.signatures ?? [] {
            guard let op = operatorFor(sig, before: latest.seq ?? size) else { continue }
            signedByOperator = true
            script.line(
                "say 'signature line \(RecipeScript.plain(sig.name)) \(NoteKey.hex(sig.keyID)): operator key of the record at seq \(op)'"
            )
            operatorKeyChecks(op, at: latest.time, before: latest.seq ?? size)
            script.line(
                "opsig \"$W/cp.text\" \(RecipeScript.quote(sig.name)) \(RecipeScript.quote(sig.base64)) \"$W/c-\(op).pem\""
            )
        }
        if !signedByOperator {
            script.line(
                "fail 'no signature line of the checkpoint is by a registered operator key: finding checkpoint-signature-invalid'"
            )
        }

        // Witness cosignatures.
        let witnessLines = (note?.signatures ?? []).filter { operatorFor($0, before: latest.seq ?? size) == nil }
        if !witnessLines.isEmpty {
            script.line()
            script.line("step 'checkpoint: witness cosignatures (tlog-cosignature/v1)'")
            script.comment(
                """
                Each witness line signs "cosignature/v1\\ntime <t>\\n" || checkpoint text with the Ed25519 key of an
                auditor-role certificate registered before the checkpoint; key name = subject CN, whitespace as "_".
                """)
            for sig in witnessLines {
                let key = sig.name + " " + sig.base64
                let record = latest.cosignatureRecords[key]
                witnessSteps(
                    sig, checkpointSeq: latest.seq ?? size, checkpointTime: latest.time, record: record,
                    textFile: "$W/cp.text")
            }
        }
    }

    /// Genesis without a checkpoint: still decode it for the anchor check.
    mutating func proveGenesisUnproven() {
        script.line("step 'genesis and trust anchor'")
        script.line(
            "A=$(openssl x509 -in \"$ROOT\" -outform DER | openssl dgst -sha256 -binary | od -An -v -tx1 | tr -d ' \\n')"
        )
        script.line(
            "jlist \"$W/rec-0\" anchors | grep -qx \"$A\" || fail \"the trust anchor $A is not listed in genesis anchors\""
        )
        proven.insert(0)
    }

    /// The seq of the record holding the operator key (genesis: 0) that made `sig`, registered before `limit`.
    func operatorFor(_ sig: NoteSignature, before limit: Int) -> Int? {
        guard let g = input.genesisBody else { return nil }
        var candidates: [(Int, Certificate)] = []
        if let c = try? Certificate(der: g.operatorCert) { candidates.append((0, c)) }
        for r in input.certificateRecords where r.seq < limit && r.cert.roles.contains(.operator) {
            candidates.append((r.seq, r.cert))
        }
        for (s, c) in candidates {
            guard let key = try? c.publicKey, let raw = key.ed25519Raw else { continue }
            if Array(sig.name.unicodeScalars) == Array(g.origin.unicodeScalars),
                NoteKey.keyID(name: g.origin, type: NoteKey.ed25519Type, publicKey: raw) == sig.keyID
            {
                return s
            }
        }
        return nil
    }

    /// The auditor certificate record (registered before `limit`) whose key made the witness line `sig`.
    func witnessFor(_ sig: NoteSignature, before limit: Int) -> Int? {
        for r in input.certificateRecords where r.seq < limit && r.cert.roles.contains(.auditor) {
            guard let name = WitnessName.of(r.cert), Array(name.unicodeScalars) == Array(sig.name.unicodeScalars),
                let key = try? r.cert.publicKey, let raw = key.ed25519Raw,
                CosignatureV1.keyID(name: name, publicKey: raw) == sig.keyID
            else { continue }
            return r.seq
        }
        return nil
    }

    mutating func operatorKeyChecks(_ op: Int, at time: LedgerTime?, before: Int) {
        proveRecord(op)
        script.line("certof \"$W/rec-\(op)\" \"$W/c-\(op)\"")
        script.line(
            "hasrole \"$W/c-\(op).pem\" operator || fail 'the operator certificate lacks urn:chiptrail:role:operator: finding operator-invalid'"
        )
        if let time {
            script.line("chainverify \"$W/c-\(op).pem\" \"$W/c-\(op).chain.pem\" \(time.seconds)")
            script.line(
                "ok 'operator certificate chains to the trust anchor at the checkpoint record time \(time.text)'")
            revocationChecks(certSeq: op, before: before, at: time.seconds, label: "operator")
        } else {
            script.line(
                "say 'a bundle holds no checkpoint record: the operator key is not checked at its time (SPEC.md §10)'")
        }
    }

    mutating func witnessSteps(
        _ sig: NoteSignature, checkpointSeq: Int, checkpointTime: LedgerTime?, record: (seq: Int, time: LedgerTime)?,
        textFile: String
    ) {
        guard let w = witnessFor(sig, before: checkpointSeq) else {
            script.line(
                "say 'line \(RecipeScript.plain(sig.name)) \(NoteKey.hex(sig.keyID)): no auditor certificate registered before the checkpoint has this name and key id: ignored (it does not count as a witness)'"
            )
            return
        }
        script.line(
            "say 'witness \(RecipeScript.plain(sig.name)): auditor certificate record seq \(w)\(record.map { ", cosignature record seq \($0.seq) at \($0.time.text)" } ?? "")'"
        )
        proveRecord(w)
        script.line("certof \"$W/rec-\(w)\" \"$W/c-\(w)\"")
        script.line(
            "hasrole \"$W/c-\(w).pem\" auditor || fail 'the witness certificate lacks urn:chiptrail:role:auditor: finding cosignature-invalid'"
        )
        script.line(
            "[ \"$(cn \"$W/c-\(w).pem\" | tr ' \\t' '__')\" = \(RecipeScript.quote(sig.name)) ] || fail 'the key name is not the witness CN with whitespace as _: finding cosignature-invalid'"
        )
        if let record {
            script.line("chainverify \"$W/c-\(w).pem\" \"$W/c-\(w).chain.pem\" \(record.time.seconds)")
            script.line("ok 'witness certificate valid at the cosignature record time \(record.time.text)'")
            revocationChecks(certSeq: w, before: record.seq, at: record.time.seconds, label: "witness")
        }
        let minEpoch = checkpointTime.map { String($0.seconds) } ?? ""
        script.line(
            "cosig \"\(textFile)\" \(RecipeScript.quote(sig.name)) \(RecipeScript.quote(sig.base64)) \"$W/c-\(w).pem\" '\(minEpoch)'"
        )
        if record == nil {
            script.line("chainverify \"$W/c-\(w).pem\" \"$W/c-\(w).chain.pem\" \"$t\"")
            script.line(
                "ok 'witness certificate valid at its cosignature timestamp (a bundle holds no cosignature record)'")
        }
    }

    /// Proves record `s` (embedded as `$W/rec-<s>`) into the checkpoint's tree, once.
    mutating func proveRecord(_ s: Int) {
        guard !proven.contains(s) else { return }
        proven.insert(s)
        let item = s == 0 ? input.genesis : (input.items[s] ?? (input.retracted?.seq == s ? input.retracted : nil))
        script.line("[ \"$(jnum \"$W/rec-\(s)\" seq)\" = \(s) ] || fail 'the embedded record is not seq \(s)'")
        script.line("nocr \"$W/rec-\(s)\"")
        guard let proof = item?.proof, let size = input.latest?.checkpoint.size else {
            script.line("say 'record \(s) lies beyond the checkpoint: its inclusion cannot be proven'")
            return
        }
        script.line("leafhash \"$W/rec-\(s)\" \"$W/rec-\(s).leaf\"")
        let files = (0..<proof.count).map { "\"$W/rec-\(s).p\($0)\"" }.joined(separator: " ")
        script.line("inclusion \"$W/rec-\(s).leaf\" \(s) \(size) \"$W/cp.root\" \(files)")
        script.line("ok 'record \(s) (sha256 \(Digest.sha256Hex(item!.line))) is leaf \(s) of the checkpoint tree'")
    }

    /// The chain from the certificate of record `certSeq` to the anchor is not revoked by any CRL recorded before
    /// `before` (ledger rule), and openssl's own CRL check beside it.
    mutating func revocationChecks(certSeq: Int, before: Int, at epoch: Int64, label: String) {
        let item = certSeq == 0 ? input.genesis : (certSeq == seq ? input.target : input.items[certSeq])
        guard let item else { return }
        let leafDER: [UInt8]
        let chainDER: [[UInt8]]
        switch item.record.body {
        case .genesis(let g): (leafDER, chainDER) = (g.operatorCert, g.chain)
        case .certificate(let c, let ch): (leafDER, chainDER) = (c, ch)
        default: return
        }
        guard let leaf = try? Certificate(der: leafDER) else { return }
        // The path: the leaf, the chain's certificates that are not self-signed (by index), the anchor.
        var path: [(file: String, cert: Certificate)] = [("$W/c-\(certSeq).pem", leaf)]
        for (i, der) in chainDER.enumerated() {
            guard let c = try? Certificate(der: der), !c.isSelfSigned else { continue }
            path.append(("$W/c-\(certSeq).ch\(i).pem", c))
        }
        path.append(("$ROOT", input.anchor))
        let crls = input.crlRecords.filter { $0.seq < before }
        var covered: [Bool] = []
        var used: [Int] = []
        for k in 0..<(path.count - 1) {
            let (childFile, _) = path[k]
            let issuer = path[k + 1]
            let mine = crls.filter {
                $0.crl.issuer == issuer.cert.subject && $0.crl.isSignature(validUnder: issuer.cert)
            }
            covered.append(!mine.isEmpty)
            for r in mine {
                proveRecord(r.seq)
                script.line("crlof \"$W/rec-\(r.seq)\" \"$W/crl-\(r.seq).der\"")
                script.line("notrevoked \"\(childFile)\" \"\(issuer.file)\" \"$W/crl-\(r.seq).der\" \(r.seq)")
                used.append(r.seq)
            }
        }
        if used.isEmpty {
            script.line(
                "say 'no CRL by a CA of the \(label) path is recorded before it: nothing is revoked (ledger rule)'")
            script.line(
                "differs 'openssl verify -crl_check_all would refuse the path: it wants a CRL from every CA, the ledger needs none'"
            )
            return
        }
        let flag = covered.allSatisfy { $0 } ? "-crl_check_all" : (covered.first == true ? "-crl_check" : nil)
        guard let flag else {
            script.line(
                "differs 'only CAs above the issuer of the \(label) certificate published CRLs; openssl -crl_check_all wants one from every CA'"
            )
            return
        }
        if flag == "-crl_check" {
            script.line(
                "differs 'a CA above the issuer of the \(label) certificate published no CRL: openssl is run with -crl_check (the CRL of the issuer only), as -crl_check_all would want a CRL from every CA; the ledger needs none'"
            )
        }
        let files = Array(Set(used)).sorted().map { "\"$W/crl-\($0).der\"" }.joined(separator: " ")
        script.line("opensslcrl \"$W/c-\(certSeq).pem\" \"$W/c-\(certSeq).chain.pem\" \(epoch) \(flag) \(files)")
    }

    // MARK: the record's own line

    mutating func lineSteps() {
        script.line()
        script.line("step 'record \(seq): the exact line bytes'")
        if isLedger {
            script.line("readline \"$LEDGER\" \(seq) \"$W/line\"")
        } else {
            script.line("cp \"$W/target.line\" \"$W/line\"")
        }
        script.line("nocr \"$W/line\"")
        script.line(
            "[ \"$(jnum \"$W/line\" seq)\" = \(seq) ] || fail 'the line does not carry seq \(seq): finding seq-mismatch'"
        )
        script.line(
            "[ \"$(jnum \"$W/line\" v)\" = 1 ] || fail 'the line does not carry v 1: finding unsupported-version'")
        script.line("TYPE=$(jstr \"$W/line\" type)")
        script.line("TIME=$(jstr \"$W/line\" time)")
        script.line("T=$(epoch \"$TIME\")")
        script.line("H=$(sha256hex \"$W/line\")")
        script.line("say \"type $TYPE, time $TIME (epoch $T), $(size \"$W/line\") bytes, sha256 $H\"")
        let made = Digest.sha256Hex(input.target.line)
        script.line(
            "[ \"$H\" = \(made) ] && ok 'the same bytes as the line this script was made from' || say 'these bytes differ from the line this script was made from (sha256 \(made)); the checks below decide'"
        )

        script.line()
        script.line(
            seq == 0
                ? "step 'record 0: the prev link (null for genesis)'"
                : "step 'record \(seq): the prev link (SHA-256 of line \(seq - 1))'")
        if seq == 0 {
            script.line(
                "grep -q '\"prev\":null' \"$W/line\" || fail 'genesis must have prev null: finding prev-mismatch'")
            script.line("ok 'prev is null'")
            return
        }
        if isLedger {
            script.line("readline \"$LEDGER\" \(seq - 1) \"$W/prevline\"")
        } else if let p = input.previous {
            script.line("cp \"$W/rec-\(p.seq)\" \"$W/prevline\"")
        } else {
            script.line(
                "say 'the bundle holds no entry \(seq - 1): the prev link cannot be checked from the bundle (the inclusion proof below binds the line instead)'"
            )
            return
        }
        script.line("P=$(jstr \"$W/line\" prev)")
        script.line(
            "[ \"$P\" = \"$(sha256hex \"$W/prevline\")\" ] || fail \"prev $P is not the SHA-256 of line \(seq - 1) ($(sha256hex \"$W/prevline\")): finding prev-mismatch\""
        )
        script.line(
            "[ \"$(epoch \"$(jstr \"$W/prevline\" time)\")\" -le \"$T\" ] || fail 'time decreases from line \(seq - 1): finding time-regression'"
        )
        script.line("ok \"prev $P is the SHA-256 of line \(seq - 1)\"")
    }

    // MARK: checks by record type

    mutating func typeSteps() throws {
        script.line()
        let r = input.target.record
        script.line(
            "[ \"$TYPE\" = \(r.type.rawValue) ] || fail \"the record is a $TYPE, not a \(r.type.rawValue): the script was made for another line\""
        )
        switch r.body {
        case .genesis(let g): genesisSteps(g)
        case .certificate: certificateSteps()
        case .crl(let der): crlSteps(der)
        case .statement(let env): statementSteps(env)
        case .checkpoint(let note): checkpointRecordSteps(note)
        case .cosignature(let cp, let note): cosignatureRecordSteps(checkpoint: cp, note: note)
        }
    }

    mutating func genesisSteps(_ g: Record.Genesis) {
        script.line("step 'genesis: origin, anchors and the operator certificate'")
        script.line("O=$(jstr \"$W/line\" origin)")
        script.line(
            "printf '%s' \"$O\" | grep -q '^[^[:space:]+][^[:space:]+]*$' || fail 'the origin is empty or holds whitespace or +: finding invalid-origin'"
        )
        script.line(
            "jlist \"$W/line\" anchors | grep -qx \"$A\" || fail 'the trust anchor is not listed in anchors: finding untrusted-ledger'"
        )
        script.line("certof \"$W/line\" \"$W/c-0\"")
        script.line(
            "hasrole \"$W/c-0.pem\" operator || fail 'the operator certificate lacks the operator role: finding operator-invalid'"
        )
        script.line("chainverify \"$W/c-0.pem\" \"$W/c-0.chain.pem\" \"$T\"")
        script.line("ok \"origin $O; operator certificate chains to the trust anchor at $TIME\"")
    }

    mutating func certificateSteps() {
        script.line("step 'certificate: the chain at the record time (openssl verify -attime)'")
        script.line("certof \"$W/line\" \"$W/c-\(seq)\"")
        script.line(
            "say \"subject $(openssl x509 -in \"$W/c-\(seq).pem\" -noout -subject -nameopt RFC2253 | sed 's/^subject=//'), serial $(openssl x509 -in \"$W/c-\(seq).pem\" -noout -serial | sed 's/^serial=//')\""
        )
        script.line("chainverify \"$W/c-\(seq).pem\" \"$W/c-\(seq).chain.pem\" \"$T\"")
        script.line("ok 'the certificate chains to the trust anchor at the record time'")
        script.line()
        script.line("step 'certificate: revocation by CRLs recorded before seq \(seq)'")
        revocationChecks(certSeq: seq, before: seq, at: input.target.record.time.seconds, label: "certificate")
    }

    mutating func crlSteps(_ der: [UInt8]) {
        script.line("step 'crl: signed by a CA of a chain the ledger registered (or the anchor)'")
        script.line("crlof \"$W/line\" \"$W/crl.der\"")
        script.line(
            "openssl crl -inform DER -in \"$W/crl.der\" -out \"$W/crl.pem\" 2>/dev/null || fail 'the CRL does not parse'"
        )
        script.line(
            "say \"issuer $(openssl crl -in \"$W/crl.pem\" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//'), thisUpdate $(openssl crl -in \"$W/crl.pem\" -noout -lastupdate | sed 's/^lastUpdate=//')\""
        )
        guard let crl = try? CRL(der: der) else {
            script.line("fail 'the CRL does not parse'")
            return
        }
        // The issuer: the anchor, a certificate of the genesis chain, or one of a certificate record's chain.
        if crl.isSignature(validUnder: input.anchor) {
            script.line("caprofile \"$ROOT\"")
            script.line(
                "openssl crl -in \"$W/crl.pem\" -CAfile \"$ROOT\" -noout 2>/dev/null || fail 'the CRL signature does not verify under the trust anchor: finding crl-signature-invalid'"
            )
            script.line("ok 'signed by the trust anchor'")
            return
        }
        var sources: [(Int, [UInt8], [[UInt8]])] = []
        if let g = input.genesisBody { sources.append((0, g.operatorCert, g.chain)) }
        for r in input.certificateRecords where r.seq < seq { sources.append((r.seq, r.cert.der, r.chain.map(\.der))) }
        for (s, leaf, chain) in sources {
            let certs = [leaf] + chain
            for (i, der) in certs.enumerated() {
                guard let c = try? Certificate(der: der), crl.isSignature(validUnder: c) else { continue }
                let file = i == 0 ? "$W/c-\(s).pem" : "$W/c-\(s).ch\(i - 1).pem"
                let untrusted = "$W/c-\(s).chain.pem"
                proveRecord(s)
                script.line("certof \"$W/rec-\(s)\" \"$W/c-\(s)\"")
                script.line(
                    "say 'issuer certificate: \(i == 0 ? "the certificate" : "chain entry \(i - 1)") of the record at seq \(s)'"
                )
                script.line("caprofile \"\(file)\"")
                script.line(
                    "openssl crl -in \"$W/crl.pem\" -CAfile \"\(file)\" -noout 2>/dev/null || fail 'the CRL signature does not verify under its issuer: finding crl-signature-invalid'"
                )
                script.line("chainverify \"\(file)\" \"\(untrusted)\" \"$T\"")
                script.line("ok 'the CRL is signed by a CA whose chain is valid at the record time'")
                script.line(
                    "say \"revokes: $(openssl crl -in \"$W/crl.pem\" -noout -text | sed -n 's/^ *Serial Number: //p' | tr '\\n' ' ')(from this record's position on, whatever their revocationDate)\""
                )
                return
            }
        }
        script.line("fail 'no CA registered before this record signed the CRL: finding crl-issuer-unknown'")
    }

    mutating func statementSteps(_ env: Envelope) {
        script.line("step 'statement: the DSSE envelope'")
        script.line("PT=$(jstr \"$W/line\" payloadType)")
        script.line(
            "[ \"$PT\" = 'application/vnd.in-toto+json' ] || fail \"payloadType $PT: finding unsupported-payload-type\""
        )
        script.line("b64d \"$(jstr \"$W/line\" payload)\" \"$W/payload\"")
        script.comment(
            "PAE(type, body) = \"DSSEv1\" SP len(type) SP type SP len(body) SP body (lengths in ASCII decimal bytes).")
        script.line(
            "{ printf 'DSSEv1 %s %s %s ' \"${#PT}\" \"$PT\" \"$(size \"$W/payload\")\"; cat \"$W/payload\"; } > \"$W/pae\""
        )
        script.line("PRED=$(jstr \"$W/payload\" predicateType)")
        script.line("say \"payload $(size \"$W/payload\") bytes, predicateType $PRED\"")
        script.line("case $PRED in")
        script.line("urn:chiptrail:export-license:v1) ROLE=regulator ;;")
        script.line("urn:chiptrail:supply-sufficiency:v1) ROLE=exporter ;;")
        script.line("urn:chiptrail:lab-test:v1) ROLE=lab ;;")
        script.line("urn:chiptrail:customs-decision:v1) ROLE=customs ;;")
        script.line("*) ROLE= ;;")
        script.line("esac")
        script.line("NSIG=$(grep -o '\"sig\":\"' \"$W/line\" | wc -l | tr -d ' ')")
        script.line(
            "[ \"$NSIG\" = \(env.signatures.count) ] || fail \"the envelope holds $NSIG signatures, not \(env.signatures.count)\""
        )
        script.line("grep -o '\"keyid\":\"[^\"]*\",\"sig\":\"[^\"]*\"' \"$W/line\" > \"$W/sigs\"")
        script.line(
            "[ \"$(wc -l < \"$W/sigs\" | tr -d ' ')\" = \(env.signatures.count) ] || fail 'the signatures are not {keyid, sig} objects'"
        )
        for (i, sig) in env.signatures.enumerated() {
            script.line()
            script.line("step 'statement: signature \(i + 1) of \(env.signatures.count)'")
            script.line("sed -n \(i + 1)p \"$W/sigs\" > \"$W/sig\(i)\"")
            script.line("KEYID=$(jstr \"$W/sig\(i)\" keyid | tr 'A-F' 'a-f')")
            script.line("b64d \"$(jstr \"$W/sig\(i)\" sig)\" \"$W/sig\(i).bin\"")
            let keyid = sig.keyid.lowercased()
            guard let reg = input.certificateRecords.first(where: { $0.seq < seq && $0.cert.fingerprint == keyid })
            else {
                script.line(
                    "fail \"no certificate record before seq \(seq) registers keyid $KEYID: finding unknown-signer\"")
                continue
            }
            script.line("say \"keyid $KEYID: registered by the certificate record at seq \(reg.seq)\"")
            proveRecord(reg.seq)
            script.line("certof \"$W/rec-\(reg.seq)\" \"$W/c-\(reg.seq)\"")
            script.line(
                "[ \"$(sha256hex \"$W/c-\(reg.seq).der\")\" = \"$KEYID\" ] || fail 'keyid is not the SHA-256 of the registered certificate: finding unknown-signer'"
            )
            script.line("leafprofile \"$W/c-\(reg.seq).pem\"")
            script.line(
                "if [ -n \"$ROLE\" ]; then hasrole \"$W/c-\(reg.seq).pem\" \"$ROLE\" || fail \"the signer lacks urn:chiptrail:role:$ROLE: finding role-not-permitted\"; ok \"signer holds role $ROLE\"; else say \"$PRED: no fixed role (a retraction is checked against its target below, SPEC.md §9.6)\"; fi"
            )
            script.line("pubkey \"$W/c-\(reg.seq).pem\" \"$W/k\(i).pub\"")
            script.line(
                "dssesig \"$W/pae\" \"$W/sig\(i).bin\" \"$W/k\(i).pub\" || fail \"the $(keytype \"$W/k\(i).pub\") signature over the PAE does not verify: finding signature-invalid\""
            )
            script.line("ok \"$(keytype \"$W/k\(i).pub\") signature over the PAE verifies\"")
            script.line("chainverify \"$W/c-\(reg.seq).pem\" \"$W/c-\(reg.seq).chain.pem\" \"$T\"")
            script.line(
                "ok 'the signer chains to the trust anchor at the record time (signer-not-yet-valid / signer-expired otherwise)'"
            )
            revocationChecks(certSeq: reg.seq, before: seq, at: input.target.record.time.seconds, label: "signer")
        }
        if RecipeInput.retractedHash(input.target.record) != nil { retractionSteps(env) }
    }

    /// SPEC.md §9.6: the target is an earlier statement (not a retraction) with the same subject, and every signer
    /// shares a target signer's organisation (present on both) and one of its roles.
    mutating func retractionSteps(_ env: Envelope) {
        script.line()
        script.line("step 'retraction: the retracted statement'")
        script.line("R=$(jstr \"$W/payload\" retracts | tr 'A-F' 'a-f')")
        guard let t = input.retracted, case .statement(let tenv) = t.record.body else {
            script.line(
                "fail \"no earlier record of the \(isLedger ? "ledger" : "bundle") has line hash $R (only statements can be retracted): finding retraction-invalid\""
            )
            return
        }
        script.line("say \"retracts $R: the statement at seq \(t.seq)\"")
        proveRecord(t.seq)
        script.line(
            "[ \"$(sha256hex \"$W/rec-\(t.seq)\")\" = \"$R\" ] || fail 'the record at seq \(t.seq) does not have that line hash'"
        )
        script.line(
            "[ \"$(jstr \"$W/rec-\(t.seq)\" type)\" = statement ] || fail 'only statements can be retracted: finding retraction-invalid'"
        )
        script.line("b64d \"$(jstr \"$W/rec-\(t.seq)\" payload)\" \"$W/tpayload\"")
        script.line(
            "[ \"$(jstr \"$W/tpayload\" predicateType)\" != urn:chiptrail:retraction:v1 ] || fail 'a retraction cannot be retracted: finding retraction-invalid'"
        )
        script.line(
            "[ \"$(jstr \"$W/tpayload\" name)\" = \"$(jstr \"$W/payload\" name)\" ] || fail 'the subject name differs from the target: finding retraction-invalid'"
        )
        script.line(
            "[ \"$(jstr \"$W/tpayload\" sha256)\" = \"$(jstr \"$W/payload\" sha256)\" ] || fail 'the subject digest differs from the target: finding retraction-invalid'"
        )
        script.line("ok \"same subject $(jstr \"$W/payload\" name), digest $(jstr \"$W/payload\" sha256)\"")
        var targetFiles: [String] = []
        for sig in tenv.signatures {
            guard
                let reg = input.certificateRecords.first(where: {
                    $0.seq < t.seq && $0.cert.fingerprint == sig.keyid.lowercased()
                })
            else { continue }
            proveRecord(reg.seq)
            script.line("certof \"$W/rec-\(reg.seq)\" \"$W/c-\(reg.seq)\"")
            targetFiles.append("\"$W/c-\(reg.seq).pem\"")
        }
        for sig in env.signatures {
            guard
                let reg = input.certificateRecords.first(where: {
                    $0.seq < seq && $0.cert.fingerprint == sig.keyid.lowercased()
                })
            else { continue }
            script.line("MATCH=")
            script.line("O=$(org \"$W/c-\(reg.seq).pem\")")
            script.line("for G in \(targetFiles.joined(separator: " ")); do")
            script.line("    [ -n \"$O\" ] && [ \"$O\" = \"$(org \"$G\")\" ] || continue")
            script.line(
                "    for role in $(roles \"$G\"); do hasrole \"$W/c-\(reg.seq).pem\" \"$role\" && MATCH=$role; done")
            script.line("done")
            script.line(
                "[ -n \"$MATCH\" ] || fail \"the signer (O=$O) shares no organisation and role with a signer of the target: finding retraction-invalid\""
            )
            script.line("ok \"signer of O=$O with role $MATCH, as a signer of the target\"")
        }
    }

    mutating func checkpointRecordSteps(_ note: String) {
        script.line("step 'checkpoint record: commits to the \(seq) lines before it'")
        script.line("jnote \"$W/line\" \"$W/own.note\"")
        script.line("notetext \"$W/own.note\" \"$W/own.text\"")
        script.line(
            "[ \"$(sed -n 1p \"$W/own.text\")\" = \"$(jstr \"$W/rec-0\" origin)\" ] || fail 'the origin is not genesis origin: finding checkpoint-origin-mismatch'"
        )
        script.line(
            "[ \"$(sed -n 2p \"$W/own.text\")\" = \(seq) ] || fail 'the size is not \(seq): finding checkpoint-size-mismatch'"
        )
        script.line("b64d \"$(sed -n 3p \"$W/own.text\")\" \"$W/own.root\"")
        if let tail = input.tailProof, isLedger {
            script.line("readline \"$LEDGER\" \(seq - 1) \"$W/last\"")
            script.line("leafhash \"$W/last\" \"$W/last.leaf\"")
            let files = (0..<tail.count).map { "\"$W/tail.p\($0)\"" }.joined(separator: " ")
            script.line("inclusion \"$W/last.leaf\" \(seq - 1) \(seq) \"$W/own.root\" \(files)")
            script.line(
                "ok \"line \(seq - 1) is the last leaf of the tree of size \(seq) with root $(hexof \"$W/own.root\")\"")
        }
        script.line()
        script.line("step 'checkpoint record: operator signature'")
        let parsed = try? SignedNote(parsing: note)
        var any = false
        for sig in parsed?.signatures ?? [] {
            guard let op = operatorFor(sig, before: seq) else { continue }
            any = true
            operatorKeyChecks(op, at: input.target.record.time, before: seq)
            script.line(
                "opsig \"$W/own.text\" \(RecipeScript.quote(sig.name)) \(RecipeScript.quote(sig.base64)) \"$W/c-\(op).pem\""
            )
        }
        if !any {
            script.line(
                "fail 'no signature line is by a registered operator key: finding checkpoint-signature-invalid'")
        }
    }

    mutating func cosignatureRecordSteps(checkpoint cp: Int, note: String) {
        script.line("step 'cosignature record: the checkpoint at seq \(cp) with witness lines'")
        script.line("[ \"$(jnum \"$W/line\" checkpoint)\" = \(cp) ] || fail 'the record names another checkpoint'")
        guard let cpItem = input.items[cp], case .checkpoint(let cpNote) = cpItem.record.body else {
            script.line("fail 'seq \(cp) is not a checkpoint record: finding cosignature-invalid'")
            return
        }
        proveRecord(cp)
        if isLedger {
            script.line("readline \"$LEDGER\" \(cp) \"$W/cpline\"")
            script.line(
                "same \"$W/cpline\" \"$W/rec-\(cp)\" || fail 'line \(cp) of the ledger is not the checkpoint record this script embeds'"
            )
        }
        script.line("jnote \"$W/rec-\(cp)\" \"$W/cp\(cp).note\"")
        script.line("notetext \"$W/cp\(cp).note\" \"$W/cp\(cp).text\"")
        script.line("jnote \"$W/line\" \"$W/own.note\"")
        script.line("notetext \"$W/own.note\" \"$W/own.text\"")
        script.line(
            "same \"$W/own.text\" \"$W/cp\(cp).text\" || fail 'the cosigned text is not the text of checkpoint \(cp): finding cosignature-invalid'"
        )
        script.line("ok 'the same checkpoint text as seq \(cp)'")
        let own = (try? SignedNote(parsing: note))?.signatures ?? []
        let cpTime = cpItem.record.time
        _ = cpNote
        var witnesses = 0
        for sig in own {
            if let op = operatorFor(sig, before: cp) {
                operatorKeyChecks(op, at: cpTime, before: cp)
                script.line(
                    "opsig \"$W/own.text\" \(RecipeScript.quote(sig.name)) \(RecipeScript.quote(sig.base64)) \"$W/c-\(op).pem\""
                )
                continue
            }
            if witnessFor(sig, before: cp) != nil { witnesses += 1 }
            witnessSteps(
                sig, checkpointSeq: cp, checkpointTime: cpTime, record: (seq, input.target.record.time),
                textFile: "$W/own.text")
        }
        if witnesses == 0 {
            script.line(
                "fail 'no cosignature by a witness registered before the checkpoint: finding cosignature-invalid'")
        } else {
            script.line("ok '\(witnesses) witness cosignature(s) verified'")
        }
    }

    // MARK: inclusion

    mutating func inclusionStep() {
        script.line()
        script.line("step 'record \(seq): leaf hash and inclusion proof'")
        script.comment("RFC 6962: leaf hash = SHA-256(0x00 || line); interior = SHA-256(0x01 || left || right).")
        guard let proof = input.target.proof, let latest = input.latest else {
            let size = input.latest?.checkpoint.size ?? 0
            script.line(
                "say 'record \(seq) lies beyond the latest checkpoint (tree size \(size)): no inclusion proof exists yet (uncheckpointed tail, or the latest checkpoint and its cosignatures themselves)'"
            )
            return
        }
        script.line("leafhash \"$W/line\" \"$W/leaf\"")
        script.line("say \"leaf hash $(hexof \"$W/leaf\")\"")
        let files = (0..<proof.count).map { "\"$W/target.p\($0)\"" }.joined(separator: " ")
        script.line("inclusion \"$W/leaf\" \(seq) \(latest.checkpoint.size) \"$W/cp.root\" \(files)")
        script.line(
            "ok 'record \(seq) is leaf \(seq) of the tree of size \(latest.checkpoint.size) that the checkpoint signs (\(proof.count) proof hashes)'"
        )
    }
}
