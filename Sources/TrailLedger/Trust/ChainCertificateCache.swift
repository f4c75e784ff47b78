import Foundation
import TrailCrypto

/// Parsed chain certificates by their DER bytes, shared by the threads of one process: every certificate record
/// repeats its intermediates, and parsing DER (OpenSSL 3 decodes the public key through its decoder framework) is
/// a large part of a record's cost; one parsed intermediate also keeps its decoded key for every signature it
/// checks. Only parsing is shared — what a certificate is trusted for is decided on every use. Bounded: when full,
/// the cache starts over.
final class ChainCertificateCache: @unchecked Sendable {
    static let shared = ChainCertificateCache()
    /// Distinct chain certificates kept at most (a ledger has a handful of CAs; a hostile one may have many).
    static let capacity = 4096

    private let lock = NSLock()
    private var byDER: [[UInt8]: Certificate] = [:]

    /// The certificate of `der`, parsed once.
    func certificate(der: [UInt8]) throws -> Certificate {
        lock.lock()
        let hit = byDER[der]
        lock.unlock()
        if let hit { return hit }
        let parsed = try Certificate(der: der)
        lock.lock()
        if byDER.count >= Self.capacity { byDER.removeAll(keepingCapacity: true) }
        byDER[der] = parsed
        lock.unlock()
        return parsed
    }
}
