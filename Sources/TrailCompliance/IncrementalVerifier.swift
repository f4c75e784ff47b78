import Foundation
import TrailCrypto
import TrailLedger

/// Incremental `ledger verify` (SPEC.md §10.4): integrity and compliance like `LedgerCheck.stream`, but after a
/// STATE file written by an earlier run it verifies only the records appended since, re-evaluates only the shipments
/// they touch (and the ledger-wide quantity rules over every shipment), and reports exactly what a full run reports.
/// Without a STATE file it runs in full and writes one. A tiles monitor can call it the same way.
///
/// The STATE holds the verifier's `VerifierSnapshot` and, per shipment, its statements (seq, offset, integrity,
/// signers), its evaluation before the quantity rules and the inputs of those rules; bound to the origin, the
/// anchors, the policy's hash and `formatVersion`, and ended by its own SHA-256.
public enum IncrementalVerifier {
    /// The version of the STATE format; another version is refused (`state-version-unsupported`).
    public static let formatVersion = 1
    static let magic = Array("ctstate\u{0}".utf8)

    public struct Outcome: Sendable {
        public var report: VerificationReport
        /// Records of the verified prefix the run resumed after (nil for a full run).
        public var resumedFrom: Int?
    }

    /// Verifies `path`, resuming after `statePath` when it exists, and writes the new STATE to `statePath` (atomically).
    @discardableResult
    public static func stream(
        path: String, statePath: String, options: VerifyOptions, policy: Policy, predicateRules: [any PredicateTypeRule] = [],
        onProgress: ((Int64) -> Void)? = nil, onIntegrity: (VerificationReport, _ resumedFrom: Int?) throws -> Void = { _, _ in },
        onShipment: (ShipmentReport) throws -> Void
    ) throws -> Outcome {
        let evaluator = ComplianceEvaluator(policy: policy, predicateRules: predicateRules)
        var resumedFrom: Int?
        // The verifier (and its history) is released once its snapshot is taken, before the shipments are evaluated.
        var (report, snapshot) = try { () throws -> (VerificationReport, VerifierSnapshot) in
            let verifier: LedgerVerifier
            if FileManager.default.fileExists(atPath: statePath) {
                let file = try StateFile(path: statePath)
                guard file.policyHash == policyHash(policy, predicateRules) else {
                    throw TrailError.usage(
                        "state-policy-mismatch", "\(statePath) was written under another policy",
                        remedy: "pass the --policy the state was written with, or another --state file"
                    ).at(file: statePath)
                }
                verifier = try LedgerVerifier(path: path, options: options, resuming: file.ledger)
                try evaluator.restore(file, ledgerPath: path)
                resumedFrom = file.ledger.records
            } else {
                verifier = LedgerVerifier(path: path, options: options)
            }
            verifier.captureSnapshot()
            verifier.prepare = ComplianceEvaluator.prepare
            verifier.onStatement = { evaluator.consume($0) }
            verifier.onProgress = onProgress
            let report = try verifier.run()
            return (report, try verifier.snapshot())
        }()
        LedgerCheck.checkWitnesses(&report, policy: policy)
        try onIntegrity(report, resumedFrom)
        let hash = policyHash(policy, predicateRules)
        try FileIO.writeAtomically(to: statePath, overwrite: true) { file in
            let out = StateOutput(file)
            try StateWriter.begin(out, ledger: snapshot, policyHash: hash)
            snapshot = VerifierSnapshot.empty  // written: its tables need not stay in memory
            let writer = StateWriter(out, strings: evaluator.prior?.strings ?? StateStrings())
            if evaluator.prior == nil {
                evaluator.onAnalysis = { id, refs, a in
                    writer.add(ShipmentRecord.encode(id: id, refs: refs, a, strings: &writer.strings))
                }
            }
            evaluator.stateWriter = writer
            try evaluator.evaluate(each: onShipment)
            try writer.finish(evaluator: evaluator)
        }
        return Outcome(report: report, resumedFrom: resumedFrom)
    }

    /// SHA-256 of the policy's canonical JSON and the extra predicate types.
    static func policyHash(_ p: Policy, _ rules: [any PredicateTypeRule]) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        var bytes = [UInt8]((try? enc.encode(p)) ?? Data())
        for r in rules { bytes += Array("\n\(r.predicateType) \(r.role.rawValue) \(r.step)".utf8) }
        return Digest.sha256Hex(bytes)
    }
}

