import Foundation
import TrailCrypto

/// A DSSE envelope: payload type, payload bytes and one or more signatures over their PAE.
public struct Envelope: Sendable, Equatable {
    /// One signature; `keyid` is the hex SHA-256 of the signer's certificate DER (a hint only).
    public struct Signature: Sendable, Equatable, Hashable {
        public var keyid: String
        public var sig: [UInt8]
        public init(keyid: String, sig: [UInt8]) {
            self.keyid = keyid
            self.sig = sig
        }
    }

    public var payloadType: String
    public var payload: [UInt8]
    public var signatures: [Signature]

    public init(payloadType: String = DSSE.inTotoPayloadType, payload: [UInt8], signatures: [Signature] = []) {
        self.payloadType = payloadType
        self.payload = payload
        self.signatures = signatures
    }

    /// The bytes every signature covers.
    public var pae: [UInt8] { DSSE.pae(payloadType: payloadType, payload: payload) }

    /// Returns the envelope with one more signature by `key`, identified by `keyid`.
    public func signed(by key: PrivateKey, keyid: String) throws -> Envelope {
        if signatures.contains(where: { $0.keyid == keyid }) {
            throw TrailError.usage(
                "already-signed", "the envelope already carries a signature with keyid \(keyid.prefix(16))…")
        }
        var e = self
        e.signatures.append(Signature(keyid: keyid, sig: try key.sign(pae)))
        return e
    }

    /// Limits on what an envelope may carry (hostile-input bounds).
    public static let maxSignatures = 16
    public static let maxPayloadBytes = 512 * 1024
    /// Longest accepted signature, in base64 characters (an RSA-PSS 8192-bit signature is 1,368).
    public static let maxSignatureBase64 = 2048

    /// Builds an envelope from its decoded JSON fields. `payload` and `sig` may be standard or URL-safe
    /// base64, padded or not, but not mixed (SPEC.md §10).
    public init(payloadType: String, payloadBase64: String, signatures sigs: [(keyid: String, sig: String)]) throws {
        // Size limits are checked on the base64 text, before anything is decoded.
        guard payloadBase64.utf8.count <= Envelope.maxPayloadBytes * 4 / 3 + 4 else {
            throw TrailError.malformed(
                "payload-too-large",
                "the envelope payload is \(payloadBase64.utf8.count) base64 characters; "
                    + "at most \(Envelope.maxPayloadBytes) bytes are accepted")
        }
        guard let payload = Base64.decodeLenient(payloadBase64) else {
            throw TrailError.malformed("malformed-envelope", "the envelope payload is not base64")
        }
        guard !sigs.isEmpty else { throw TrailError("no-signatures", "the envelope carries no signature") }
        guard sigs.count <= Envelope.maxSignatures else {
            throw TrailError.malformed(
                "too-many-signatures", "the envelope carries \(sigs.count) signatures (at most \(Envelope.maxSignatures))")
        }
        var out: [Signature] = []
        for (i, s) in sigs.enumerated() {
            guard s.sig.utf8.count <= Envelope.maxSignatureBase64 else {
                throw TrailError.malformed(
                    "signature-too-large",
                    "signature \(i + 1) is \(s.sig.utf8.count) base64 characters "
                        + "(at most \(Envelope.maxSignatureBase64))")
            }
            guard let sig = Base64.decodeLenient(s.sig) else {
                throw TrailError.malformed("malformed-envelope", "signature \(i + 1) is not base64")
            }
            out.append(Signature(keyid: s.keyid, sig: sig))
        }
        self.init(payloadType: payloadType, payload: payload, signatures: out)
    }

    /// Parses an envelope JSON document (an envelope file).
    public init(json bytes: [UInt8]) throws {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw TrailError.malformed(
                "malformed-envelope", "the envelope file is not valid JSON: \((error as? TrailError)?.message ?? "\(error)")",
                remedy: "give the file `chiptrail attest` wrote")
        }
        try self.init(json: value)
    }

    /// Reads envelope files (JSON), in parallel; the result is in the order of `paths`. The first failing file's error
    /// names it.
    public static func read(files paths: [String]) throws -> [Envelope] {
        let results = parallelMap(paths.count) { i in
            Result { () throws -> Envelope in
                do {
                    return try Envelope(json: try FileIO.read(paths[i]))
                } catch let e as TrailError {
                    throw e.at(file: paths[i])
                }
            }
        }
        return try results.map { try $0.get() }
    }

    /// Builds an envelope from its JSON object (`payloadType`, `payload`, `signatures[{keyid, sig}]`).
    public init(json value: JSONValue) throws {
        guard let type = value["payloadType"]?.stringValue, let payload = value["payload"]?.stringValue,
            let sigs = value["signatures"]?.arrayValue
        else {
            throw TrailError.malformed(
                "malformed-envelope", "not a DSSE envelope (payloadType, payload, signatures[{keyid, sig}])")
        }
        var list: [(keyid: String, sig: String)] = []
        for s in sigs {
            guard let sig = s["sig"]?.stringValue else {
                throw TrailError.malformed("malformed-envelope", "a signature entry has no \"sig\"")
            }
            list.append((s["keyid"]?.stringValue ?? "", sig))
        }
        try self.init(payloadType: type, payloadBase64: payload, signatures: list)
    }

    /// The envelope as JSON, base64 standard and padded.
    public var json: JSONValue {
        .object([
            "payloadType": .string(payloadType), "payload": .string(Base64.encode(payload)),
            "signatures": .array(signatures.map { .object(["keyid": .string($0.keyid), "sig": .string(Base64.encode($0.sig))]) }),
        ])
    }

    /// The envelope file's text: canonical (JCS) JSON.
    public var jsonText: String { String(decoding: JCS.serialize(json), as: UTF8.self) }
}
