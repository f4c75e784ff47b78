import Foundation
import TrailCrypto
import TrailLedger

/// Where the evaluator keeps its per-shipment entries while a ledger streams past: an append-only, unlinked
/// temporary file (in `$TMPDIR`, else `/tmp`) read back shipment by shipment at evaluation. Memory then holds one
/// offset per shipment instead of every statement's facts, so a million-record ledger is evaluated in flat memory
/// (the file lives in the page cache, not in the process). Each shipment's entries form a chain from its latest
/// entry back to its first. When no temporary file can be made the bytes simply stay in memory.
///
/// Record layout: previous entry's offset (8 bytes, -1 for none), payload length (4 bytes), payload.
final class EntryStore {
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    /// Bytes already written to the file; the buffer holds what follows.
    private var flushed: Int64 = 0
    private static let flushSize = 1 << 20

    /// `directory`: where the temporary file goes (default `$TMPDIR`, else `/tmp`).
    init(directory: String? = nil) {
        let dir = directory ?? ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((dir + "/chiptrail-evaluate-XXXXXX").utf8CString)
        fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd >= 0 {
            let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            unlink(path)
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// False when no temporary file could be made and the entries stay in memory.
    var usesFile: Bool { fd >= 0 }

    private var end: Int64 { flushed + Int64(buffer.count) }

    /// Appends a payload chained to `prev` (-1: the first of its chain); returns its offset.
    func append(_ payload: [UInt8], prev: Int64) throws -> Int64 {
        let at = end
        withUnsafeBytes(of: prev.littleEndian) { buffer += $0 }
        withUnsafeBytes(of: UInt32(payload.count).littleEndian) { buffer += $0 }
        buffer += payload
        if fd >= 0, buffer.count >= Self.flushSize { try flush() }
        return at
    }

    private func flush() throws {
        try buffer.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(flushed) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    throw TrailError.io("cannot write the evaluator's temporary file: \(FileIO.errnoText())")
                }
                done += n
            }
        }
        flushed += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    private func read(_ count: Int, at offset: Int64) throws -> [UInt8] {
        if offset >= flushed {
            let start = Int(offset - flushed)
            return Array(buffer[start..<start + count])
        }
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        try out.withUnsafeMutableBytes { raw in
            while done < count {
                let n = pread(fd, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    throw TrailError.io("cannot read the evaluator's temporary file: \(FileIO.errnoText())")
                }
                done += n
            }
        }
        return out
    }

    /// The payloads of the chain ending at `last`, first to last.
    func chain(endingAt last: Int64) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        var at = last
        while at >= 0 {
            let header = try read(12, at: at)
            let prev = header.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: Int64.self)) }
            let length = header.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self))) }
            out.append(try read(length, at: at + 12))
            at = prev
        }
        return out.reversed()
    }
}

// MARK: - Entry encoding

/// The evaluator's own temporary data (never a format anyone else reads), tagged and versioned: a version byte, then
/// fields as tag (1 byte), length (4 bytes little-endian), value. A reader skips tags it does not know and refuses a
/// payload that lacks a field it needs, so adding a fact field never shifts another's meaning.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func int(_ v: Int) { withUnsafeBytes(of: Int64(v).littleEndian) { bytes += $0 } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    mutating func double(_ v: Double?) {
        bool(v != nil)
        if let v { u64(v.bitPattern) }
    }
    mutating func string(_ s: String) {
        int(s.utf8.count)
        bytes += s.utf8
    }
    mutating func key(_ k: ComplianceEvaluator.Key128) {
        u64(k.a)
        u64(k.b)
    }
    mutating func keys(_ ks: [ComplianceEvaluator.Key128]) {
        int(ks.count)
        for k in ks { key(k) }
    }
}

struct ByteReader {
    let bytes: ArraySlice<UInt8>
    var at: Int

    init(_ b: ArraySlice<UInt8>) {
        bytes = b
        at = b.startIndex
    }

    static let damaged = TrailError.io("the evaluator's temporary file is damaged")

    private mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.endIndex - at else { throw Self.damaged }
        defer { at += n }
        return bytes[at..<at + n]
    }
    mutating func u64() throws -> UInt64 {
        try take(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }
    mutating func int() throws -> Int { Int(Int64(bitPattern: try u64())) }
    mutating func byte() throws -> UInt8 { try take(1).first! }
    mutating func bool() throws -> Bool { try byte() != 0 }
    mutating func double() throws -> Double? { try bool() ? Double(bitPattern: try u64()) : nil }
    mutating func string() throws -> String { String(decoding: try take(try int()), as: UTF8.self) }
    mutating func key() throws -> ComplianceEvaluator.Key128 { ComplianceEvaluator.Key128(a: try u64(), b: try u64()) }
    mutating func keys() throws -> [ComplianceEvaluator.Key128] {
        let n = try int()
        guard n >= 0, n <= (bytes.endIndex - at) / 16 else { throw Self.damaged }
        var out: [ComplianceEvaluator.Key128] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try key()) }
        return out
    }
}