extension LedgerCheck {
    /// The policy's witness requirement on the latest checkpoint (an integrity finding).
    static func checkWitnesses(_ report: inout VerificationReport, policy: Policy) {
        guard policy.requiredWitnesses > 0 else { return }
        let have = report.latestCheckpoint?.witnesses.count ?? 0
        if have < policy.requiredWitnesses {
            report.findings.append(
                Finding(
                    seq: report.latestCheckpoint?.seq ?? 0, code: "insufficient-witnesses",
                    message: "the latest checkpoint has \(have) valid witness cosignature(s); the policy requires \(policy.requiredWitnesses)",
                    remedy: "have auditors run `chiptrail ledger cosign` and append their cosignatures"))
        }
    }
}

// MARK: - Per-shipment records

/// A statement of a shipment as the STATE keeps it: where its line is and what verification said of it.
struct StatementRef {
    var seq: Int
    var offset: Int64
    var intact: Bool
    var signers: Int32
    var codes: [String]
}

extension ComplianceEvaluator {
    func refs(_ st: ShipmentState) -> [StatementRef] {
        st.entries.map {
            StatementRef(seq: $0.seq, offset: $0.offset, intact: $0.intact, signers: $0.signers, codes: $0.intact ? [] : brokenCodes[$0.seq] ?? [])
        }
    }
}

/// Strings a STATE interns (step names, codes, exporters, licenses, destinations): compared as bytes.
struct StateStrings {
    var list: [String] = []
    var index: [[UInt8]: Int] = [:]

    mutating func id(_ s: String) -> Int {
        let k = Array(s.utf8)
        if let i = index[k] { return i }
        list.append(s)
        index[k] = list.count - 1
        return list.count - 1
    }
}

/// LEB128 varints, zigzag integers and length-prefixed strings.
struct CompactWriter {
    var bytes: [UInt8] = []

    mutating func v(_ x: UInt64) {
        var x = x
        while x >= 0x80 {
            bytes.append(UInt8(x & 0x7F) | 0x80)
            x >>= 7
        }
        bytes.append(UInt8(x))
    }
    mutating func v(_ x: Int) { v(UInt64(max(0, x))) }
    mutating func i(_ x: Int) { v(UInt64(bitPattern: Int64((x << 1) ^ (x >> 63)))) }
    mutating func lit(_ s: String) {
        v(s.utf8.count)
        bytes += s.utf8
    }
    mutating func blob(_ b: [UInt8]) {
        v(b.count)
        bytes += b
    }
    mutating func str(_ s: String, _ t: inout StateStrings) { v(t.id(s)) }
    mutating func opt(_ s: String?, _ t: inout StateStrings) { v(s.map { t.id($0) + 1 } ?? 0) }
    mutating func ints(_ a: [Int]) {
        v(a.count)
        for x in a { i(x) }
    }
}

struct CompactReader {
    let bytes: ArraySlice<UInt8>
    var at: Int
    let end: Int
    let strings: [String]

    init(_ b: ArraySlice<UInt8>, strings: [String] = []) {
        bytes = b
        at = b.startIndex
        end = b.endIndex
        self.strings = strings
    }

    static func bad() -> TrailError {
        TrailError.malformed(
            "state-corrupt", "the state file is damaged: a shipment record does not decode",
            remedy: "delete the state file and run a full verification to write it again")
    }

    mutating func byte() throws -> UInt8 {
        guard at < end else { throw Self.bad() }
        defer { at += 1 }
        return bytes[at]
    }
    mutating func v() throws -> UInt64 {
        var x: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw Self.bad() }
            x |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return x }
            shift += 7
        }
    }
    mutating func n() throws -> Int {
        let x = try v()
        guard x <= UInt64(Int32.max) else { throw Self.bad() }
        return Int(x)
    }
    mutating func i() throws -> Int {
        let z = try v()
        return Int(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
    }
    mutating func raw(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= end - at else { throw Self.bad() }
        defer { at += n }
        return bytes[at..<(at + n)]
    }
    mutating func lit() throws -> String { String(decoding: try raw(try n()), as: UTF8.self) }
    mutating func blob() throws -> [UInt8] { Array(try raw(try n())) }
    mutating func str() throws -> String {
        let k = try n()
        guard k < strings.count else { throw Self.bad() }
        return strings[k]
    }
    mutating func opt() throws -> String? {
        let k = try n()
        guard k <= strings.count else { throw Self.bad() }
        return k == 0 ? nil : strings[k - 1]
    }
    mutating func ints() throws -> [Int] { try (0..<(try n())).map { _ in try i() } }
}

