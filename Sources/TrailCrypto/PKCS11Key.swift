import COpenSSL
import Foundation

/// What a key taken from a token is for, so a failure can say why it matters.
public enum PKCS11KeyUse: Sendable {
    /// A certificate, CRL, CSR or statement signature: P-256, P-384, RSA-PSS (or Ed25519 where the engine can).
    case signing
    /// A checkpoint or cosignature (signed-note) key, which must be Ed25519.
    case ed25519Note(what: String)
}

extension PrivateKey {
    /// The private key `uri` names in a token reached through `module`, logged in with `pin`. The key never
    /// leaves the token: signatures are made by it, and `pem(passphrase:)` refuses.
    ///
    /// Errors: `pkcs11-wrong-pin`, `pkcs11-pin-locked` (77); `pkcs11-token-not-found`, `pkcs11-object-not-found`
    /// (65); `pkcs11-ed25519-unsupported` (64) for an `.ed25519Note` use the engine cannot serve; the
    /// `PKCS11Engine` errors (74); `unsupported-key-algorithm`, `weak-key`. No error holds the PIN.
    public init(pkcs11 uri: PKCS11URI, module: String, pin: [UInt8], use: PKCS11KeyUse = .signing) throws {
        guard !pin.isEmpty, !pin.contains(0) else {
            throw TrailError.usage("pkcs11-pin-invalid", "a token PIN is not empty and holds no NUL byte")
        }
        let engine = try PKCS11Engine(module: module)
        guard let pkey = try engine.loadPrivateKey(uri.engineURI, pin: pin) else {
            throw Self.loadFailure(uri, engine: engine, pin: pin, use: use)
        }
        let key: PKey
        do {
            key = try PKey(taking: pkey)
        } catch var e as TrailError {
            e.message = "the key at \(uri): " + e.message
            throw e
        }
        if case .ed25519Note(let what) = use, key.algorithm != .ed25519 {
            throw TrailError.usage(
                "pkcs11-key-not-ed25519", "the key at \(uri) is \(key.algorithm), but \(what) must be Ed25519",
                remedy: "keep \(what) in an Ed25519 PEM file (chiptrail key generate --alg ed25519)")
        }
        self.init(key, token: PKCS11Token(engine: engine, uri: uri))
    }

