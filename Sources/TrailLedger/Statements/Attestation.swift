import TrailCrypto

/// Builds the in-toto statements chiptrail signs (SPEC.md §8, §6 `attest`).
public enum Attestation {
    /// The statement payload (JCS bytes) for `kind` from a manifest file's exact bytes and a predicate object.
    ///
    /// export-license: no manifest; subject `license:<license>` with the SHA-256 of the predicate's JCS form.
    /// supply-sufficiency: the manifest bytes are embedded as base64 in `predicate.manifest`.
    /// Others: subject `shipment:<shipmentId>` with the SHA-256 of the manifest bytes.
    /// The result is checked with the same rules as verification before it is returned.
    public static func payload(kind: PredicateKind, manifest: [UInt8]?, predicate: JSONValue) throws -> [UInt8] {
        guard case .object(var p) = predicate else {
            throw TrailError.malformed("malformed-predicate", "the predicate file must hold a JSON object")
        }
        let subject: JSONValue
        if kind == .exportLicense {
            guard let license = p["license"]?.stringValue, !license.isEmpty else {
                throw TrailError.malformed("malformed-predicate", "an export license predicate needs \"license\"")
            }
            subject = subjectJSON(name: "license:\(license)", sha256: Digest.sha256Hex(JCS.serialize(.object(p))))
        } else {
            guard let manifest else {
                throw TrailError.usage("manifest-required", "\(kind.rawValue) statements name a shipment: pass --manifest M.json")
            }
            let m: Manifest
            do {
                m = try JSONDecoderStrict.decode(Manifest.self, from: manifest)
            } catch {
                throw TrailError.malformed("malformed-manifest", "the manifest does not parse: \(describe(error))")
            }
            if kind == .supplySufficiency { p["manifest"] = .string(Base64.encode(manifest)) }
            subject = subjectJSON(name: "shipment:\(m.shipmentId)", sha256: Digest.sha256Hex(manifest))
        }
        let statement: JSONValue = .object([
            "_type": .string(Statement.type), "subject": .array([subject]),
            "predicateType": .string(kind.predicateType), "predicate": .object(p),
        ])
        let bytes = JCS.serialize(statement)
        _ = try CheckedStatement(statement: try Statement(payload: bytes))
        return bytes
    }

    static func subjectJSON(name: String, sha256: String) -> JSONValue {
        .object(["name": .string(name), "digest": .object(["sha256": .string(sha256)])])
    }
}
