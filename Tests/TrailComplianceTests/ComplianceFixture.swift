import Foundation
import TrailCompliance
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// A ledger written through the library (`Ledger.initialize`, `Ledger.append`) with every party registered,
/// and the statements of a shipment's trail.
final class ComplianceFixture {
    let pki: PartyPKI
    let dir = TempDir()
    let path: String
    private var minute = 1

    init(pki: PartyPKI? = nil) throws {
        self.pki = try pki ?? PartyPKI()
        path = dir.file("ledger.jsonl")
        try self.pki.initializeLedger(at: path)
        let p = self.pki
        try append(items: [p.regulator, p.exporter, p.lab, p.customs, p.auditor].map { .certificate($0.cert, chain: [p.intermediate]) })
    }

    /// Appends items as one batch; returns the seqs of the records written (without the checkpoint).
    @discardableResult
    func append(items: [AppendItem]) throws -> [Int] {
        minute += 1
        let r = try Ledger.append(path: path, operatorKey: pki.operatorParty.key, items: items, time: Samples.time(minute))
        return Array(r.seqs.dropLast())
    }

    /// Appends envelopes as one batch; returns their seqs.
    @discardableResult
    func append(_ envelopes: [Envelope]) throws -> [Int] { try append(items: envelopes.map { .envelope($0) }) }

    /// Registers a further party's certificate.
    func register(_ party: TestParty) throws { try append(items: [.certificate(party.cert, chain: [pki.intermediate])]) }

    /// Hex SHA-256 of the line at `seq` (what a retraction names).
    func lineHash(_ seq: Int) throws -> String {
        let data = try dir.read("ledger.jsonl")
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        return Digest.sha256Hex(Array(lines[seq]))
    }

    // MARK: - Statements

    func license(_ number: String = "LIC-2026-001", max: Int = 100) throws -> Envelope {
        try Samples.envelope(.exportLicense, predicate: Samples.license(number, max: max), signers: [pki.regulator])
    }

    func supply(
        id: String = "SHP-0001", quantity: Int = 4, usShipped: Int = 10000, license: String = "LIC-2026-001",
        signer: TestParty? = nil
    ) throws -> Envelope {
        try Samples.envelope(
            .supplySufficiency, manifest: Samples.manifest(id: id, license: license, quantity: quantity),
            predicate: Samples.supply(license: license, quantity: quantity, usShipped: usShipped),
            signers: [signer ?? pki.exporter])
    }

    func lab(
        id: String = "SHP-0001", quantity: Int = 4, tpp: Double = 15832, bandwidth: Double = 4800,
        result: String = "pass", manifest: [UInt8]? = nil
    ) throws -> Envelope {
        try Samples.envelope(
            .labTest, manifest: manifest ?? Samples.manifest(id: id, quantity: quantity),
            predicate: Samples.labTest(
                tpp: tpp, bandwidth: bandwidth, result: result, serials: [ComplianceSamples.serials(id: id, quantity: quantity)[0]]),
            signers: [pki.lab])
    }

    func customs(_ decision: String = "released", id: String = "SHP-0001", quantity: Int = 4) throws -> Envelope {
        try Samples.envelope(
            .customsDecision, manifest: Samples.manifest(id: id, quantity: quantity), predicate: Samples.customs(decision),
            signers: [pki.customs])
    }

    /// A full, compliant trail for one shipment (without the license).
    func trail(id: String = "SHP-0001", quantity: Int = 4, usShipped: Int = 10000) throws -> [Envelope] {
        [
            try supply(id: id, quantity: quantity, usShipped: usShipped),
            try lab(id: id, quantity: quantity),
            try customs(id: id, quantity: quantity),
        ]
    }

    // MARK: - Evaluation

    func check(policy: Policy = .h200) throws -> LedgerCheck {
        try LedgerCheck.run(path: path, options: VerifyOptions(trust: [pki.root]), policy: policy)
    }

    func report(_ id: String = "SHP-0001", policy: Policy = .h200) throws -> ShipmentReport {
        let c = try check(policy: policy)
        guard let r = c.shipments.first(where: { $0.id == id }) else { throw FixtureError.noShipment(id) }
        return r
    }

    enum FixtureError: Error { case noShipment(String) }
}

extension ShipmentReport {
    var codes: [String] { violations.map(\.code) }
}
