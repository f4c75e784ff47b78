import ArgumentParser
import Foundation
import TrailCrypto

struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca", abstract: "Certificate authority: init, issue, revoke, crl.",
        subcommands: [Init.self, Issue.self, Revoke.self, CRLCommand.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a CA directory: a self-signed root, or an intermediate under --parent.")
        @Option(help: "The CA directory to create.") var dir: String
        @Option(help: "Subject, e.g. \"CN=Export Root,O=Agency,C=US\".") var subject: String
        @Option(help: "Key algorithm (default ed25519; a token key's own with --key).") var alg: AlgorithmArgument?
        @Option(help: "The CA key in a PKCS#11 token (pkcs11: URI): it stays there, DIR/key.uri records the URI.")
        var key: String?
        @Option(help: "Validity in days (root \(CADirectory.defaultRootDays), intermediate \(CADirectory.defaultIntermediateDays)).")
        var days: Int?
        @Option(help: "Parent CA directory: create an intermediate it issues.") var parent: String?
        @Option(name: .customLong("path-len"), help: "basicConstraints pathLen (root 1, intermediate 0).")
        var pathLen: Int?
        @Flag(help: "Write the CA key unencrypted.") var noEncrypt = false
        @OptionGroup var passphrase: PassphraseOptions
        @Option(help: "File whose first line is the parent CA key's passphrase (else CHIPTRAIL_PASSPHRASE).")
        var parentPassphraseFile: String?
        @Flag(help: "Accept a parent key file that group or others may read.") var insecureKeyPermissions = false
        @OptionGroup var token: PKCS11Options

        func run() async throws {
            try await reporting {
                let dn = try DistinguishedName(parsing: subject)
                let algorithm = alg?.algorithm ?? .ed25519
                if let key, !PKCS11URI.isURI(key) {
                    throw TrailError.usage(
                        "ca-key-not-a-uri", "ca init --key takes a pkcs11: URI, not \(key)",
                        remedy: "leave --key out to generate the CA key into DIR/key.pem, or name a token key")
                }
                let parentCA = try parent.map {
                    try openCA($0, passphraseFile: parentPassphraseFile, insecure: insecureKeyPermissions, token: token)
                }
                let tokenKey = try key.map { try loadTokenKey($0, token) }
                if let tokenKey, let alg, tokenKey.algorithm.name != algorithm.name {
                    throw TrailError.usage(
                        "ca-key-algorithm-mismatch", "--alg \(alg.algorithm.name) asks for \(algorithm.name), the token key is \(tokenKey.algorithm.name)",
                        remedy: "leave --alg out: a token key's algorithm is its own")
                }
                var pass =
                    (noEncrypt || tokenKey != nil)
                    ? nil : try passphrase.require(prompt: "New passphrase for the CA key: ", confirm: true)
                defer { if pass != nil { wipe(&pass!) } }
                let ca = try CADirectory.create(
                    at: dir, subject: dn, algorithm: algorithm, days: days, pathLength: pathLen, parent: parentCA,
                    keyPassphrase: pass, existingKey: tokenKey)
                let kind = parentCA == nil ? "root" : "intermediate"
                print("\(kind) CA \(ca.certificate.subject) created in \(dir)")
                if let uri = tokenKey?.pkcs11URI { print("key stays in the token: \(uri)") }
                print("sha256 \(ca.certificate.fingerprint)")
            }
        }
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a certificate from a request (--csr) or a public key (--public).")
        @Option(help: "The CA directory.") var ca: String
        @Option(help: "Role the certificate may sign for (repeatable; default: the request's).") var role: [Role] = []
        @Option(help: "Subject (default: the request's).") var subject: String?
        @Option(help: "Certificate signing request (PEM).") var csr: String?
        @Option(help: "Public key (PEM).") var `public`: String?
        @Option(help: "Certificate output file.") var out: String
        @Option(help: "Also write the issuer chain (the CA certificate and its issuers) here.") var chainOut: String?
        @Option(help: "Validity in days.") var days = CADirectory.defaultLeafDays
        @Option(help: "Start of validity, RFC 3339 (default: now).") var notBefore: String?
        @Flag(help: "Issue a CA certificate (an intermediate) instead of a leaf.") var caRole = false
        @Option(name: .customLong("path-len"), help: "pathLen of a CA certificate (default 0).") var pathLen: Int?
        @OptionGroup var forceOptions: ForceOptions
        @OptionGroup var keyOptions: KeyFileOptions

        func validate() throws {
            guard (csr == nil) != (`public` == nil) else {
                throw ValidationError("give exactly one of --csr and --public")
            }
            if `public` != nil && subject == nil { throw ValidationError("--public needs --subject") }
        }

        func run() async throws {
            try await reporting {
                try forceOptions.checkWritable(out, chainOut)
                let roles = role
                let dn = try subject.map { try DistinguishedName(parsing: $0) }
                let start = try notBefore.map { try CertificateTime.parseOption($0, option: "--not-before") }
                let authority = try openCA(ca, keyOptions)
                let cert: Certificate
                if let csr {
                    let request = try CertificateSigningRequest(pem: try readInputText(csr, what: "CSR"), file: csr)
                    cert = try authority.issue(
                        csr: request, subject: dn, roles: roles, days: days, notBefore: start, isCA: caRole,
                        pathLength: pathLen)
                } else {
                    let key = try PublicKey(pem: try readInputText(`public`!, what: "public key"), file: `public`!)
                    cert = try authority.issue(
                        subject: dn!, publicKey: key, roles: roles, days: days, notBefore: start, isCA: caRole,
                        pathLength: pathLen)
                }
                try FileIO.writeAtomically(Array(cert.pem.utf8), to: out, overwrite: forceOptions.force)
                if let chainOut {
                    let chain = ([authority.certificate] + authority.chain).map(\.pem).joined()
                    try FileIO.writeAtomically(Array(chain.utf8), to: chainOut, overwrite: forceOptions.force)
                }
                let roleText = cert.roles.isEmpty ? "" : " roles \(cert.roles.map(\.rawValue).joined(separator: ","))"
                print("issued \(cert.isCA ? "CA certificate" : "certificate") \(Terminal.safe(cert.subject.string))\(roleText) to \(out)")
                print("serial \(cert.serialHex) valid \(CertificateTime.format(cert.notBefore)) to \(CertificateTime.format(cert.notAfter))")
                print("sha256 \(cert.fingerprint)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a certificate the CA issued and write a new CRL to DIR/crl.pem.")
        @Option(help: "The CA directory.") var ca: String
        @Option(help: "The certificate to revoke (PEM).") var cert: String?
        @Option(help: "The serial number (hex) of the certificate to revoke, as DIR/index.json records it.")
        var serial: String?
        @Option(help: "Reason.") var reason = ReasonArgument(.unspecified)
        @Option(help: "Validity of the new CRL in days.") var crlDays = CADirectory.defaultCRLDays
        @OptionGroup var keyOptions: KeyFileOptions

        func validate() throws {
            guard (cert == nil) != (serial == nil) else { throw ValidationError("give exactly one of --cert and --serial") }
        }

        func run() async throws {
            try await reporting {
                let why = reason.reason
                if let serial {
                    let hex = try CADirectory.normalizedSerial(serial)
                    let authority = try openCA(ca, keyOptions)
                    let crl = try authority.revoke(serial: hex, reason: why, crlDays: crlDays)
                    let subject = try authority.index().issued.first { $0.serial == hex }?.subject ?? "?"
                    print("revoked \(Terminal.safe(subject)) serial \(hex) (\(why.rawValue))")
                    print("CRL #\(crl.crlNumber ?? 0) written to \(ca)/\(CADirectory.crlFile)")
                    return
                }
                let target = try loadCertificate(cert!)
                let authority = try openCA(ca, keyOptions)
                let crl = try authority.revoke(target, reason: why, crlDays: crlDays)
                print("revoked \(Terminal.safe(target.subject.string)) serial \(target.serialHex) (\(why.rawValue))")
                print("CRL #\(crl.crlNumber ?? 0) written to \(ca)/\(CADirectory.crlFile)")
            }
        }
    }

    struct CRLCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crl", abstract: "Issue a new numbered CRL (also kept as DIR/crl.pem).")
        @Option(help: "The CA directory.") var ca: String
        @Option(help: "CRL output file (PEM).") var out: String
        @Option(help: "Days until nextUpdate.") var days = CADirectory.defaultCRLDays
        @OptionGroup var keyOptions: KeyFileOptions
        @OptionGroup var forceOptions: ForceOptions

        func run() async throws {
            try await reporting {
                try forceOptions.checkWritable(out)
                let authority = try openCA(ca, keyOptions)
                let crl = try authority.makeCRL(days: days)
                try FileIO.writeAtomically(Array(crl.pem.utf8), to: out, overwrite: forceOptions.force)
                print("CRL #\(crl.crlNumber ?? 0) with \(crl.entries.count) revoked written to \(out)")
                if let next = crl.nextUpdate { print("nextUpdate \(CertificateTime.format(next))") }
            }
        }
    }
}

