import ArgumentParser
import Foundation
import TrailCrypto

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Generate signing keys and show their public halves.",
        subcommands: [Generate.self, Public.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a private key (PEM PKCS#8, encrypted unless --no-encrypt, written 0600).")

        @Option(help: "Key algorithm: \(KeyAlgorithm.cliNames.joined(separator: ", ")).")
        var alg = "ed25519"
        @Option(help: "Private key output file.") var out: String
        @Option(help: "Also write the public key (PEM SubjectPublicKeyInfo) here.") var `public`: String?
        @Flag(help: "Write the private key unencrypted.") var noEncrypt = false
        @Flag(help: "Overwrite existing output files.") var force = false
        @OptionGroup var passphrase: PassphraseOptions

        func run() async throws {
            try await reporting {
                guard let algorithm = KeyAlgorithm(name: alg) else {
                    throw TrailError.usage(
                        "unsupported-key-algorithm", "unknown --alg \(alg)",
                        remedy: "choose one of \(KeyAlgorithm.cliNames.joined(separator: ", "))")
                }
                for path in [out, `public`].compactMap({ $0 }) where !force && FileManager.default.fileExists(atPath: path) {
                    throw TrailError.usage("file-exists", "\(path) exists", remedy: "pass --force to replace it")
                        .at(file: path)
                }
                var pass = noEncrypt ? nil : try passphrase.require(prompt: "New passphrase for \(out): ", confirm: true)
                defer { if pass != nil { wipe(&pass!) } }
                let key = try PrivateKey.generate(algorithm)
                try FileIO.writeAtomically(Array(try key.pem(passphrase: pass).utf8), to: out, mode: 0o600, overwrite: force)
                if let pub = `public` {
                    try FileIO.writeAtomically(Array(key.publicKey.pem.utf8), to: pub, mode: 0o644, overwrite: force)
                }
                print("\(algorithm.name) key written to \(out)\(noEncrypt ? " (unencrypted)" : " (encrypted)")")
                print("keyid \(key.publicKey.keyID)")
            }
        }
    }

    struct Public: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a key's public half (PEM) and its key id (hex SHA-256 of the SPKI DER).")

        @Argument(help: "A private or public key PEM file.") var keyFile: String
        @OptionGroup var keyOptions: KeyFileOptions
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text

        func run() async throws {
            try await reporting(format: format) {
                let text = try readInputText(keyFile, what: "key")
                let pub: PublicKey
                if text.contains("-----BEGIN PUBLIC KEY-----") {
                    pub = try PublicKey(pem: text, file: keyFile)
                } else {
                    pub = try loadPrivateKey(keyFile, keyOptions).publicKey
                }
                if format == .json {
                    printJSON(["algorithm": pub.algorithm.name, "keyid": pub.keyID, "publicKey": pub.pem])
                } else {
                    print(pub.pem, terminator: "")
                    print("keyid \(pub.keyID)")
                }
            }
        }
    }
}
