import Testing
import TrailCompliance
import TrailCrypto

@Suite struct PolicyTests {
    @Test func everyFieldIsOptional() throws {
        #expect(try Policy.load(json: Array("{}".utf8)) == .h200)
        let p = try Policy.load(json: Array("{\"maxTPP\":20000,\"requiredWitnesses\":2}".utf8))
        #expect(p.maxTPP == 20000)
        #expect(p.requiredWitnesses == 2)
        #expect(p.maxDramBandwidthGBps == 6500)
        #expect(p.capDestinations == ["CN", "MO"])
        #expect(throws: TrailError.self) { try Policy.load(json: Array("{\"maxTPP\":\"x\"}".utf8)) }
    }
}
