import ArgumentParser
import Foundation
import TrailCrypto

/// Options for reading a private key file.
struct KeyFileOptions: ParsableArguments {
    @OptionGroup var passphrase: PassphraseOptions

    @Flag(help: "Accept a private key file that group or others may read (refused by default).")
    var insecureKeyPermissions = false
}

/// Loads a private key file, asking for the passphrase only when the key is encrypted.
func loadPrivateKey(_ path: String, _ options: KeyFileOptions) throws -> PrivateKey {
    let text = try readInputText(path, what: "key")
    if !options.insecureKeyPermissions {
        var st = stat()
        if stat(path, &st) == 0, st.st_mode & 0o077 != 0 {
            throw TrailError.usage(
                "insecure-key-permissions",
                "private key \(path) is readable by group or others (mode \(String(st.st_mode & 0o777, radix: 8)))",
                remedy: "chmod 600 \(path), or pass --insecure-key-permissions"
            ).at(file: path)
        }
    }
    do {
        return try PrivateKey(pem: text, passphrase: nil, file: path)
    } catch let e as TrailError where e.code == "passphrase-required" {
        var pass = try options.passphrase.require(prompt: "Passphrase for \(path): ")
        defer { wipe(&pass) }
        return try PrivateKey(pem: text, passphrase: pass, file: path)
    }
}
