import TrailCrypto

/// Dead Simple Signing Envelope (secure-systems-lab/dsse, protocol v1).
public enum DSSE {
    /// The only payload type chiptrail accepts (SPEC.md §8).
    public static let inTotoPayloadType = "application/vnd.in-toto+json"

    /// Pre-Authentication Encoding: `"DSSEv1" SP len(type) SP type SP len(body) SP body`, lengths as ASCII
    /// decimal byte counts (DSSE protocol.md, "Signature definition").
    public static func pae(payloadType: String, payload: [UInt8]) -> [UInt8] {
        let type = Array(payloadType.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + type.count + 32)
        out += Array("DSSEv1 \(type.count) ".utf8)
        out += type
        out += Array(" \(payload.count) ".utf8)
        out += payload
        return out
    }
}