    /// Classifies a failed load from the engine's error queue, then (when the queue only says "object not
    /// found") by asking whether the token itself answers.
    private static func loadFailure(_ uri: PKCS11URI, engine: PKCS11Engine, pin: [UInt8], use: PKCS11KeyUse)
        -> TrailError
    {
        let queue = PKCS11ErrorQueue.drain()
        let lines = queue.map(\.text)
        if queue.contains(where: { $0.isPKCS11Return(PKCS11ErrorQueue.ckrPinIncorrect, PKCS11ErrorQueue.ckrPinInvalid) }
        ) {
            return TrailError(
                "pkcs11-wrong-pin", "the token refused the PIN for \(uri)", category: .permission,
                remedy: "check the PIN (--pin-file, CHIPTRAIL_PKCS11_PIN); the token locks after too many wrong tries",
                openssl: lines)
        }
        if queue.contains(where: { $0.isPKCS11Return(PKCS11ErrorQueue.ckrPinLocked, PKCS11ErrorQueue.ckrPinExpired) }) {
            return TrailError(
                "pkcs11-pin-locked", "the token's user PIN is locked or expired (\(uri))", category: .permission,
                remedy: "unlock or change it with the security officer PIN (pkcs11-tool --unlock-pin, --change-pin)",
                openssl: lines)
        }
        if queue.contains(where: \.isModuleLoadFailure) {
            return TrailError(
                "pkcs11-module-unavailable", "the pkcs11 engine cannot load the PKCS#11 module \(engine.modulePath)",
                remedy: "check that it is a PKCS#11 module (.so) for this machine's architecture",
                file: engine.modulePath, openssl: lines)
        }
        // A token that answers a token-only URI (libp11 then takes its first key) exists; otherwise either no
        // token matches or libp11 cannot read the token's keys at all (libp11 0.4.12 fails on every key of a
        // token that holds an EdDSA key).
        let tokenAnswers: Bool
        do {
            if let probe = try engine.loadPrivateKey(uri.tokenOnlyURI, pin: pin) {
                EVP_PKEY_free(probe)
                tokenAnswers = true
            } else {
                tokenAnswers = false
            }
        } catch {
            // Only the PIN hand-over throws, and it just worked for the first load; should it fail now, say so.
            return (error as? TrailError)
                ?? TrailError("pkcs11-engine-failed", "the pkcs11 engine failed: \(error)", category: .io)
        }
        OpenSSLErrors.clear()
        let tokenName = uri.token.map { "token \"\($0)\"" } ?? "the token \(uri.tokenOnlyURI) selects"
        if tokenAnswers {
            return TrailError(
                "pkcs11-object-not-found", "\(tokenName) holds no private key matching \(uri)", category: .malformed,
                remedy:
                    "list the token's keys with `pkcs11-tool --module MODULE --token-label LABEL --login --list-objects` "
                    + "and fix object= or id=",
                openssl: lines)
        }
        if case .ed25519Note(let what) = use {
            return TrailError.usage(
                "pkcs11-ed25519-unsupported",
                "\(what) must be Ed25519, and the pkcs11 engine found no usable key at \(uri): libp11 before 0.4.17 "
                    + "(Debian 12 ships 0.4.12) cannot use EdDSA keys in a token",
                remedy: "keep \(what) in an Ed25519 PEM file (chiptrail key generate --alg ed25519); token keys "
                    + "work for CA, CSR and statement signatures (P-256, P-384, RSA-PSS)"
            )
        }
        return TrailError(
            "pkcs11-token-not-found",
            "no token the module \(engine.modulePath) offers matches \(uri), or \(tokenName) holds no key libp11 can read",
            remedy: "list tokens with `pkcs11-tool --module \(engine.modulePath) --list-token-slots`; note that an "
                + "Ed25519 key in a token hides every key of that token from libp11 0.4.12",
            openssl: lines)
    }
}

/// A token key's origin: the engine that reaches it (kept alive with the key) and the URI that named it.
final class PKCS11Token: Sendable {
    let engine: PKCS11Engine
    let uri: PKCS11URI

    init(engine: PKCS11Engine, uri: PKCS11URI) {
        self.engine = engine
        self.uri = uri
    }
}

/// The OpenSSL error queue with each entry's library and reason, so a failed engine load is classified by
/// the PKCS#11 return value libp11 records (library "PKCS#11 module", reason = the CKR_ code) rather than by text.
enum PKCS11ErrorQueue {
    static let ckrPinIncorrect: Int32 = 0xA0
    static let ckrPinInvalid: Int32 = 0xA1
    static let ckrPinExpired: Int32 = 0xA3
    static let ckrPinLocked: Int32 = 0xA4
    /// libp11's P11_R_LOAD_MODULE_ERROR (P11_R_BASE 1024 + 1).
    static let p11LoadModuleError: Int32 = 1025

    struct Entry {
        let text: String
        let library: String
        let reason: Int32

        func isPKCS11Return(_ codes: Int32...) -> Bool { library == "PKCS#11 module" && codes.contains(reason) }
        var isModuleLoadFailure: Bool { library == "libp11" && reason == PKCS11ErrorQueue.p11LoadModuleError }
    }

    static func drain() -> [Entry] {
        var out: [Entry] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buf = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buf, buf.count)
            let text = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let library = ERR_lib_error_string(code).map { String(cString: $0) } ?? ""
            out.append(Entry(text: text, library: library, reason: ERR_GET_REASON(code)))
        }
        return out
    }
}
