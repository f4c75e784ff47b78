import COpenSSL
import COpenSSLShims
import Foundation

/// The one Swift owner of an OpenSSL `ENGINE` reference to libp11's PKCS#11 engine with one module loaded;
/// released in `deinit`.
///
/// Keys loaded through the engine hold their own reference to it (libp11 calls `EVP_PKEY_set1_engine`), and
/// `PrivateKey` also keeps this owner, so a key stays usable however long it lives.
///
/// `@unchecked Sendable`: libp11 keeps one context per engine (module, PIN, slot list) for the whole process
/// and guards loads with its own mutex; chiptrail changes that context (module path, PIN) only under `lock`.
final class PKCS11Engine: @unchecked Sendable {
    let engine: OpaquePointer
    let modulePath: String

    /// Serialises every use of libp11's process-wide engine context.
    static let lock = NSLock()

    /// Loads the engine and tells it to use `module`. Throws `pkcs11-module-not-found` (74),
    /// `pkcs11-engine-unavailable` (74), `pkcs11-module-unavailable` (74).
    init(module: String) throws {
        // A bare file name is left to the dynamic loader's search path (e.g. p11-kit-proxy.so).
        guard !module.contains("/") || FileManager.default.fileExists(atPath: module) else {
            throw TrailError(
                "pkcs11-module-not-found", "the PKCS#11 module \(module) does not exist", category: .io,
                remedy: "give the token's module with --pkcs11-module or CHIPTRAIL_PKCS11_MODULE "
                    + "(SoftHSM2: /usr/lib/softhsm/libsofthsm2.so, OpenSC: /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so)",
                file: module)
        }
        OpenSSLErrors.clear()
        var stage: Int32 = 0
        guard let e = chiptrail_pkcs11_engine_new(module, &stage) else {
            if stage == 1 {
                throw OpenSSLErrors.error(
                    "pkcs11-engine-unavailable", "OpenSSL cannot load libp11's pkcs11 engine", category: .io,
                    remedy: "install it (Debian: apt-get install libengine-pkcs11-openssl), or point OPENSSL_ENGINES "
                        + "at the directory holding pkcs11.so")
            }
            throw OpenSSLErrors.error(
                "pkcs11-module-unavailable", "the pkcs11 engine cannot load the PKCS#11 module \(module)",
                remedy: "check that \(module) is a PKCS#11 module for this machine's architecture"
            ).at(file: module)
        }
        engine = e
        modulePath = module
    }

    deinit { chiptrail_pkcs11_engine_release(engine) }

    /// Loads the private key `uri` names, logging in with `pin`. Nil with the OpenSSL error queue left for
    /// the caller when the engine finds nothing.
    func loadPrivateKey(_ uri: String, pin: [UInt8]) throws -> OpaquePointer? {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        // The module path is per engine context, which every ENGINE_by_id("pkcs11") shares: set it again.
        _ = chiptrail_pkcs11_engine_set_module(engine, modulePath)
        var cpin = pin.map { CChar(bitPattern: $0) } + [0]
        defer { cpin.withUnsafeMutableBytes { b in OPENSSL_cleanse(b.baseAddress, b.count) } }
        guard chiptrail_pkcs11_engine_set_pin(engine, &cpin) == 1 else {
            throw OpenSSLErrors.error(
                "pkcs11-engine-failed", "the pkcs11 engine refused the PIN setting", category: .io)
        }
        OpenSSLErrors.clear()
        return chiptrail_pkcs11_load_private_key(engine, uri)
    }
}