/// One shipment in a STATE: id, license (read to find the shipments a new license statement touches), the
/// quantity rules' inputs, its statements, then its report before the quantity rules.
enum ShipmentRecord {
    typealias Supply = (seq: Int, license: String, exporter: String, destination: String, counted: Int, usUnits: Int)

    static func encode(id: String, refs: [StatementRef], _ a: ComplianceEvaluator.Analysis, strings t: inout StateStrings) -> [UInt8] {
        var w = CompactWriter()
        let r = a.report
        w.lit(id)
        w.opt(r.license, &t)
        w.v(a.usFigures.count)
        for f in a.usFigures {
            w.i(f.seq)
            w.str(f.exporter, &t)
            w.i(f.units)
        }
        if let seq = a.supplySeq, let m = a.supply {
            w.v(1)
            w.i(seq)
            w.str(m.license, &t)
            w.str(m.exporter, &t)
            w.str(m.destination, &t)
            w.i(m.countedUnits)
            w.i(m.usUnitsShipped)
        } else {
            w.v(0)
        }
        w.v(refs.count)
        for s in refs {
            w.i(s.seq)
            w.i(Int(s.offset))
            w.v(s.intact ? 1 : 0)
            w.i(Int(s.signers))
            if !s.intact {
                w.v(s.codes.count)
                for c in s.codes { w.str(c, &t) }
            }
        }
        w.v(r.steps.count)
        for s in r.steps {
            w.str(s.name, &t)
            w.v(s.done ? 1 : 0)
            w.ints(s.seqs)
        }
        w.v(r.missing.count)
        for m in r.missing { w.str(m, &t) }
        w.v(r.violations.count)
        for v in r.violations {
            w.str(v.code, &t)
            w.lit(v.message)
            w.ints(v.seqs)
        }
        w.opt(r.decision, &t)
        // A manifest digest is 64 lowercase hex digits: kept as its 32 bytes.
        if let m = r.manifestDigest, let b = Hex.decode(m), b.count == 32, Hex.encode(b) == m {
            w.v(2)
            w.bytes += b
        } else if let m = r.manifestDigest {
            w.v(1)
            w.lit(m)
        } else {
            w.v(0)
        }
        w.opt(r.exporter, &t)
        if let q = r.quantity {
            w.v(1)
            w.i(q)
        } else {
            w.v(0)
        }
        w.opt(r.destination, &t)
        w.ints(r.unverifiableSeqs)
        w.v(r.unverifiableCodes.count)
        for c in r.unverifiableCodes { w.str(c, &t) }
        return w.bytes
    }

    /// The head of a record: id, license, quantity inputs; `r` is left at the statements.
    static func head(_ r: inout CompactReader) throws -> (
        id: String, license: String?, figures: [(seq: Int, exporter: String, units: Int)], supply: Supply?
    ) {
        let id = try r.lit()
        let license = try r.opt()
        var figures: [(seq: Int, exporter: String, units: Int)] = []
        for _ in 0..<(try r.n()) { figures.append((try r.i(), try r.str(), try r.i())) }
        var supply: Supply?
        if try r.n() == 1 { supply = (try r.i(), try r.str(), try r.str(), try r.str(), try r.i(), try r.i()) }
        return (id, license, figures, supply)
    }