/// Opens a CA directory, loading its key with the usual passphrase sources, or from its token when the
/// directory has `key.uri`.
func openCA(_ dir: String, _ options: KeyFileOptions) throws -> CADirectory {
    if let uri = try CADirectory.keyURI(in: dir) {
        return try CADirectory(opening: dir, key: try loadTokenKey(uri, options.token))
    }
    let keyPath = CADirectory.keyPath(in: dir)
    guard FileManager.default.fileExists(atPath: keyPath) else {
        throw TrailError.usage(
            "not-a-ca-directory", "\(dir) holds no \(CADirectory.keyFile)",
            remedy: "create it with `chiptrail ca init --dir \(dir)`"
        ).at(file: dir)
    }
    return try CADirectory(opening: dir, key: try loadPrivateKey(keyPath, options))
}

/// Opens a CA directory whose passphrase comes from its own option (`--parent-passphrase-file`).
func openCA(_ dir: String, passphraseFile: String?, insecure: Bool, token: PKCS11Options) throws -> CADirectory {
    var args: [String] = []
    if let m = token.module { args += ["--pkcs11-module", m] }
    if let p = token.pin.pinFile { args += ["--pin-file", p] }
    if let passphraseFile { args += ["--passphrase-file", passphraseFile] }
    if insecure { args.append("--insecure-key-permissions") }
    return try openCA(dir, try KeyFileOptions.parse(args))
}
