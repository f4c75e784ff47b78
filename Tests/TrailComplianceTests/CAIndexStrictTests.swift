import Foundation
import Testing
import TrailCrypto

/// `index.json` of a CA directory is read strictly (issue 14): duplicate and unknown keys, bad hex and times refused.
@Suite struct CAIndexStrictTests {
    static let valid = #"""
        {"version":1,"nextCRLNumber":2,"issued":[{"serial":"0a1b","subject":"CN=x","roles":["lab"],"isCA":false,\#
        "notBefore":"2026-01-01T00:00:00Z","notAfter":"2027-01-01T00:00:00Z",\#
        "fingerprint":"0000000000000000000000000000000000000000000000000000000000000000"}],\#
        "revoked":[{"serial":"0a1b","date":"2026-02-01T00:00:00Z","reason":"keyCompromise"}]}
        """#

    func refusal(_ json: String) -> TrailError? {
        do {
            _ = try CAIndex(json: Array(json.utf8), file: "index.json")
            return nil
        } catch let e as TrailError {
            return e
        } catch {
            return TrailError("unexpected", "\(error)")
        }
    }

    @Test func aValidIndexParsesAndKnowsItsRevocations() throws {
        let i = try CAIndex(json: Array(Self.valid.utf8))
        #expect(i.issued.count == 1 && i.revoked.count == 1)
        #expect(i.isRevoked(serialHex: "0A1B"))
        #expect(i.isRevoked(serialHex: "000a1b"))
        #expect(!i.isRevoked(serialHex: "0a1c"))
        // What the CA writes reads back.
        #expect(try CAIndex(json: i.json) == i)
    }

    @Test(arguments: [
        (#""version":1,"#, #""version":1,"version":1,"#, "duplicate key \"version\""),
        (#""serial":"0a1b","subject""#, #""serial":"0a1b","serial":"ffff","subject""#, "duplicate key \"serial\""),
        (#""nextCRLNumber":2"#, #""nextCRLNumber":2,"nextCrlNumber":3"#, "unknown key \"nextCrlNumber\""),
        (#""isCA":false"#, #""isCA":false,"extra":1"#, "unknown key \"extra\""),
        (#""serial":"0a1b","subject""#, #""serial":"0A1B","subject""#, "not lowercase hex"),
        (#""date":"2026-02-01T00:00:00Z""#, #""date":"2026-02-01""#, "not an RFC 3339 UTC time"),
        (#""nextCRLNumber":2"#, #""nextCRLNumber":0"#, "out of range"),
    ])
    func aDamagedIndexIsRefused(_ from: String, _ to: String, _ why: String) {
        let text = Self.valid.replacingOccurrences(of: from, with: to)
        #expect(text != Self.valid)
        let e = refusal(text)
        #expect(e?.code == "malformed-ca-index")
        #expect(e?.category == .malformed)
        #expect(e?.message.contains(why) == true, "\(String(describing: e))")
        #expect(e?.file == "index.json")
    }
}
