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

/// A fixed-width little-endian writer for the evaluator's own temporary data (never a format anyone else reads).
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
        let u = Array(s.utf8)
        int(u.count)
        bytes += u
    }
    mutating func key(_ k: ComplianceEvaluator.Key128) {
        u64(k.a)
        u64(k.b)
    }
    mutating func keys(_ ks: [UInt64]) {
        int(ks.count)
        for k in ks { u64(k) }
    }
}

struct ByteReader {
    let bytes: [UInt8]
    var at = 0

    init(_ b: [UInt8]) { bytes = b }

    static let damaged = TrailError.io("the evaluator's temporary file is damaged")

    private mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, at + n <= bytes.count else { throw Self.damaged }
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
    mutating func keys() throws -> [UInt64] {
        let n = try int()
        guard n >= 0, n <= (bytes.count - at) / 8 else { throw Self.damaged }
        var out: [UInt64] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try u64()) }
        return out
    }
}

extension ComplianceEvaluator {
    /// An entry as stored: everything but `digest` (kept as text here, interned per shipment when read) and
    /// `retractedBy` (recomputed when the shipment's chain is replayed).
    static func encode(_ e: Entry, digest: String) -> [UInt8] {
        var w = ByteWriter()
        w.int(e.seq)
        w.string(e.time)
        w.int(Int(e.signers))
        w.string(digest)
        w.key(e.line)
        w.key(e.claim)
        w.bool(e.intact)
        switch e.fact {
        case .license(let l):
            w.bytes.append(0)
            for s in [l.number, l.exporter, l.consignee, l.destination, l.product, l.validFrom, l.validUntil] { w.string(s) }
            w.int(l.maxQuantity)
        case .supply(let s):
            w.bytes.append(1)
            for t in [s.exporter, s.license, s.consignee, s.product, s.destination, s.claimedLicense, s.claimedDestination] {
                w.string(t)
            }
            w.int(s.quantity)
            w.int(s.claimedQuantity)
            w.int(s.usUnitsShipped)
            w.keys(s.serialKeys)
            w.bool(s.declared != nil)
            if let d = s.declared {
                w.double(d.tpp)
                w.double(d.dramBandwidthGBps)
                w.double(d.memoryGB)
            }
        case .lab(let l):
            w.bytes.append(2)
            w.bool(l.pass)
            w.double(l.tpp)
            w.double(l.bandwidth)
            w.double(l.memoryGB)
            w.keys(l.unitKeys)
            w.bool(l.samplingAll)
        case .customs(let d):
            w.bytes.append(3)
            w.string(d.rawValue)
        case .retraction(let target, let reason):
            w.bytes.append(4)
            w.key(target)
            w.string(reason)
        case .unknown(let t):
            w.bytes.append(5)
            w.string(t)
        }
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> (Entry, digest: String) {
        var r = ByteReader(bytes)
        let seq = try r.int()
        let time = try r.string()
        let signers = Int32(truncatingIfNeeded: try r.int())
        let digest = try r.string()
        let line = try r.key()
        let claim = try r.key()
        let intact = try r.bool()
        let fact: Fact
        switch try r.byte() {
        case 0:
            var t: [String] = []
            for _ in 0..<7 { t.append(try r.string()) }
            fact = .license(
                LicenseFact(
                    number: t[0], exporter: t[1], consignee: t[2], destination: t[3], product: t[4],
                    maxQuantity: try r.int(), validFrom: t[5], validUntil: t[6]))
        case 1:
            var t: [String] = []
            for _ in 0..<7 { t.append(try r.string()) }
            let quantity = try r.int()
            let claimedQuantity = try r.int()
            let usUnits = try r.int()
            let serials = try r.keys()
            var declared: Figures?
            if try r.bool() {
                declared = Figures(tpp: try r.double(), dramBandwidthGBps: try r.double(), memoryGB: try r.double())
            }
            fact = .supply(
                SupplyFact(
                    exporter: t[0], license: t[1], consignee: t[2], product: t[3], destination: t[4], quantity: quantity,
                    serialKeys: serials, declared: declared, claimedLicense: t[5], claimedQuantity: claimedQuantity,
                    claimedDestination: t[6], usUnitsShipped: usUnits))
        case 2:
            fact = .lab(
                LabFact(
                    pass: try r.bool(), tpp: try r.double(), bandwidth: try r.double(), memoryGB: try r.double(),
                    unitKeys: try r.keys(), samplingAll: try r.bool()))
        case 3:
            guard let d = Decision(rawValue: try r.string()) else { throw ByteReader.damaged }
            fact = .customs(d)
        case 4:
            fact = .retraction(target: try r.key(), reason: try r.string())
        case 5:
            fact = .unknown(predicateType: try r.string())
        default:
            throw ByteReader.damaged
        }
        return (Entry(seq: seq, time: time, signers: signers, digest: -1, line: line, claim: claim, intact: intact, retractedBy: nil, fact: fact), digest)
    }
}
