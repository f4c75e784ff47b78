import ArgumentParser
import Foundation
import TrailCrypto

/// Where a passphrase comes from: `--passphrase-file`, `CHIPTRAIL_PASSPHRASE`, or a no-echo prompt.
struct PassphraseOptions: ParsableArguments {
    @Option(name: .customLong("passphrase-file"), help: "File whose first line is the key passphrase.")
    var passphraseFile: String?

    /// The passphrase, or nil when none is available without a terminal. `confirm` asks twice.
    func obtain(prompt: String, confirm: Bool = false) throws -> [UInt8]? {
        if let f = passphraseFile {
            var bytes = try readInput(f, what: "passphrase")
            if let nl = bytes.firstIndex(of: 0x0A) { bytes = Array(bytes[..<nl]) }
            if bytes.last == 0x0D { bytes.removeLast() }
            guard !bytes.isEmpty else {
                throw TrailError.usage("empty-passphrase", "the passphrase file \(f) is empty").at(file: f)
            }
            return bytes
        }
        if let env = ProcessInfo.processInfo.environment["CHIPTRAIL_PASSPHRASE"], !env.isEmpty {
            return Array(env.utf8)
        }
        guard var first = TerminalPrompt.readSecret(prompt) else { return nil }
        if confirm {
            guard var again = TerminalPrompt.readSecret("Repeat passphrase: ") else {
                wipe(&first)
                return nil
            }
            defer { wipe(&again) }
            guard again == first else {
                wipe(&first)
                throw TrailError.usage("passphrase-mismatch", "the passphrases differ")
            }
        }
        guard !first.isEmpty else { throw TrailError.usage("empty-passphrase", "an empty passphrase was entered") }
        return first
    }

    /// The passphrase, or `passphrase-required` when there is none.
    func require(prompt: String, confirm: Bool = false) throws -> [UInt8] {
        guard let p = try obtain(prompt: prompt, confirm: confirm) else {
            throw TrailError.usage(
                "passphrase-required", "a passphrase is needed and there is no terminal to ask on",
                remedy: "pass --passphrase-file FILE or set CHIPTRAIL_PASSPHRASE")
        }
        return p
    }
}

/// Reads a secret from /dev/tty with echo off. Returns nil when there is no terminal.
enum TerminalPrompt {
    static func readSecret(_ prompt: String) -> [UInt8]? {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var old = termios()
        guard tcgetattr(fd, &old) == 0 else { return nil }
        var noecho = old
        noecho.c_lflag &= ~tcflag_t(ECHO)
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        _ = tcsetattr(fd, TCSAFLUSH, &noecho)
        defer {
            _ = tcsetattr(fd, TCSAFLUSH, &old)
            _ = write(fd, "\n", 1)
        }
        var out: [UInt8] = []
        var c: UInt8 = 0
        while read(fd, &c, 1) == 1 {
            if c == 0x0A || c == 0x0D { break }
            out.append(c)
        }
        return out
    }
}

/// Overwrites a passphrase once it has been used, so it does not linger in freed memory.
///
/// Best effort: Swift may have copied the array (each copy is wiped only where its owner calls this), and a
/// passphrase given in `CHIPTRAIL_PASSPHRASE` stays in the process's environment block until exit.
func wipe(_ secret: inout [UInt8]) {
    secret.withUnsafeMutableBytes { buffer in
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        #if canImport(Glibc)
            explicit_bzero(base, buffer.count)
        #else
            _ = memset_s(base, buffer.count, 0, buffer.count)
        #endif
    }
    secret.removeAll()
}

/// Where a token PIN comes from: `--pin-file`, `CHIPTRAIL_PKCS11_PIN`, or a no-echo prompt. The PIN is never
/// printed and never part of an error.
struct PINOptions: ParsableArguments {
    @Option(name: .customLong("pin-file"), help: "File whose first line is the PKCS#11 token PIN (else CHIPTRAIL_PKCS11_PIN).")
    var pinFile: String?

    /// The PIN, or `pkcs11-pin-required` when there is none and no terminal to ask on.
    func require(prompt: String) throws -> [UInt8] {
        if let f = pinFile {
            var bytes = try FileIO.read(f)
            if let nl = bytes.firstIndex(of: 0x0A) { bytes = Array(bytes[..<nl]) }
            if bytes.last == 0x0D { bytes.removeLast() }
            guard !bytes.isEmpty else {
                throw TrailError.usage("empty-pin", "the PIN file \(f) is empty").at(file: f)
            }
            return bytes
        }
        if let env = ProcessInfo.processInfo.environment["CHIPTRAIL_PKCS11_PIN"], !env.isEmpty {
            return Array(env.utf8)
        }
        guard let typed = TerminalPrompt.readSecret(prompt) else {
            throw TrailError.usage(
                "pkcs11-pin-required", "the token needs a PIN and there is no terminal to ask on",
                remedy: "pass --pin-file FILE or set CHIPTRAIL_PKCS11_PIN")
        }
        guard !typed.isEmpty else { throw TrailError.usage("empty-pin", "an empty PIN was entered") }
        return typed
    }
}
