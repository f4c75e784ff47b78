import ArgumentParser
import Foundation
import TrailCrypto

struct CSRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csr", abstract: "Create a certificate signing request asking for roles.")
    @Option(help: "The private key to request a certificate for.") var key: String
    @Option(help: "Subject, e.g. \"CN=Lab One,O=Acme Testing,C=US\".") var subject: String
    @Option(help: "Role to request (repeatable).") var role: [Role] = []
    @Option(help: "Request output file (PEM).") var out: String
    @OptionGroup var forceOptions: ForceOptions
    @OptionGroup var keyOptions: KeyFileOptions

    func run() async throws {
        try await reporting {
            try forceOptions.checkWritable(out)
            let dn = try DistinguishedName(parsing: subject)
            let roles = role
            let privateKey = try loadPrivateKey(key, keyOptions)
            let csr = try CertificateSigningRequest(key: privateKey, subject: dn, roles: roles)
            try FileIO.writeAtomically(Array(csr.pem.utf8), to: out, overwrite: forceOptions.force)
            let roleText = roles.isEmpty ? "no roles" : "roles \(csr.requestedRoles.map(\.rawValue).joined(separator: ","))"
            print("request for \(dn) (\(roleText)) written to \(out)")
        }
    }
}
