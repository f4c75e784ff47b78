import Foundation
import TrailCrypto
import TrailCompliance
import TrailLedger

/// Every certificate in the PEM (or DER) files at `paths`, in order; `no-certificate` (exit 65) for a file that holds
/// none (a key file given as `--trust`, say), naming the file and what it holds instead.
func loadCertificates(_ paths: [String]) throws -> [Certificate] {
    var out: [Certificate] = []
    for p in paths {
        let bytes = try readInput(p, what: "certificate")
        if bytes.first == 0x30 {
            do {
                out.append(try Certificate(der: bytes))
            } catch let e as TrailError {
                throw e.at(file: p)
            }
            continue
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let certs = try Certificate.all(pem: text, file: p)
        guard !certs.isEmpty else { throw noCertificate(p, text: text) }
        out += certs
    }
    return out
}

/// `no-certificate`: `path` holds no certificate; says what kind of file it looks like (never any of its contents,
/// nor a private key's PEM label: the key hygiene tests forbid that text in any output).
func noCertificate(_ path: String, text: String) -> TrailError {
    let labels = (try? PEM.blocks(in: text, file: path).map(\.label)) ?? []
    let holds: String
    if labels.contains(where: { $0.hasSuffix("PRIVATE KEY") }) {
        holds = "it holds a private key, not a certificate"
    } else if labels.contains(where: { $0.hasSuffix("PUBLIC KEY") }) {
        holds = "it holds a public key, not a certificate"
    } else if labels.contains("CERTIFICATE REQUEST") {
        holds = "it holds a certificate request, not a certificate"
    } else if labels.contains("X509 CRL") {
        holds = "it holds a CRL, not a certificate"
    } else {
        holds = labels.isEmpty ? "it holds no PEM block" : "it holds no CERTIFICATE block"
    }
    return TrailError.malformed(
        "no-certificate", "no certificate in \(path): \(holds)",
        remedy: "give the PEM or DER certificate file (-----BEGIN CERTIFICATE-----)"
    ).at(file: path)
}

/// The one certificate in the file at `path`.
func loadCertificate(_ path: String) throws -> Certificate {
    guard let c = try loadCertificates([path]).first else {
        throw TrailError.malformed("no-certificate", "no certificate in \(path)").at(file: path)
    }
    return c
}

/// A CRL from PEM or DER.
func loadCRL(_ path: String) throws -> CRL {
    let bytes = try readInput(path, what: "CRL")
    do {
        if bytes.first == 0x30 { return try CRL(der: bytes) }
        return try CRL(pem: String(decoding: bytes, as: UTF8.self), file: path)
    } catch let e as TrailError {
        throw e.file == nil ? e.at(file: path) : e
    }
}

/// A DSSE envelope file.
func loadEnvelope(_ path: String) throws -> Envelope {
    do {
        return try Envelope(json: try readInput(path, what: "envelope"))
    } catch let e as TrailError {
        throw e.at(file: path)
    }
}

/// A policy file, or the built-in H200 rule without one.
func loadPolicy(_ path: String?) throws -> Policy {
    guard let path else { return .h200 }
    return try Policy.load(json: try readInput(path, what: "policy"), file: path)
}

/// A progress line on stderr, shown only on a terminal and never in JSON mode.
final class Progress {
    let enabled: Bool
    let label: String
    let total: Int64
    private var last = Date.distantPast

    init(_ label: String, total: Int64, format: OutputFormat) {
        self.label = label
        self.total = total
        enabled = stderrIsTerminal && format == .text
    }

    func update(_ done: Int64) {
        guard enabled, Date().timeIntervalSince(last) > 0.2 else { return }
        last = Date()
        let pct = total > 0 ? Int(done * 100 / total) : 0
        FileHandle.standardError.write(Data("\r\(label)… \(pct)%".utf8))
    }

    func done() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// Shows the sidecar index catching up with `ledger` (minutes for a million records after the index was lost) on a
/// terminal; nothing when piped or with `--format json`.
func showIndexProgress(_ ledger: String, format: OutputFormat) {
    let shown = IndexProgress(label: "indexing \(ledger)", format: format)
    LedgerIndex.catchUpProgress = { done, total in shown.update(done, total) }
}

private final class IndexProgress {
    private let label: String
    private let format: OutputFormat
    private var progress: Progress?

    init(label: String, format: OutputFormat) {
        self.label = label
        self.format = format
    }

    func update(_ done: Int64, _ total: Int64) {
        // A short catch-up (the usual one, after another appender) shows nothing.
        if progress == nil && total - done < 16 << 20 { return }
        let p = progress ?? Progress(label, total: total, format: format)
        progress = p
        if done >= total {
            p.done()
            progress = nil
        } else {
            p.update(done)
        }
    }
}
