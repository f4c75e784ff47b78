import Foundation
import TrailCrypto
import TrailLedger

/// What `chiptrail attest` checks before it signs, with the rules verification applies (`CheckedStatement` for
/// structure, `DocumentRules` for values): a statement attest signs is never one verify flags for its values.
public enum AttestationCheck {
    /// Checks the statement `payload` (built by `Attestation.payload`) and the manifest file it names. Throws
    /// `malformed-manifest`, `malformed-predicate`, or the first `DocumentProblem`'s code
    /// (`manifest-quantity-invalid`, `manifest-serials-invalid`, `predicate-value-invalid`), naming the file and
    /// the field (exit 65).
    public static func check(
        payload: [UInt8], manifest: [UInt8]?, manifestFile: String?, predicateFile: String?
    ) throws {
        let checked: CheckedStatement
        do {
            checked = try CheckedStatement(statement: try Statement(payload: payload))
        } catch let e as TrailError {
            throw TrailError.malformed(e.code, e.message, remedy: e.remedy).at(file: predicateFile)
        }
        var problems: [(DocumentProblem, String?)] = []
        // A retraction must stay possible whatever the manifest it names holds: it is how a bad statement is withdrawn.
        if let manifest, checked.kind != .exportLicense, checked.kind != .retraction {
            let m: Manifest
            do {
                m = try JSONValueDecoder.decode(Manifest.self, from: try JSONParser.parse(manifest))
            } catch let e as TrailError {
                throw TrailError.malformed(
                    "malformed-manifest", "the manifest is not strict JSON: [\(e.code)] \(e.message)"
                )
                .at(file: manifestFile)
            } catch {
                throw TrailError.malformed("malformed-manifest", "the manifest does not decode: \(error)").at(
                    file: manifestFile)
            }
            problems += DocumentRules.problems(manifest: m).map { ($0, manifestFile) }
        }
        for p in DocumentRules.problems(predicate: checked.predicate) {
            // The supply-sufficiency predicate's embedded manifest is the manifest file (already reported).
            if p.field.hasPrefix("manifest.") { continue }
            problems.append((p, predicateFile))
        }
        guard let (first, file) = problems.first else { return }
        let more =
            problems.count > 1
            ? " (and \(problems.count - 1) more: \(problems.dropFirst().map(\.0.field).joined(separator: ", ")))" : ""
        throw TrailError.malformed(
            TrailError.Code(name: first.code) ?? .malformedPredicate, "field \(first.field): \(first.message)\(more)",
            remedy: "fix the value (`chiptrail schema \(checked.kind?.rawValue ?? "manifest")` prints the format)"
        ).at(file: file)
    }

    /// Every reason chiptrail refuses one document on its own: `kind` is `manifest` or a predicate kind, `document`
    /// the file's bytes. Returns `code: field: message` lines (empty: accepted). A predicate goes through exactly
    /// what verification applies — wrapped in a statement about a shipment (a supply-sufficiency predicate's digest is
    /// that of its embedded manifest), decoded by `CheckedStatement`, then `DocumentRules` — so this is what the
    /// published schemas (`Schemas`) are tested against.
    public static func documentProblems(kind: String, document: [UInt8]) -> [String] {
        do {
            let value = try JSONParser.parse(document)
            if same(kind, "manifest") {
                let m = try JSONValueDecoder.decode(Manifest.self, from: value)
                if m.shipmentId.isEmpty { return ["malformed-manifest: shipmentId: empty"] }
                return DocumentRules.problems(manifest: m).map { "\($0.code): \($0.field): \($0.message)" }
            }
            guard let k = PredicateKind(rawValue: kind) else { return ["unknown-kind: \(kind)"] }
            var digest = Digest.sha256Hex(Array("{}".utf8))
            var name = "shipment:X"
            if k == .supplySufficiency, let b = value["manifest"]?.stringValue.flatMap(Base64.decodeLenient) {
                digest = Digest.sha256Hex(b)
                if let id = (try? JSONParser.parse(b))?["shipmentId"]?.stringValue { name = "shipment:" + id }
            }
            if k == .exportLicense {
                name = "license:" + (value["license"]?.stringValue ?? "")
                if value["license"]?.stringValue?.isEmpty ?? true { return ["malformed-predicate: license: empty"] }
            }
            let statement: JSONValue = .object([
                "_type": .string(Statement.type),
                "subject": .array([.object(["name": .string(name), "digest": .object(["sha256": .string(digest)])])]),
                "predicateType": .string(k.predicateType), "predicate": value,
            ])
            let checked = try CheckedStatement(statement: try Statement(payload: JCS.serialize(statement)))
            return DocumentRules.problems(predicate: checked.predicate).map { "\($0.code): \($0.field): \($0.message)" }
        } catch let e as TrailError {
            return ["\(e.code): \(e.message)"]
        } catch {
            return ["malformed-predicate: \(error)"]
        }
    }

    /// Why `certificate` may not sign now (`at`): outside its validity, or listed as revoked in the CA directory's
    /// `index.json` (`caIndex`). Empty when it may.
    public static func signerProblems(_ certificate: Certificate, caIndex: CAIndex?, at now: Date) -> [TrailError] {
        var out: [TrailError] = []
        if now < certificate.notBefore || now > certificate.notAfter {
            out.append(
                TrailError(
                    "certificate-expired",
                    "the signing certificate is valid \(CertificateTime.format(certificate.notBefore)) … \(CertificateTime.format(certificate.notAfter)), not now",
                    remedy: "have the CA issue a current certificate, or pass --force"))
        }
        if let caIndex, caIndex.isRevoked(serialHex: certificate.serialHex) {
            out.append(
                TrailError(
                    "certificate-revoked",
                    "the CA directory lists the signing certificate (serial \(certificate.serialHex)) as revoked",
                    remedy: "sign with an unrevoked certificate, or pass --force"))
        }
        return out
    }
}