/// A tagged record: `field` writes one tag-length-value field.
struct TaggedWriter {
    static let version: UInt8 = 2
    var bytes: [UInt8] = [TaggedWriter.version]

    mutating func field(_ tag: Tag, _ body: (inout ByteWriter) -> Void) {
        var w = ByteWriter()
        body(&w)
        bytes.append(tag.rawValue)
        withUnsafeBytes(of: UInt32(w.bytes.count).littleEndian) { bytes += $0 }
        bytes += w.bytes
    }

    /// The field tags of an entry. Values never change meaning; new fields take new tags.
    enum Tag: UInt8 {
        case seq = 1, time, signers, digest, line, claim, intact, problems, kind, offset
        // Fact fields (which ones are present depends on `kind`).
        case strings = 32, maxQuantity, quantity, claimedQuantity, usUnits, serialKeys, declared
        case pass = 48, figures, unitKeys, samplingAll
        case decision = 64, target, reason, predicateType
    }
}

/// Reads a tagged record into its fields (the last occurrence of a tag wins; unknown tags are kept and ignored).
struct TaggedReader {
    private var fields: [UInt8: ArraySlice<UInt8>] = [:]

    init(_ bytes: [UInt8]) throws {
        guard bytes.first == TaggedWriter.version else { throw ByteReader.damaged }
        var at = 1
        while at < bytes.count {
            guard bytes.count - at >= 5 else { throw ByteReader.damaged }
            let tag = bytes[at]
            let n = Int(bytes[at + 1]) | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) << 16 | Int(bytes[at + 4]) << 24
            at += 5
            guard n <= bytes.count - at else { throw ByteReader.damaged }
            fields[tag] = bytes[at..<at + n]
            at += n
        }
    }

    func has(_ tag: TaggedWriter.Tag) -> Bool { fields[tag.rawValue] != nil }

    func read<T>(_ tag: TaggedWriter.Tag, _ body: (inout ByteReader) throws -> T) throws -> T {
        guard let f = fields[tag.rawValue] else { throw ByteReader.damaged }
        var r = ByteReader(f)
        return try body(&r)
    }
}

