import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A certificate authority kept in a directory (README.md "Commands"): `cert.pem`, `chain.pem` (the issuers up to
/// and including the root; empty for a root), `key.pem` (PKCS#8, encrypted unless asked otherwise, 0600),
/// `crl.pem` (the current CRL) and `index.json` (`CAIndex`). A CA whose key stays in a PKCS#11 token has
/// `key.uri` (its RFC 7512 URI, one line, no PIN) instead of `key.pem`. Every file is replaced atomically and every
/// change to the index is made under an exclusive lock on `DIR/.lock`.
public struct CADirectory: Sendable {
    public static let certFile = "cert.pem"
    public static let chainFile = "chain.pem"
    public static let keyFile = "key.pem"
    public static let keyURIFile = "key.uri"
    public static let crlFile = "crl.pem"
    public static let indexFile = "index.json"

    /// Default validity in days: roots, intermediates, leaves, CRLs.
    public static let defaultRootDays = 3650
    public static let defaultIntermediateDays = 1825
    public static let defaultLeafDays = 365
    public static let defaultCRLDays = 30

    /// The directory.
    public let path: String
    /// The CA's certificate.
    public let certificate: Certificate
    /// Its issuers up to and including the root (empty for a root).
    public let chain: [Certificate]
    let key: PrivateKey

    /// `DIR/key.pem`, to load with the passphrase before `init(opening:key:)`.
    public static func keyPath(in dir: String) -> String { dir + "/" + keyFile }

    /// The URI in `DIR/key.uri` when the CA's key is in a token; nil when the directory has no such file.
    public static func keyURI(in dir: String) throws -> String? {
        let f = dir + "/" + keyURIFile
        guard FileManager.default.fileExists(atPath: f) else { return nil }
        let text = try FileIO.readText(f).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, !text.contains("\n") else {
            throw TrailError.malformed("malformed-key-uri", "\(keyURIFile) holds no single pkcs11: URI",
                remedy: "write the CA key's URI on one line").at(file: f)
        }
        return text
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Opens the CA in `dir` with its private key (loaded by the caller, who knows how to ask for the
    /// passphrase). Throws `not-a-ca-directory`, `ca-key-mismatch`.
    public init(opening dir: String, key: PrivateKey) throws {
        path = dir
        let certPath = dir + "/" + Self.certFile
        guard FileManager.default.fileExists(atPath: certPath) else {
            throw TrailError.usage(
                "not-a-ca-directory", "\(dir) holds no \(Self.certFile)", remedy: "create it with `chiptrail ca init --dir \(dir)`"
            ).at(file: dir)
        }
        certificate = try Certificate.load(file: certPath)[0]
        let chainPath = dir + "/" + Self.chainFile
        let chainText = FileManager.default.fileExists(atPath: chainPath) ? try FileIO.readText(chainPath) : ""
        chain = chainText.contains("-----BEGIN") ? try Certificate.all(pem: chainText, file: chainPath) : []
        guard try certificate.publicKey.spkiDER == key.publicKey.spkiDER else {
            let source = key.pkcs11URI.map { "the token key \($0)" } ?? Self.keyFile
            throw TrailError(
                "ca-key-mismatch", "\(source) is not the key of \(Self.certFile)",
                remedy: key.pkcs11URI == nil ? "restore the CA's own key.pem" : "fix \(Self.keyURIFile) to name the CA's own key"
            ).at(file: dir)
        }
        guard certificate.isCA else {
            throw TrailError.usage("not-a-ca-directory", "\(certPath) is not a CA certificate").at(file: certPath)
        }
        self.key = key
    }

    /// Creates a CA in `dir` (which must not exist or be empty): a self-signed root when `parent` is nil,
    /// else an intermediate issued (and recorded) by `parent`. Writes all five files and a first, empty CRL.
    ///
    /// - Parameters:
    ///   - pathLength: root default 1, intermediate default 0.
    ///   - keyPassphrase: encrypts `key.pem`; nil writes it unencrypted.
    ///   - existingKey: the CA's key instead of a fresh one of `algorithm`. A token key (`pkcs11URI` set) is
    ///     recorded as `key.uri` and never leaves the token; a key in memory is written to `key.pem`.
    public static func create(
        at dir: String, subject: DistinguishedName, algorithm: KeyAlgorithm = .ed25519, days: Int? = nil,
        pathLength: Int? = nil, parent: CADirectory? = nil, keyPassphrase: [UInt8]?, existingKey: PrivateKey? = nil,
        now: Date = Date()
    ) throws -> CADirectory {
        let fm = FileManager.default
        if fm.fileExists(atPath: dir), !((try? fm.contentsOfDirectory(atPath: dir))?.isEmpty ?? false) {
            throw TrailError.usage(
                "ca-exists", "\(dir) exists and is not an empty directory", remedy: "choose a new --dir"
            ).at(file: dir)
        }
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw TrailError.io("cannot create \(dir): \(error.localizedDescription)", file: dir)
        }
        let key = try existingKey ?? PrivateKey.generate(algorithm)
        let start = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let cert: Certificate
        let chain: [Certificate]
        if let parent {
            cert = try parent.issue(
                subject: subject, publicKey: key.publicKey, roles: [],
                days: days ?? defaultIntermediateDays, notBefore: start, isCA: true, pathLength: pathLength ?? 0)
            chain = [parent.certificate] + parent.chain
        } else {
            try checkDays(days ?? defaultRootDays)
            if let pathLength, pathLength < 0 { throw TrailError.usage("invalid-path-length", "--path-len is 0 or more") }
            cert = try CertificateBuilder.selfSignedRoot(
                subject: subject, key: key, pathLength: pathLength ?? 1, notBefore: start,
                notAfter: start.addingTimeInterval(Double(days ?? defaultRootDays) * 86400))
            chain = []
        }
        if let uri = key.pkcs11URI {
            try FileIO.writeAtomically(Array((uri.text + "\n").utf8), to: dir + "/" + keyURIFile, mode: 0o644, overwrite: false)
        } else {
            try FileIO.writeAtomically(
                Array(try key.pem(passphrase: keyPassphrase).utf8), to: dir + "/" + keyFile, mode: 0o600, overwrite: false)
        }
        try FileIO.writeAtomically(Array(cert.pem.utf8), to: dir + "/" + certFile, overwrite: false)
        try FileIO.writeAtomically(Array(chain.map(\.pem).joined().utf8), to: dir + "/" + chainFile, overwrite: false)
        try FileIO.writeAtomically(CAIndex().json, to: dir + "/" + indexFile, overwrite: false)
        let ca = try CADirectory(opening: dir, key: key)
        _ = try ca.makeCRL(now: start)
        return ca
    }

    /// The current index.
    public func index() throws -> CAIndex {
        let f = file(Self.indexFile)
        return try CAIndex(json: try FileIO.read(f), file: f)
    }

    /// The current CRL (`crl.pem`).
    public func currentCRL() throws -> CRL {
        let f = file(Self.crlFile)
        return try CRL(pem: try FileIO.readText(f), file: f)
    }

    /// Issues a certificate for `publicKey` and records it in the index: a leaf with `roles` (at least one),
    /// or with `isCA` a CA certificate (pathLen `pathLength`, default 0) that may also carry roles. Validity
    /// starts at `notBefore` (default now) and lasts `days`, capped at this CA's own notAfter.
    ///
    /// Throws `role-required`, `path-length-exceeded` (this CA may not issue CA certificates), `ca-expired`.
    public func issue(
        subject: DistinguishedName, publicKey: PublicKey, roles: [Role], days: Int = defaultLeafDays,
        notBefore: Date? = nil, isCA: Bool = false, pathLength: Int? = nil, now: Date = Date()
    ) throws -> Certificate {
        try Self.checkDays(days)
        if !isCA && roles.isEmpty {
            throw TrailError.usage(
                "role-required", "a leaf certificate needs at least one role",
                remedy: "pass --role (\(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if isCA {
            let requested = pathLength ?? 0
            guard requested >= 0 else { throw TrailError.usage("invalid-path-length", "a path length is 0 or more") }
            if let own = certificate.pathLength, requested >= own {
                throw TrailError.usage(
                    "path-length-exceeded",
                    "this CA has pathLen \(own), so it cannot issue a CA certificate with pathLen \(requested)",
                    remedy: own == 0 ? "issue CA certificates from the root" : "ask for --path-len \(own - 1) or less")
            }
        }
        let start = Date(timeIntervalSince1970: (notBefore ?? now).timeIntervalSince1970.rounded(.down))
        guard start < certificate.notAfter, now <= certificate.notAfter else {
            throw TrailError.usage("ca-expired", "the CA certificate expired at \(CertificateTime.format(certificate.notAfter))")
        }
        let end = min(start.addingTimeInterval(Double(days) * 86400), certificate.notAfter)
        let cert =
            isCA
            ? try CertificateBuilder.caCertificate(
                subject: subject, publicKey: publicKey, issuer: certificate, issuerKey: key, pathLength: pathLength ?? 0,
                roles: roles, notBefore: start, notAfter: end)
            : try CertificateBuilder.leaf(
                subject: subject, publicKey: publicKey, roles: roles, issuer: certificate, issuerKey: key,
                notBefore: start, notAfter: end)
        try withLock {
            var idx = try index()
            idx.issued.append(
                CAIndex.Issued(
                    serial: cert.serialHex, subject: cert.subject.string, roles: cert.roles, isCA: cert.isCA,
                    notBefore: CertificateTime.format(cert.notBefore), notAfter: CertificateTime.format(cert.notAfter),
                    fingerprint: cert.fingerprint))
            try writeIndex(idx)
        }
        return cert
    }

    /// Issues from a request after checking its signature (`csr-signature-invalid`). `subject` and `roles`
    /// default to the request's.
    public func issue(
        csr: CertificateSigningRequest, subject: DistinguishedName? = nil, roles: [Role]? = nil,
        days: Int = defaultLeafDays, notBefore: Date? = nil, isCA: Bool = false, pathLength: Int? = nil,
        now: Date = Date()
    ) throws -> Certificate {
        guard csr.isSignatureValid else {
            throw TrailError(
                "csr-signature-invalid", "the request is not signed by the key it asks a certificate for",
                remedy: "create the request again with `chiptrail csr`")
        }
        let requested = (roles?.isEmpty ?? true) ? csr.requestedRoles : roles!
        return try issue(
            subject: subject ?? csr.subject, publicKey: try csr.publicKey, roles: requested, days: days,
            notBefore: notBefore, isCA: isCA, pathLength: pathLength, now: now)
    }

    /// Revokes a certificate this CA issued, records it, and writes a new CRL (returned).
    ///
    /// Throws `not-issued-by-ca`, `already-revoked`.
    public func revoke(
        _ cert: Certificate, reason: RevocationReason = .unspecified, at date: Date = Date(),
        crlDays: Int = defaultCRLDays
    ) throws -> CRL {
        guard cert.issuer == certificate.subject, cert.isSignature(validUnder: certificate) else {
            throw TrailError.usage(
                "not-issued-by-ca", "\(cert.subject) (serial \(cert.serialHex)) was not issued by \(certificate.subject)",
                remedy: "revoke it with the CA that issued it")
        }
        return try record(serial: cert.serialHex, reason: reason, at: date, crlDays: crlDays)
    }

    /// Revokes the certificate with serial `serial` (hex, any case, colons allowed) that this CA's index records as
    /// issued, and writes a new CRL (returned): for a certificate whose file is lost.
    ///
    /// Throws `invalid-serial`, `not-issued-by-ca`, `already-revoked`.
    public func revoke(
        serial: String, reason: RevocationReason = .unspecified, at date: Date = Date(), crlDays: Int = defaultCRLDays
    ) throws -> CRL {
        let hex = try Self.normalizedSerial(serial)
        guard try index().issued.contains(where: { $0.serial == hex }) else {
            throw TrailError.usage(
                "not-issued-by-ca", "\(certificate.subject) has issued no certificate with serial \(hex)",
                remedy: "look the serial up in \(Self.indexFile), or revoke it with the CA that issued it")
        }
        return try record(serial: hex, reason: reason, at: date, crlDays: crlDays)
    }

    /// `serial` as `Certificate.serialHex` writes it (lowercase, minimal bytes); `invalid-serial` for anything else
    /// than hex digits (with optional colons, as `openssl x509 -serial` and browsers print them).
    public static func normalizedSerial(_ serial: String) throws -> String {
        var hex = serial.lowercased().replacingOccurrences(of: ":", with: "")
        if hex.hasPrefix("0x") { hex.removeFirst(2) }
        guard !hex.isEmpty, hex.count <= 128, hex.allSatisfy(\.isHexDigit) else {
            throw TrailError.usage(
                "invalid-serial", "--serial \(serial.prefix(140)) is not a hexadecimal serial number",
                remedy: "give it as `openssl x509 -noout -serial` or `chiptrail cert show` prints it")
        }
        if hex.count % 2 == 1 { hex = "0" + hex }
        while hex.count > 2 && hex.hasPrefix("00") { hex.removeFirst(2) }
        return hex
    }

    private func record(serial: String, reason: RevocationReason, at date: Date, crlDays: Int) throws -> CRL {
        try withLock {
            var idx = try index()
            if idx.revoked.contains(where: { $0.serial == serial }) {
                throw TrailError.usage("already-revoked", "serial \(serial) is already revoked")
            }
            idx.revoked.append(CAIndex.Revoked(serial: serial, date: CertificateTime.format(date), reason: reason))
            return try writeCRL(&idx, days: crlDays, now: date)
        }
    }

    /// Issues the next numbered CRL (valid `days`), writes it to `crl.pem`, and returns it.
    public func makeCRL(days: Int = defaultCRLDays, now: Date = Date()) throws -> CRL {
        try withLock {
            var idx = try index()
            return try writeCRL(&idx, days: days, now: now)
        }
    }

    private func writeCRL(_ idx: inout CAIndex, days: Int, now: Date) throws -> CRL {
        try Self.checkDays(days)
        let start = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let crl = try CRLBuilder.build(
            issuer: certificate, issuerKey: key, revoked: idx.crlEntries, crlNumber: idx.nextCRLNumber,
            thisUpdate: start, nextUpdate: start.addingTimeInterval(Double(days) * 86400))
        idx.nextCRLNumber += 1
        try FileIO.writeAtomically(Array(crl.pem.utf8), to: file(Self.crlFile), overwrite: true)
        try writeIndex(idx)
        return crl
    }

    private func writeIndex(_ idx: CAIndex) throws {
        try FileIO.writeAtomically(idx.json, to: file(Self.indexFile), overwrite: true)
    }

    private static func checkDays(_ days: Int) throws {
        guard days > 0 else { throw TrailError.usage("invalid-days", "--days must be 1 or more") }
    }

    /// Runs `body` holding an exclusive flock on `DIR/.lock`, so concurrent `ca` commands do not lose updates.
    private func withLock<T>(_ body: () throws -> T) throws -> T {
        let lockPath = file(".lock")
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw TrailError.io("cannot open \(lockPath): \(FileIO.errnoText())", file: lockPath) }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else {
            throw TrailError.io("cannot lock \(lockPath): \(FileIO.errnoText())", file: lockPath)
        }
        defer { _ = flock(fd, LOCK_UN) }
        return try body()
    }
}
