import ArgumentParser
import Foundation
import TrailCrypto

struct CSRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csr", abstract: "Create a certificate signing request asking for roles.")
    @Option(help: "The private key to request a certificate for.") var key: String
    @Option(help: "Subject, e.g. \"CN=Lab One,O=Acme Testing,C=US\".") var subject: String
    @Option(help: "Role to request (repeatable).") var role: [String] = []
    @Option(help: "Request output file (PEM).") var out: String
    @Flag(help: "Overwrite an existing output file.") var force = false
    @OptionGroup var keyOptions: KeyFileOptions

    func run() async throws {
        try await reporting {
            if !force && FileManager.default.fileExists(atPath: out) {
                throw TrailError.usage("file-exists", "\(out) exists", remedy: "pass --force to replace it").at(file: out)
            }
            let dn = try DistinguishedName(parsing: subject)
            let roles = try role.map(Role.parse)
            let privateKey = try loadPrivateKey(key, keyOptions)
            let csr = try CertificateSigningRequest(key: privateKey, subject: dn, roles: roles)
            try FileIO.writeAtomically(Array(csr.pem.utf8), to: out, overwrite: force)
            let roleText = roles.isEmpty ? "no roles" : "roles \(csr.requestedRoles.map(\.rawValue).joined(separator: ","))"
            print("request for \(dn) (\(roleText)) written to \(out)")
        }
    }
}
