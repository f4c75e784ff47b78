import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// A ledger made through the library: init, then certificates of every party, then a CRL slot.
final class LedgerFixture {
    let pki: PartyPKI
    let dir = TempDir()
    let path: String
    var minute = 1

    init(pki: PartyPKI? = nil) throws {
        self.pki = try pki ?? PartyPKI()
        path = dir.file("ledger.jsonl")
        try self.pki.initializeLedger(at: path)
    }

    /// Registers every party's certificate.
    func registerParties() throws {
        let p = pki
        try append([p.regulator, p.exporter, p.lab, p.customs, p.auditor].map { .certificate($0.cert, chain: [p.intermediate]) })
    }

    @discardableResult
    func append(_ items: [AppendItem]) throws -> AppendResult {
        minute += 1
        return try Ledger.append(path: path, operatorKey: pki.operatorParty.key, items: items, time: Samples.time(minute))
    }

    func verify(trust: [Certificate]? = nil, since: String? = nil, strict: Bool = false, batchSize: Int = 1024) throws
        -> VerificationReport
    {
        var o = VerifyOptions(trust: trust ?? [pki.root])
        o.since = since
        o.strict = strict
        o.batchSize = batchSize
        return try LedgerVerifier(path: path, options: o).run()
    }

    var lines: [[UInt8]] {
        get throws {
            let data = try dir.read("ledger.jsonl")
            return data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
        }
    }

    func write(lines: [[UInt8]], tail: [UInt8] = []) throws {
        var bytes: [UInt8] = []
        for l in lines { bytes += l + [0x0A] }
        _ = try dir.write("ledger.jsonl", bytes: bytes + tail, mode: 0o644)
    }
}

/// The error codes of a report, as "code@seq".
func codes(_ r: VerificationReport) -> [String] { r.errors.map { "\($0.code)@\($0.seq)" } }

