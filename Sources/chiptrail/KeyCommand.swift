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

        @Option(help: "Key algorithm.") var alg = AlgorithmArgument(.ed25519)
        @Option(help: "Private key output file.") var out: String
        @Option(help: "Also write the public key (PEM SubjectPublicKeyInfo) here.") var `public`: String?
        @Flag(help: "Write the private key unencrypted.") var noEncrypt = false
        @OptionGroup var forceOptions: ForceOptions
        @OptionGroup var passphrase: PassphraseOptions

        /// chiptrail reaches tokens through libp11's OpenSSL engine, which loads keys but cannot create them; the
        /// error gives the OpenSC command that makes the key in the token (it never leaves it).
        func tokenGenerationRefusal(_ algorithm: KeyAlgorithm) throws -> TrailError {
            let uri = try PKCS11URI(out)
            let keyType: String
            switch algorithm {
            case .p256: keyType = "EC:prime256v1"
            case .p384: keyType = "EC:secp384r1"
            case .rsa(let bits): keyType = "rsa:\(bits)"
            case .ed25519:
                return TrailError.usage(
                    "pkcs11-ed25519-unsupported",
                    "an Ed25519 key in a token is unusable through Debian 12's pkcs11 engine (libp11 0.4.12), and "
                        + "it would hide every other key of that token from the engine",
                    remedy: "make a p256, p384 or rsa3072 token key, and keep Ed25519 keys in PEM files")
            }
            let token = uri.token ?? "LABEL"
            let object = uri.attribute("object") ?? "KEYLABEL"
            return TrailError.usage(
                "pkcs11-keygen-external",
                "chiptrail does not create keys in a token; make it with OpenSC's pkcs11-tool, then use \(uri)",
                remedy: "pkcs11-tool --module MODULE --token-label '\(token)' --login --keypairgen "
                    + "--key-type \(keyType) --label '\(object)' --id 01 --usage-sign   (then `chiptrail key public '\(uri)'`)")
        }

        func run() async throws {
            try await reporting {
                let algorithm = alg.algorithm
                if PKCS11URI.isURI(out) { throw try tokenGenerationRefusal(algorithm) }
                try forceOptions.checkWritable(out, `public`)
                var pass = noEncrypt ? nil : try passphrase.require(prompt: "New passphrase for \(out): ", confirm: true)
                defer { if pass != nil { wipe(&pass!) } }
                let key = try PrivateKey.generate(algorithm)
                try FileIO.writeAtomically(Array(try key.pem(passphrase: pass).utf8), to: out, mode: 0o600, overwrite: forceOptions.force)
                if let pub = `public` {
                    try FileIO.writeAtomically(Array(key.publicKey.pem.utf8), to: pub, mode: 0o644, overwrite: forceOptions.force)
                }
                print("\(algorithm.name) key written to \(out)\(noEncrypt ? " (unencrypted)" : " (encrypted)")")
                print("keyid \(key.publicKey.keyID)")
            }
        }
    }

    struct Public: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a key's public half (PEM) and its key id (hex SHA-256 of the SPKI DER).")

        @Argument(help: "A private or public key PEM file, or a pkcs11: URI of a token key.") var keyFile: String
        @OptionGroup var keyOptions: KeyFileOptions
        @OptionGroup var output: OutputOptions
        var format: OutputFormat { output.format }

        func run() async throws {
            try await reporting(format: format) {
                let pub: PublicKey
                let text = PKCS11URI.isURI(keyFile) ? "" : try readInputText(keyFile, what: "key")
                if PKCS11URI.isURI(keyFile) {
                    pub = try loadPrivateKey(keyFile, keyOptions).publicKey
                } else if text.contains("-----BEGIN PUBLIC KEY-----") {
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
