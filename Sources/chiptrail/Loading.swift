import Foundation
import TrailCrypto
import TrailLedger

/// Every certificate in the PEM (or DER) files at `paths`, in order.
func loadCertificates(_ paths: [String]) throws -> [Certificate] {
    var out: [Certificate] = []
    for p in paths {
        let bytes = try FileIO.read(p)
        if bytes.first == 0x30 {
            out.append(try Certificate(der: bytes))
        } else {
            out += try Certificate.all(pem: String(decoding: bytes, as: UTF8.self), file: p)
        }
    }
    return out
}

/// The one certificate in the file at `path`.
func loadCertificate(_ path: String) throws -> Certificate {
    guard let c = try loadCertificates([path]).first else {
        throw TrailError.malformed("no-certificate", "\(path) holds no certificate").at(file: path)
    }
    return c
}

/// A CRL from PEM or DER.
func loadCRL(_ path: String) throws -> CRL {
    let bytes = try FileIO.read(path)
    if bytes.first == 0x30 { return try CRL(der: bytes) }
    return try CRL(pem: String(decoding: bytes, as: UTF8.self), file: path)
}

/// A DSSE envelope file.
func loadEnvelope(_ path: String) throws -> Envelope {
    do {
        return try Envelope(json: try FileIO.read(path))
    } catch let e as TrailError {
        throw e.at(file: path)
    }
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