    static func refs(_ r: inout CompactReader) throws -> [StatementRef] {
        try (0..<(try r.n())).map { _ in
            let seq = try r.i()
            let offset = Int64(try r.i())
            let intact = try r.n() == 1
            let signers = Int32(truncatingIfNeeded: try r.i())
            var codes: [String] = []
            if !intact { codes = try (0..<(try r.n())).map { _ in try r.str() } }
            return StatementRef(seq: seq, offset: offset, intact: intact, signers: signers, codes: codes)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lowercase hex, written straight into the string's storage.
    static func hex(_ b: ArraySlice<UInt8>) -> String {
        String(unsafeUninitializedCapacity: b.count * 2) { out in
            var i = 0
            for x in b {
                out[i] = hexDigits[Int(x >> 4)]
                out[i + 1] = hexDigits[Int(x & 0x0F)]
                i += 2
            }
            return i
        }
    }

    /// The report (before the quantity rules) that follows the statements.
    static func report(id: String, license: String?, _ r: inout CompactReader) throws -> ShipmentReport {
        var s = ShipmentReport(id: id)
        s.license = license
        s.steps = try (0..<(try r.n())).map { _ in Step(name: try r.str(), done: try r.n() == 1, seqs: try r.ints()) }
        s.missing = try (0..<(try r.n())).map { _ in try r.str() }
        s.violations = try (0..<(try r.n())).map { _ in Violation(code: try r.str(), message: try r.lit(), seqs: try r.ints()) }
        s.decision = try r.opt()
        switch try r.n() {
        case 2: s.manifestDigest = hex(try r.raw(32))
        case 1: s.manifestDigest = try r.lit()
        default: break
        }
        s.exporter = try r.opt()
        if try r.n() == 1 { s.quantity = try r.i() }
        s.destination = try r.opt()
        s.unverifiableSeqs = try r.ints()
        s.unverifiableCodes = try (0..<(try r.n())).map { _ in try r.str() }
        return s
    }
}

// MARK: - The STATE file

/// A decoded STATE: its binding, the ledger snapshot and the compliance sections (shipment records stay encoded).
struct StateFile {
    var origin: String?
    var policyHash: String
    var ledger: VerifierSnapshot
    var meta: ArraySlice<UInt8>
    var strings: [String]
    /// The shipment records, each at `offsets[i]` from the slice's start.
    var records: ArraySlice<UInt8>
    var offsets: [Int]

    static func corrupt(_ path: String, _ why: String) -> TrailError {
        TrailError.malformed(
            "state-corrupt", "\(path) is not a usable state file: \(why)",
            remedy: "delete it and run a full verification (`ledger verify --state`) to write it again"
        ).at(file: path)
    }

    init(path: String) throws {
        let data = try FileIO.readAll(path)
        guard data.count >= 16 + 48, data[0..<8].elementsEqual(IncrementalVerifier.magic) else {
            throw Self.corrupt(path, "it does not start with the chiptrail state signature")
        }
        let version = data[8..<16].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard version == UInt64(IncrementalVerifier.formatVersion) else {
            throw TrailError.malformed(
                "state-version-unsupported",
                "\(path) has state format version \(version); this chiptrail reads version \(IncrementalVerifier.formatVersion)",
                remedy: "delete it and run a full verification to write it again"
            ).at(file: path)
        }
        let end = data.count - 32
        guard Digest.sha256(data[0..<end]).elementsEqual(data[end...]) else {
            throw Self.corrupt(path, "its SHA-256 does not match (it was changed or cut)")
        }
        do {
            var footer = SnapshotReader(data[(end - 16)..<end])
            let (start, stop) = (try footer.u64(), try footer.u64())
            guard start >= 16, start <= stop, stop <= UInt64(end - 16) else { throw Self.corrupt(path, "its footer is malformed") }
            var r = SnapshotReader(data[16..<Int(start)])
            let head = try JSONParser.parse(try r.blob())
            guard head["format"]?.stringValue == "chiptrail-state", let ph = head["policySHA256"]?.stringValue else {
                throw Self.corrupt(path, "its header lacks the policy hash")
            }
            policyHash = ph
            origin = head["origin"]?.stringValue
            ledger = try VerifierSnapshot(encoded: try r.blob())
            guard r.atEnd else { throw Self.corrupt(path, "bytes after its snapshot") }
            records = data[Int(start)..<Int(stop)]
            var t = SnapshotReader(data[Int(stop)..<(end - 16)])
            let off = try t.blob()
            meta = try t.blob()
            var sr = CompactReader(try t.blob())
            strings = try (0..<(try sr.n())).map { _ in try sr.lit() }
            guard off.count % 8 == 0, t.atEnd else { throw Self.corrupt(path, "its shipment table is malformed") }
            offsets = off.withUnsafeBytes { b in
                (0..<(off.count / 8)).map { Int(UInt64(littleEndian: b.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
            }
            guard offsets.allSatisfy({ $0 <= records.count }), zip(offsets, offsets.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw Self.corrupt(path, "its shipment table is malformed")
            }
            guard head["records"]?.intValue == Int64(ledger.records), head["bytes"]?.intValue == ledger.bytes,
                origin == ledger.origin
            else { throw Self.corrupt(path, "its header disagrees with its snapshot") }
        } catch let e as TrailError where e.code == "state-corrupt" || e.code == "state-version-unsupported" {
            throw e.file == nil ? Self.corrupt(path, e.message) : e
        } catch {
            throw Self.corrupt(path, "it does not decode (\(error))")
        }
    }
}

/// The shipments of a restored STATE, sorted by id (bytes).
final class PriorShipments {
    let records: ArraySlice<UInt8>
    let offsets: [Int]
    let strings: StateStrings
    /// Records of the verified prefix.
    let prefixRecords: Int
    let ledger: LedgerLines

    init(file: StateFile, ledgerPath: String) throws {
        records = file.records
        offsets = file.offsets
        var t = StateStrings()
        for s in file.strings { _ = t.id(s) }
        strings = t
        prefixRecords = file.ledger.records
        ledger = try LedgerLines(path: ledgerPath)
    }

    var count: Int { offsets.count }

    func raw(_ i: Int) -> ArraySlice<UInt8> {
        let base = records.startIndex
        return records[(base + offsets[i])..<(base + (i + 1 < offsets.count ? offsets[i + 1] : records.count))]
    }

    func reader(_ i: Int) -> CompactReader { CompactReader(raw(i), strings: strings.list) }

    /// The id of shipment `i` as bytes (the first field of its record).
    func idBytes(_ i: Int) throws -> ArraySlice<UInt8> {
        var r = reader(i)
        return try r.raw(try r.n())
    }
}

/// Reads lines of the ledger at known offsets.
final class LedgerLines {
    private let fd: Int32
    let path: String

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TrailError.io("cannot open \(path): \(FileIO.errnoText())", file: path) }
    }

    deinit { close(fd) }

    /// The line at `offset`, without its newline.
    func line(at offset: Int64) -> [UInt8]? {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var at = offset
        while out.count < 1 << 26 {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(at)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            if let nl = chunk[0..<n].firstIndex(of: 0x0A) { return out + chunk[0..<nl] }
            out += chunk[0..<n]
            at += Int64(n)
        }
        return nil
    }
}

/// The STATE being written: bytes go to the temporary file and into its SHA-256.
final class StateOutput {
    let file: FileIO.AtomicFile
    let digest = StreamingDigest(.sha256)

    init(_ file: FileIO.AtomicFile) { self.file = file }

    func write(_ b: UnsafeRawBufferPointer) throws {
        digest.update(b)
        try file.write(b)
    }

    func write(_ b: [UInt8]) throws { try b.withUnsafeBytes(write) }
    func write(_ b: ArraySlice<UInt8>) throws { try b.withUnsafeBytes(write) }

    func blob(_ b: [UInt8]) throws {
        var w = SnapshotWriter()
        w.blob(b)
        try write(w.bytes)
    }

    var count: Int64 { file.count }
}

/// Writes a STATE: signature, version, header and ledger snapshot (`begin`); the shipment records as evaluation
/// hands them over (`add`); then the record offsets, the evaluator's signer sets and licenses, the string table, a
/// footer locating the records, and the SHA-256 of everything before it (`finish`).
final class StateWriter {
    var strings: StateStrings
    private let out: StateOutput
    private let start: Int64
    private var offsets: [UInt64] = []
    private var error: Error?

    init(_ out: StateOutput, strings: StateStrings) {
        self.out = out
        self.strings = strings
        start = out.count
    }

    static func begin(_ out: StateOutput, ledger: VerifierSnapshot, policyHash: String) throws {
        var head: JSONObject = [
            "format": "chiptrail-state", "version": .number(JSONNumber(Int64(IncrementalVerifier.formatVersion))),
            "policySHA256": .string(policyHash), "anchors": .array(ledger.anchors.map { .string($0) }),
            "records": .number(JSONNumber(Int64(ledger.records))), "bytes": .number(JSONNumber(ledger.bytes)),
            "prefixSHA256": .string(Hex.encode(ledger.prefixSHA256)),
        ]
        if let o = ledger.origin { head["origin"] = .string(o) }
        var w = SnapshotWriter()
        w.raw(IncrementalVerifier.magic)
        w.u64(UInt64(IncrementalVerifier.formatVersion))
        w.blob(JCS.serialize(.object(head)))
        w.u64(UInt64(ledger.encodedCount))
        try out.write(w.bytes)
        try ledger.write(out.write)
    }

    func add(_ record: [UInt8]) { record.withUnsafeBytes { add(raw: $0) } }

    func add(raw: ArraySlice<UInt8>) { raw.withUnsafeBytes { add(raw: $0) } }

    private func add(raw: UnsafeRawBufferPointer) {
        guard error == nil else { return }
        offsets.append(UInt64(out.count - start))
        do { try out.write(raw) } catch { self.error = error }
    }

    func finish(evaluator: ComplianceEvaluator) throws {
        if let error { throw error }
        let stop = out.count
        var ow = SnapshotWriter()
        ow.bytes.reserveCapacity(offsets.count * 8)
        for o in offsets { ow.u64(o) }
        try out.blob(ow.bytes)
        try out.blob(evaluator.encodeMeta())
        var sw = CompactWriter()
        sw.v(strings.list.count)
        for s in strings.list { sw.lit(s) }
        try out.blob(sw.bytes)
        var f = SnapshotWriter()
        f.u64(UInt64(start))
        f.u64(UInt64(stop))
        try out.write(f.bytes)
        try out.file.write(out.digest.finalize())
    }
}

// MARK: - The evaluator's part

extension ComplianceEvaluator {
    /// Signer sets, licenses (with the codes of broken license statements).
    func encodeMeta() -> [UInt8] {
        var w = CompactWriter()
        var t = StateStrings()
        let keys = signerSetIndex.sorted { $0.value < $1.value }.map(\.key)
        w.v(signerSets.count)
        for (i, set) in signerSets.enumerated() {
            w.blob(i < keys.count ? keys[i] : [])
            w.v(set.parties.count)
            for p in set.parties { w.lit(p) }
            w.v(set.organizations.count)
            for o in set.organizations {
                w.v(o == nil ? 0 : 1)
                if let o { w.lit(o) }
            }
            w.v(set.roles.count)
            for r in set.roles { w.lit(r) }
            w.v(set.signerRoles.count)
            for rs in set.signerRoles {
                w.v(rs.count)
                for r in rs { w.lit(r) }
            }
        }
        _ = t
        let lics = licenses.sorted { $0.key < $1.key }
        w.v(lics.count)
        for (number, entries) in lics {
            w.lit(number.text)
            w.v(entries.count)
            for e in entries {
                w.blob(Self.encode(e, digest: ""))
                let codes = e.intact ? [] : brokenCodes[e.seq] ?? []
                w.v(codes.count)
                for c in codes { w.lit(c) }
            }
        }
        return w.bytes
    }

    /// Restores what a STATE kept of an earlier run: signer sets, licenses and the shipments' records.
    func restore(_ file: StateFile, ledgerPath: String) throws {
        var r = CompactReader(file.meta)
        for _ in 0..<(try r.n()) {
            let key = try r.blob()
            let parties = try (0..<(try r.n())).map { _ in try r.lit() }
            let orgs: [String?] = try (0..<(try r.n())).map { _ in try r.n() == 1 ? try r.lit() : nil }
            let roles = try (0..<(try r.n())).map { _ in try r.lit() }
            let signerRoles = try (0..<(try r.n())).map { _ in try (0..<(try r.n())).map { _ in try r.lit() } }
            signerSets.append(SignerSet(parties: parties, organizations: orgs, roles: roles, signerRoles: signerRoles))
            signerSetIndex[key] = Int32(signerSets.count - 1)
        }
        for _ in 0..<(try r.n()) {
            let number = ExactName(try r.lit())
            var list: [Entry] = []
            for _ in 0..<(try r.n()) {
                guard let (e, _) = try? Self.decode(Array(try r.blob())) else { throw CompactReader.bad() }
                let codes = try (0..<(try r.n())).map { _ in try r.lit() }
                if !e.intact { brokenCodes[e.seq] = codes }
                Self.applyRetraction(e, to: &list)
                list.append(e)
            }
            licenses[number] = list
        }
        guard r.at == r.end else { throw CompactReader.bad() }
        prior = try PriorShipments(file: file, ledgerPath: ledgerPath)
    }

    /// The entries of a shipment's statements in the verified prefix, decoded again from their lines (no signature is
    /// checked again: the snapshot says whether each was intact, and the prefix's bytes were re-hashed).
    private func priorEntries(_ refs: [StatementRef], _ lines: LedgerLines) throws -> [(Entry, digest: String)] {
        try refs.map { ref in
            guard let line = lines.line(at: ref.offset), let rec = try? Record.parse(line: line), rec.seq == ref.seq,
                case .statement(let env) = rec.body
            else { throw CompactReader.bad() }
            let checked = try? CheckedStatement(envelope: env)
            let undecoded = checked == nil ? try? Statement(payload: env.payload) : nil
            guard
                let (_, entry, digest) = makeEntry(
                    seq: ref.seq, time: rec.time, lineHash: Digest.sha256Hex(line), offset: ref.offset, checked: checked,
                    prepared: nil, undecoded: undecoded, intact: ref.intact, codes: ref.codes, signers: { ref.signers })
            else { throw CompactReader.bad() }
            return (entry, digest)
        }
    }

    /// Evaluation after a restored STATE: the shipments the new statements name (or whose license they name) are
    /// analysed again from their statements; the others keep the analysis the STATE holds; the quantity rules run over
    /// all of them, in the same order as a full run.
    func evaluateResumed(_ p: PriorShipments, each body: (ShipmentReport) throws -> Void) throws {
        let fresh = heads.sorted { $0.key < $1.key }
        let touchedLicenses = Set(licenses.filter { $0.value.contains { $0.seq >= p.prefixRecords } }.map(\.key))
        enum Slot {
            case old(Int)
            case touched(id: String, old: Int?, head: Int64)
        }
        var slots: [Slot] = []
        slots.reserveCapacity(p.count + fresh.count)
        var i = 0
        var j = 0
        while i < p.count || j < fresh.count {
            if j == fresh.count {
                slots.append(.old(i))
                i += 1
                continue
            }
            let fid = fresh[j].key.bytes
            if i < p.count {
                let oid = try p.idBytes(i)
                if oid.lexicographicallyPrecedes(fid) {
                    slots.append(.old(i))
                    i += 1
                    continue
                }
                if oid.elementsEqual(fid) {
                    slots.append(.touched(id: fresh[j].key.text, old: i, head: fresh[j].value))
                    i += 1
                    j += 1
                    continue
                }
            }
            slots.append(.touched(id: fresh[j].key.text, old: nil, head: fresh[j].value))
            j += 1
        }
        var quantities = QuantityInputs()
        let capped = Set(policy.capDestinations.map(ExactName.init))
        var analysed: [Int: (Analysis, ShipmentState)] = [:]
        for (n, slot) in slots.enumerated() {
            if case .old(let k) = slot {
                var r = p.reader(k)
                let h = try ShipmentRecord.head(&r)
                guard let lic = h.license, touchedLicenses.contains(ExactName(lic)) else {
                    quantities.add(usFigures: h.figures, supply: h.supply, index: n, capped: capped)
                    continue
                }
                slots[n] = .touched(id: h.id, old: k, head: -1)
            }
            guard case .touched(let id, let old, let head) = slots[n] else { continue }
            var prior: [(Entry, digest: String)] = []
            if let old {
                var r = p.reader(old)
                _ = try ShipmentRecord.head(&r)
                prior = try priorEntries(try ShipmentRecord.refs(&r), p.ledger)
            }
            let st = try shipment(endingAt: head, after: prior)
            let a = analyze(id: id, st)
            quantities.add(a, index: n, capped: capped)
            analysed[n] = (a, st)
        }
        let extra = applyQuantityRules(&quantities)
        quantities = QuantityInputs()
        let writer = stateWriter
        for (n, slot) in slots.enumerated() {
            switch slot {
            case .old(let k):
                var r = p.reader(k)
                let h = try ShipmentRecord.head(&r)
                _ = try ShipmentRecord.refs(&r)
                var report = try ShipmentRecord.report(id: h.id, license: h.license, &r)
                writer?.add(raw: p.raw(k))
                if let v = extra[n] { report.violations += v }
                Self.settleStatus(&report)
                try body(report)
            case .touched(let id, _, _):
                var (a, st) = analysed[n]!
                if let writer { writer.add(ShipmentRecord.encode(id: id, refs: refs(st), a, strings: &writer.strings)) }
                if let v = extra[n] { a.report.violations += v }
                try body(finish(a, st))
            }
        }
    }
}
