import Testing
import TrailCompliance
import TrailCrypto

@Suite struct PolicyTests {
    func load(_ json: String) throws -> Policy { try Policy.load(json: Array(json.utf8), file: "p.json") }

    func refusal(_ json: String) -> TrailError? {
        do {
            _ = try load(json)
            return nil
        } catch let e as TrailError {
            return e
        } catch {
            return TrailError("unexpected", "\(error)")
        }
    }

    @Test func everyFieldIsOptional() throws {
        #expect(try load("{}") == .h200)
        let p = try load("{\"maxTPP\":20000,\"requiredWitnesses\":2}")
        #expect(p.maxTPP == 20000)
        #expect(p.requiredWitnesses == 2)
        #expect(p.maxDramBandwidthGBps == 6500)
        #expect(p.capDestinations == ["CN", "MO"])
    }

    @Test func aDuplicateKeyIsRefused() {
        let e = refusal(#"{"maxTPP":15000,"maxTPP":99999}"#)
        #expect(e?.code == "malformed-policy")
        #expect(e?.category == .malformed)
        #expect(e?.message.contains("duplicate-key") == true, "\(String(describing: e))")
        #expect(e?.file == "p.json")
    }

    @Test(arguments: ["maxTpp", "requiredWitness", "MaxTPP", "maxTPP\u{301}"])
    func anUnknownKeyIsRefusedNamingItAndTheValidOnes(_ key: String) {
        let e = refusal("{\"\(key)\":1}")
        #expect(e?.code == "policy-unknown-key")
        #expect(e?.category == .malformed)
        #expect(e?.message.contains("\"\(key)\"") == true)
        #expect(e?.remedy?.contains("maxTPP, maxDramBandwidthGBps, declaredTolerance") == true)
    }

    @Test(arguments: [
        #"{"maxTPP":0}"#, #"{"maxTPP":-1}"#, #"{"maxTPP":"21000"}"#, #"{"maxTPP":1e13}"#, #"{"maxDramBandwidthGBps":0}"#,
        #"{"declaredTolerance":1.5}"#, #"{"declaredTolerance":-0.01}"#, #"{"capShareOfUSShipments":1.0001}"#,
        #"{"capShareOfUSShipments":-0.1}"#, #"{"minUnitsTested":-1}"#, #"{"minUnitsTested":1.5}"#,
        #"{"minUnitsTested":10000001}"#, #"{"requiredWitnesses":"2"}"#, #"{"requiredWitnesses":1001}"#,
        #"{"requireLicense":1}"#, #"{"requireLicense":null}"#, #"{"capDestinations":"CN"}"#, #"{"capDestinations":["cn"]}"#,
        #"{"capDestinations":["CHN"]}"#, #"{"capDestinations":["CN","CN"]}"#,
    ])
    func anOutOfRangeValueIsRefused(_ json: String) {
        let e = refusal(json)
        #expect(e?.code == "policy-value-invalid", "\(json): \(String(describing: e))")
        #expect(e?.category == .malformed)
    }

    @Test func theBoundariesAreAccepted() throws {
        let p = try load(
            #"{"declaredTolerance":0,"capShareOfUSShipments":1,"minUnitsTested":0,"requiredWitnesses":1000,"maxTPP":1e12,"capDestinations":[]}"#
        )
        #expect(p.declaredTolerance == 0 && p.capShareOfUSShipments == 1 && p.minUnitsTested == 0)
        #expect(p.requiredWitnesses == 1000 && p.maxTPP == 1e12 && p.capDestinations.isEmpty)
        #expect(try load(#"{"capShareOfUSShipments":0}"#).capShareOfUSShipments == 0)
        #expect(try load(#"{"minUnitsTested":4.0}"#).minUnitsTested == 4)
    }

    @Test func notAnObjectOrNotJSON() {
        #expect(refusal("[]")?.code == "malformed-policy")
        #expect(refusal("{\"maxTPP\":1,}")?.code == "malformed-policy")
        #expect(refusal("")?.code == "malformed-policy")
    }
}
