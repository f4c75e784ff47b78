import Foundation

/// The result of running a child process.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `executable` with `arguments`, optionally feeding `stdin`, and captures its output.
@discardableResult
public func runProcess(
    _ executable: String, _ arguments: [String], stdin: [UInt8]? = nil, environment: [String: String]? = nil,
    cwd: String? = nil
) throws -> ProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let environment {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
    }
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let out = Pipe()
    let err = Pipe()
    let inp = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = inp
    try p.run()
    if let stdin { inp.fileHandleForWriting.write(Data(stdin)) }
    try inp.fileHandleForWriting.close()
    // Read both pipes concurrently so a chatty child cannot deadlock on a full pipe.
    let group = DispatchGroup()
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return ProcessResult(
        status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// Path of the `openssl` binary.
public let opensslPath: String = {
    for p in ["/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl"]
    where FileManager.default.isExecutableFile(atPath: p) {
        return p
    }
    return "/usr/bin/openssl"
}()

/// Runs the `openssl` command line.
@discardableResult
public func openssl(_ args: [String], stdin: [UInt8]? = nil) throws -> ProcessResult {
    try runProcess(opensslPath, args, stdin: stdin)
}

/// A fresh temporary directory, removed by the caller with `cleanup()`.
public final class TempDir: @unchecked Sendable {
    public let path: String
    public init() {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/chiptrail-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/name`.
    public func file(_ name: String) -> String { path + "/" + name }

    public func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let f = file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: f))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: f)
        return f
    }

    public func write(_ name: String, bytes: [UInt8], mode: Int = 0o600) throws -> String {
        let f = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: f))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: f)
        return f
    }

    public func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: file(name))))
    }
}

/// Path of the built `chiptrail` executable (beside the test bundle).
public let chiptrailPath: String = {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("chiptrail").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    // Fall back to the package's debug build folder.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/chiptrail").path
}()

/// Runs the chiptrail CLI.
@discardableResult
public func chiptrail(
    _ args: [String], stdin: [UInt8]? = nil, environment: [String: String]? = nil, cwd: String? = nil
) throws -> ProcessResult {
    try runProcess(chiptrailPath, args, stdin: stdin, environment: environment, cwd: cwd)
}

/// Hex decoding for test vectors.
public func hexBytes(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = s.startIndex
    while i < s.endIndex {
        let j = s.index(i, offsetBy: 2)
        out.append(UInt8(s[i..<j], radix: 16)!)
        i = j
    }
    return out
}

/// Writes a DSA private key (an algorithm chiptrail refuses) made by the `openssl` CLI to `path`.
public func makeDSAKeyWithOpenSSL(at path: String) throws {
    let params = path + ".params"
    let a = try openssl(["genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:1024", "-out", params])
    guard a.status == 0 else { throw NSError(domain: "openssl", code: Int(a.status), userInfo: ["stderr": a.stderr]) }
    let b = try openssl(["genpkey", "-paramfile", params, "-out", path])
    guard b.status == 0 else { throw NSError(domain: "openssl", code: Int(b.status), userInfo: ["stderr": b.stderr]) }
}

import TrailCrypto

/// A root → intermediate → leaf PKI made in memory with `CertificateBuilder`.
public struct TestPKI: Sendable {
    public let rootKey: PrivateKey
    public let root: Certificate
    public let intermediateKey: PrivateKey
    public let intermediate: Certificate
    public let leafKey: PrivateKey
    public let leaf: Certificate

    /// Valid from 2026-01-01 to 2036-01-01 (leaf: 2026-01-01 to 2028-01-01) unless told otherwise.
    public init(
        _ alg: KeyAlgorithm = .ed25519, leafAlg: KeyAlgorithm? = nil, roles: [Role] = [.lab],
        notBefore: Date = testDate("2026-01-01T00:00:00Z"), notAfter: Date = testDate("2036-01-01T00:00:00Z"),
        leafNotAfter: Date = testDate("2028-01-01T00:00:00Z")
    ) throws {
        rootKey = try PrivateKey.generate(alg)
        root = try CertificateBuilder.selfSignedRoot(
            subject: DistinguishedName(parsing: "CN=Test Root,O=chiptrail tests,C=US"), key: rootKey,
            notBefore: notBefore, notAfter: notAfter)
        intermediateKey = try PrivateKey.generate(alg)
        intermediate = try CertificateBuilder.caCertificate(
            subject: DistinguishedName(parsing: "CN=Test Intermediate,O=chiptrail tests,C=US"),
            publicKey: intermediateKey.publicKey, issuer: root, issuerKey: rootKey, notBefore: notBefore,
            notAfter: notAfter)
        leafKey = try PrivateKey.generate(leafAlg ?? alg)
        leaf = try CertificateBuilder.leaf(
            subject: DistinguishedName(parsing: "CN=Lab One,O=Acme Testing,C=US"), publicKey: leafKey.publicKey,
            roles: roles, issuer: intermediate, issuerKey: intermediateKey, notBefore: notBefore,
            notAfter: leafNotAfter)
    }
}

/// An RFC 3339 time for tests.
public func testDate(_ s: String) -> Date { CertificateTime.parse(s)! }

/// Runs `openssl` and fails loudly when it exits non-zero.
@discardableResult
public func opensslOK(_ args: [String], stdin: [UInt8]? = nil) throws -> String {
    let r = try openssl(args, stdin: stdin)
    guard r.status == 0 else {
        throw NSError(domain: "openssl \(args.joined(separator: " "))", code: Int(r.status), userInfo: ["stderr": r.stderr])
    }
    return r.stdout
}

/// The stable code of the `TrailError` that `body` throws, or nil when it throws none.
public func thrownCode(_ body: () throws -> Any) -> String? {
    do {
        _ = try body()
        return nil
    } catch let e as TrailError {
        return e.code.rawValue
    } catch {
        return "not-a-TrailError: \(error)"
    }
}
