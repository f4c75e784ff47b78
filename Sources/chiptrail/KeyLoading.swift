import ArgumentParser
import Foundation
import TrailCrypto

/// Options for reading a private key: a PEM file, or a key in a PKCS#11 token named by a `pkcs11:` URI.
struct KeyFileOptions: ParsableArguments {
    @OptionGroup var passphrase: PassphraseOptions
    @OptionGroup var token: PKCS11Options

    @Flag(help: "Accept a private key file that group or others may read (refused by default).")
    var insecureKeyPermissions = false
}

/// Where a token key comes from: the PKCS#11 module and the PIN.
struct PKCS11Options: ParsableArguments {
    @Option(
        name: .customLong("pkcs11-module"),
        help: "PKCS#11 module for pkcs11: key URIs (else CHIPTRAIL_PKCS11_MODULE, else the URI's module-path).")
    var module: String?
    @OptionGroup var pin: PINOptions

    /// The module: `--pkcs11-module`, `CHIPTRAIL_PKCS11_MODULE`, or the URI's `module-path`.
    func modulePath(for uri: PKCS11URI) throws -> String {
        if let module { return module }
        if let env = ProcessInfo.processInfo.environment["CHIPTRAIL_PKCS11_MODULE"], !env.isEmpty { return env }
        if let m = uri.modulePath { return m }
        throw TrailError.usage(
            "pkcs11-module-required", "no PKCS#11 module is given for \(uri)",
            remedy: "pass --pkcs11-module MODULE.so or set CHIPTRAIL_PKCS11_MODULE "
                + "(SoftHSM2: /usr/lib/softhsm/libsofthsm2.so)")
    }
}

/// What a loaded key will sign; a checkpoint or cosignature key must be Ed25519.
enum KeyPurpose {
    case signing
    case operatorCheckpoint
    case witnessCosignature
}

/// Loads a private key: a `pkcs11:` URI from its token (asking for the PIN), else a PEM file (asking for the
/// passphrase only when the key is encrypted). Every command that takes a private key goes through here.
func loadPrivateKey(_ path: String, _ options: KeyFileOptions, purpose: KeyPurpose = .signing) throws -> PrivateKey {
    if PKCS11URI.isURI(path) { return try loadTokenKey(path, options.token, purpose: purpose) }
    let text = try readInputText(path, what: "key")
    if !options.insecureKeyPermissions {
        var st = stat()
        if stat(path, &st) == 0, st.st_mode & 0o077 != 0 {
            throw TrailError(
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

/// Loads the key a `pkcs11:` URI names. The PIN is asked for only after the URI and module check out.
func loadTokenKey(_ text: String, _ options: PKCS11Options, purpose: KeyPurpose = .signing) throws -> PrivateKey {
    let uri = try PKCS11URI(text)
    let module = try options.modulePath(for: uri)
    var pin = try options.pin.require(prompt: "PIN for \(uri.token.map { "token \($0)" } ?? uri.text): ")
    defer { wipe(&pin) }
    let use: PKCS11KeyUse
    switch purpose {
    case .signing: use = .signing
    case .operatorCheckpoint: use = .ed25519Note(what: "the operator's checkpoint key")
    case .witnessCosignature: use = .ed25519Note(what: "a witness cosignature key")
    }
    return try PrivateKey(pkcs11: uri, module: module, pin: pin, use: use)
}
