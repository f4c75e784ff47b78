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
        if let manifest, checked.kind != .exportLicense {
            let m: Manifest
            do {
                m = try JSONValueDecoder.decode(Manifest.self, from: try JSONParser.parse(manifest))
            } catch let e as TrailError {
                throw TrailError.malformed("malformed-manifest", "the manifest is not strict JSON: [\(e.code)] \(e.message)")
                    .at(file: manifestFile)
            } catch {
                throw TrailError.malformed("malformed-manifest", "the manifest does not decode: \(error)").at(file: manifestFile)
            }
            problems += DocumentRules.problems(manifest: m).map { ($0, manifestFile) }
        }
        for p in DocumentRules.problems(predicate: checked.predicate) {
            // The supply-sufficiency predicate's embedded manifest is the manifest file (already reported).
            if p.field.hasPrefix("manifest.") { continue }
            problems.append((p, predicateFile))
        }
        guard let (first, file) = problems.first else { return }
        let more = problems.count > 1 ? " (and \(problems.count - 1) more: \(problems.dropFirst().map(\.0.field).joined(separator: ", ")))" : ""
        throw TrailError.malformed(
            first.code, "field \(first.field): \(first.message)\(more)",
            remedy: "fix the value (`chiptrail schema \(checked.kind?.rawValue ?? "manifest")` prints the format)"
        ).at(file: file)
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
                    "certificate-revoked", "the CA directory lists the signing certificate (serial \(certificate.serialHex)) as revoked",
                    remedy: "sign with an unrevoked certificate, or pass --force"))
        }
        return out
    }
}
