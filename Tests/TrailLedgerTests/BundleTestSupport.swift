import Foundation
import TrailCrypto
import TrailLedger
import TrailTestSupport

extension LedgerFixture {
    /// A ledger with every party registered, a license, and shipment SHP-0001's four statements
    /// (supply, lab test, customs release), plus an unrelated shipment SHP-0002 and a CRL.
    static func withShipment() throws -> LedgerFixture {
        let f = try LedgerFixture()
        try f.registerParties()
        let p = f.pki
        let retired = try p.party(roles: [.lab], subject: "CN=Retired Lab,O=Old Lab,C=US")
        try f.append([.certificate(retired.cert, chain: [p.intermediate]), .crl(try p.crl(revoking: [retired.cert]))])
        try f.append([
            .envelope(try Samples.envelope(.exportLicense, predicate: Samples.license(), signers: [p.regulator])),
            .envelope(try Samples.envelope(.supplySufficiency, predicate: Samples.supply(), signers: [p.exporter])),
        ])
        let other = Samples.manifest(id: "SHP-0002")
        try f.append([
            .envelope(try Samples.envelope(.supplySufficiency, manifest: other, predicate: Samples.supply(), signers: [p.exporter])),
            .envelope(try Samples.envelope(.labTest, predicate: Samples.labTest(), signers: [p.lab])),
        ])
        try f.append([.envelope(try Samples.envelope(.customsDecision, predicate: Samples.customs(), signers: [p.customs]))])
        return f
    }

    /// The seq of every record in the ledger, with its type.
    func records() throws -> [(seq: Int, record: Record)] {
        try lines.enumerated().map { ($0.offset, try Record.parse(line: $0.element)) }
    }
}

/// Codes of a bundle verification's errors, as "code@seq".
func codes(_ v: BundleVerification) -> [String] { v.errors.map { "\($0.code)@\($0.seq)" } }

extension ProofBundle {
    /// A copy with entry `i` changed by `body`.
    func with(entry i: Int, _ body: (inout Entry) -> Void) -> ProofBundle {
        var b = self
        body(&b.entries[i])
        return b
    }
}

/// `bytes` with one base64 character in the middle of it swapped for another, so it stays valid text.
func flipped(_ bytes: [UInt8], at position: Int? = nil) -> [UInt8] {
    var b = bytes
    let at = position ?? b.count / 2
    b[at] = b[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
    return b
}

extension MerkleHash {
    /// The hash with its first bit flipped.
    var flippedBit: MerkleHash {
        var b = bytes
        b[0] ^= 0x01
        return MerkleHash(b)!
    }
}
