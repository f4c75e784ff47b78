import ArgumentParser
import Foundation
import TrailCrypto

struct CertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert", abstract: "Show and verify certificates.", subcommands: [Show.self, Verify.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a certificate's contents.")
        @Argument(help: "Certificate (PEM).") var certFile: String
        @OptionGroup var output: OutputOptions
        var format: OutputFormat { output.format }

        func run() async throws {
            try await reporting(format: format) {
                let cert = try loadCertificate(certFile)
                let keyID = (try? cert.publicKey)?.keyID
                if format == .json {
                    var obj: [String: Any] = [
                        "subject": cert.subject.string, "issuer": cert.issuer.string, "serial": cert.serialHex,
                        "notBefore": CertificateTime.format(cert.notBefore),
                        "notAfter": CertificateTime.format(cert.notAfter), "roles": cert.roles.map(\.rawValue),
                        "isCA": cert.isCA, "keyAlgorithm": cert.publicKeyDescription,
                        "keyUsage": cert.keyUsage.sorted(), "signatureAlgorithm": cert.signatureAlgorithmName,
                        "fingerprint": cert.fingerprint,
                    ]
                    if let p = cert.pathLength { obj["pathLength"] = p }
                    if let keyID { obj["keyID"] = keyID }
                    if let s = cert.subjectKeyIdentifierHex { obj["subjectKeyIdentifier"] = s }
                    if let a = cert.authorityKeyIdentifierHex { obj["authorityKeyIdentifier"] = a }
                    printJSON(obj)
                    return
                }
                let ca = cert.isCA ? "yes" + (cert.pathLength.map { " (pathLen \($0))" } ?? " (no pathLen)") : "no"
                let lines: [(String, String)] = [
                    ("subject", cert.subject.string), ("issuer", cert.issuer.string), ("serial", cert.serialHex),
                    ("notBefore", CertificateTime.format(cert.notBefore)),
                    ("notAfter", CertificateTime.format(cert.notAfter)),
                    ("roles", cert.roles.isEmpty ? "(none)" : cert.roles.map(\.rawValue).joined(separator: ", ")),
                    ("CA", ca), ("keyUsage", cert.keyUsage.sorted().joined(separator: ", ")),
                    ("key", cert.publicKeyDescription), ("keyid", keyID ?? "(key not accepted by chiptrail)"),
                    ("signature", cert.signatureAlgorithmName), ("sha256", cert.fingerprint),
                ]
                for (k, v) in lines { print((k + ":").padding(toLength: 12, withPad: " ", startingAt: 0) + Terminal.safe(v)) }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a certificate's path to a trusted root at a time, optionally for a role.",
            discussion: "Exit 0 when valid; 1 with every failure printed as error[code].")
        @Argument(help: "Certificate (PEM); further certificates in the file are used as the chain.")
        var certFile: String
        @OptionGroup var trustOptions: TrustOptions
        @Option(help: "Intermediate certificates (PEM, any number per file).") var chain: [String] = []
        @Option(help: "CRL to check revocation against (repeatable; give one per CA of the path).") var crl: [String] = []
        @Option(help: "Validation time, RFC 3339 (default: now).") var at: String?
        @Option(help: "Role the certificate must carry.") var role: Role?
        @OptionGroup var output: OutputOptions
        var format: OutputFormat { output.format }

        func run() async throws {
            try await reporting(format: format) {
                let anchors = try trustOptions.anchors(for: "cert verify")
                let certs = try loadCertificates([certFile])
                let intermediates = Array(certs.dropFirst()) + (try loadCertificates(chain))
                let crls = try crl.map { try loadCRL($0) }
                let time = try at.map { try CertificateTime.parseOption($0, option: "--at") } ?? Date()
                let requiredRole = role
                let result = ChainValidator(anchors: anchors).validate(
                    certs[0], intermediates: intermediates, crls: crls, at: time, role: requiredRole)
                let failures = result.failures.map { $0.at(file: certFile) }
                if format == .json {
                    printJSON([
                        "valid": failures.isEmpty, "at": CertificateTime.format(time),
                        "path": result.path.map { ["subject": $0.subject.string, "fingerprint": $0.fingerprint] },
                        "errors": failures.map { ["code": $0.code.rawValue, "message": $0.message] },
                    ] as [String: Any])
                } else if failures.isEmpty {
                    let path = result.path.map { Terminal.safe($0.subject.string) }.joined(separator: " <- ")
                    print("OK \(Terminal.safe(certs[0].subject.string)) valid at \(CertificateTime.format(time))"
                        + (requiredRole.map { " for role \($0.rawValue)" } ?? ""))
                    print("path: \(path)")
                } else {
                    for f in failures { printError(f) }
                }
                if !failures.isEmpty { throw ExitCode(Exit.integrity) }
            }
        }
    }
}