extension ComplianceEvaluator {
    /// An entry as stored: everything but `digest` (kept as text here, interned per shipment when read) and
    /// `retractedBy` (recomputed when the shipment's chain is replayed).
    static func encode(_ e: Entry, digest: String) -> [UInt8] {
        var w = TaggedWriter()
        w.field(.seq) { $0.int(e.seq) }
        w.field(.time) { $0.string(e.time) }
        w.field(.signers) { $0.int(Int(e.signers)) }
        w.field(.digest) { $0.string(digest) }
        w.field(.line) { $0.key(e.line) }
        w.field(.claim) { $0.key(e.claim) }
        w.field(.intact) { $0.bool(e.intact) }
        if e.offset >= 0 { w.field(.offset) { $0.int(Int(e.offset)) } }
        if !e.problems.isEmpty {
            w.field(.problems) { b in
                b.int(e.problems.count)
                for p in e.problems {
                    b.string(p.code)
                    b.string(p.field)
                    b.string(p.message)
                }
            }
        }
        func strings(_ list: [String]) {
            w.field(.strings) { b in
                b.int(list.count)
                for s in list { b.string(s) }
            }
        }
        switch e.fact {
        case .license(let l):
            w.field(.kind) { $0.bytes.append(0) }
            strings([l.number, l.exporter, l.consignee, l.destination, l.product, l.validFrom, l.validUntil])
            w.field(.maxQuantity) { $0.int(l.maxQuantity) }
        case .supply(let s):
            w.field(.kind) { $0.bytes.append(1) }
            strings([s.exporter, s.license, s.consignee, s.product, s.destination, s.claimedLicense, s.claimedDestination])
            w.field(.quantity) { $0.int(s.quantity) }
            w.field(.claimedQuantity) { $0.int(s.claimedQuantity) }
            w.field(.usUnits) { $0.int(s.usUnitsShipped) }
            w.field(.serialKeys) { $0.keys(s.serialKeys) }
            if let d = s.declared {
                w.field(.declared) { b in
                    b.double(d.tpp)
                    b.double(d.dramBandwidthGBps)
                    b.double(d.memoryGB)
                }
            }
        case .lab(let l):
            w.field(.kind) { $0.bytes.append(2) }
            w.field(.pass) { $0.bool(l.pass) }
            w.field(.figures) { b in
                b.double(l.tpp)
                b.double(l.bandwidth)
                b.double(l.memoryGB)
            }
            w.field(.unitKeys) { $0.keys(l.unitKeys) }
            w.field(.samplingAll) { $0.bool(l.samplingAll) }
        case .customs(let d):
            w.field(.kind) { $0.bytes.append(3) }
            w.field(.decision) { $0.string(d.rawValue) }
        case .retraction(let target, let reason):
            w.field(.kind) { $0.bytes.append(4) }
            w.field(.target) { $0.key(target) }
            w.field(.reason) { $0.string(reason) }
        case .unknown(let t):
            w.field(.kind) { $0.bytes.append(5) }
            w.field(.predicateType) { $0.string(t) }
        case .extended(let t):
            w.field(.kind) { $0.bytes.append(6) }
            w.field(.predicateType) { $0.string(t) }
        }
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> (Entry, digest: String) {
        let r = try TaggedReader(bytes)
        func strings(_ n: Int) throws -> [String] {
            let t = try r.read(.strings) { b in
                let count = try b.int()
                guard count == n else { throw ByteReader.damaged }
                return try (0..<count).map { _ in try b.string() }
            }
            return t
        }
        let fact: Fact
        switch try r.read(.kind, { try $0.byte() }) {
        case 0:
            let t = try strings(7)
            fact = .license(
                LicenseFact(
                    number: t[0], exporter: t[1], consignee: t[2], destination: t[3], product: t[4],
                    maxQuantity: try r.read(.maxQuantity) { try $0.int() }, validFrom: t[5], validUntil: t[6]))
        case 1:
            let t = try strings(7)
            var declared: Figures?
            if r.has(.declared) {
                declared = try r.read(.declared) {
                    Figures(tpp: try $0.double(), dramBandwidthGBps: try $0.double(), memoryGB: try $0.double())
                }
            }
            fact = .supply(
                SupplyFact(
                    exporter: t[0], license: t[1], consignee: t[2], product: t[3], destination: t[4],
                    quantity: try r.read(.quantity) { try $0.int() }, serialKeys: try r.read(.serialKeys) { try $0.keys() },
                    declared: declared, claimedLicense: t[5], claimedQuantity: try r.read(.claimedQuantity) { try $0.int() },
                    claimedDestination: t[6], usUnitsShipped: try r.read(.usUnits) { try $0.int() }))
        case 2:
            let (tpp, bw, mem) = try r.read(.figures) { (try $0.double(), try $0.double(), try $0.double()) }
            fact = .lab(
                LabFact(
                    pass: try r.read(.pass) { try $0.bool() }, tpp: tpp, bandwidth: bw, memoryGB: mem,
                    unitKeys: try r.read(.unitKeys) { try $0.keys() }, samplingAll: try r.read(.samplingAll) { try $0.bool() }))
        case 3:
            guard let d = Decision(rawValue: try r.read(.decision) { try $0.string() }) else { throw ByteReader.damaged }
            fact = .customs(d)
        case 4:
            fact = .retraction(target: try r.read(.target) { try $0.key() }, reason: try r.read(.reason) { try $0.string() })
        case 5:
            fact = .unknown(predicateType: try r.read(.predicateType) { try $0.string() })
        case 6:
            fact = .extended(predicateType: try r.read(.predicateType) { try $0.string() })
        default:
            throw ByteReader.damaged
        }
        var problems: [DocumentProblem] = []
        if r.has(.problems) {
            problems = try r.read(.problems) { b in
                let n = try b.int()
                guard n >= 0, n <= 1000 else { throw ByteReader.damaged }
                return try (0..<n).map { _ in
                    DocumentProblem(code: try b.string(), field: try b.string(), message: try b.string())
                }
            }
        }
        let entry = Entry(
            seq: try r.read(.seq) { try $0.int() }, time: try r.read(.time) { try $0.string() },
            signers: Int32(truncatingIfNeeded: try r.read(.signers) { try $0.int() }), digest: -1,
            line: try r.read(.line) { try $0.key() }, claim: try r.read(.claim) { try $0.key() },
            intact: try r.read(.intact) { try $0.bool() }, retractedBy: nil, problems: problems, fact: fact,
            offset: r.has(.offset) ? Int64(try r.read(.offset) { try $0.int() }) : -1)
        return (entry, try r.read(.digest) { try $0.string() })
    }
}
