import ArgumentParser
import Foundation
import TrailCompliance
import TrailCrypto
import TrailLedger

struct AttestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Sign a statement (in-toto Statement v1 in a DSSE envelope), or add a co-signature.",
        discussion: """
            KIND: export-license (no --manifest: subject license:<number>), supply-sufficiency (embeds the \
            manifest), lab-test, customs-decision, retraction. With --add-signature ENV.json, KIND is omitted and \
            the key's signature is added to that envelope.
            """)

    @Argument(help: "The statement kind (omitted with --add-signature).") var kind: PredicateKind?
    @Option(help: "The shipment manifest file (its exact bytes are the subject).") var manifest: String?
    @Option(help: "The predicate JSON file.") var predicate: String?
    @Option(name: .customLong("add-signature"), help: "An existing envelope to co-sign.") var addSignature: String?
    @Option(help: "The signer's private key.") var key: String
    @Option(help: "The signer's certificate (its SHA-256 is the keyid).") var cert: String
    @Option(help: "Intermediate CA certificates (checked with --trust).") var chain: [String] = []
    @Option(help: "Check the signer's certificate against this root before signing.") var trust: [String] = []
    @Option(help: "A CA directory whose index.json is checked for the signing certificate's revocation.") var ca: String?
    @Option(help: "Envelope output file.") var out: String
    @Flag(help: "Overwrite --out; sign even with an expired or revoked certificate.") var force = false
    @OptionGroup var keyOptions: KeyFileOptions

    func run() async throws {
        try await reporting {
            let certificate = try loadCertificate(cert)
            let signingKey = try loadPrivateKey(key, keyOptions)
            guard try signingKey.publicKey.spkiDER == certificate.publicKey.spkiDER else {
                throw TrailError.usage(
                    "key-certificate-mismatch", "\(key) is not the key certified by \(cert)", remedy: "pass the matching key and certificate")
            }
            var env: Envelope
            if let addSignature {
                guard kind == nil else { throw TrailError.usage("usage", "give either KIND or --add-signature, not both") }
                env = try loadEnvelope(addSignature)
                // A co-signature endorses the same values: checked as a first signature would be.
                try AttestationCheck.check(
                    payload: env.payload, manifest: try manifest.map { try FileIO.read($0) }, manifestFile: manifest,
                    predicateFile: addSignature)
            } else {
                guard let k = kind else {
                    throw TrailError.usage(
                        "unknown-kind", "no statement kind given",
                        remedy: "one of " + PredicateKind.allCases.map(\.rawValue).joined(separator: ", "))
                }
                guard let predicate else { throw TrailError.usage("predicate-required", "pass --predicate P.json") }
                let pbytes = try FileIO.read(predicate)
                let pvalue: JSONValue
                do { pvalue = try JSONParser.parse(pbytes) } catch let e as TrailError { throw e.at(file: predicate) }
                let mbytes = try manifest.map { try FileIO.read($0) }
                let payload: [UInt8]
                do {
                    payload = try Attestation.payload(kind: k, manifest: mbytes, predicate: pvalue)
                } catch var e as TrailError {
                    // A document that does not decode is malformed input (exit 65), not an integrity failure.
                    if e.category == .integrity { e.category = .malformed }
                    throw e.file == nil ? e.at(file: e.code == "malformed-manifest" ? manifest : predicate) : e
                }
                try AttestationCheck.check(payload: payload, manifest: mbytes, manifestFile: manifest, predicateFile: predicate)
                env = Envelope(payload: payload)
            }
            let checked = try CheckedStatement(envelope: env)
            if let role = checked.kind?.requiredRole, !certificate.roles.contains(where: { $0.rawValue == role }) {
                throw TrailError(
                    "role-not-permitted", "\(checked.statement.predicateType) must be signed by a \(role); \(cert) has roles \(certificate.roles.map(\.rawValue).joined(separator: ", "))")
            }
            let index: CAIndex? = try ca.map { dir in
                let f = dir + "/" + CADirectory.indexFile
                return try CAIndex(json: try FileIO.read(f), file: f)
            }
            if !force, let problem = AttestationCheck.signerProblems(certificate, caIndex: index, at: Date()).first {
                throw problem.at(file: cert)
            }
            if !trust.isEmpty {
                let v = ChainValidator(anchors: try loadCertificates(trust)).validate(
                    certificate, intermediates: try loadCertificates(chain), at: Date())
                if let e = v.failures.first { throw e }
            }
            env = try env.signed(by: signingKey, keyid: certificate.fingerprint)
            try FileIO.writeAtomically(Array((env.jsonText + "\n").utf8), to: out, mode: 0o644, overwrite: force || addSignature == out)
            print("wrote \(out): \(checked.statement.predicateType) about \(checked.subjectName), \(env.signatures.count) signature(s)")
        }
    }
}
