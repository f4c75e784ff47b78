import Foundation
import COpenSSL

/// The hash functions chiptrail uses, computed by OpenSSL.
public enum DigestAlgorithm: String, Sendable, CaseIterable {
    case sha256 = "SHA256"
    case sha384 = "SHA384"
    case sha512 = "SHA512"

    /// Output length in bytes.
    public var size: Int {
        switch self {
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    /// The fetched EVP_MD. Fetching once avoids OpenSSL 3's per-call implicit fetch on hot paths.
    var md: OpaquePointer {
        switch self {
        case .sha256: FetchedDigests.shared.sha256
        case .sha384: FetchedDigests.shared.sha384
        case .sha512: FetchedDigests.shared.sha512
        }
    }
}

/// Explicitly fetched EVP_MD objects, kept for the life of the process.
///
/// `@unchecked Sendable`: an EVP_MD is immutable once fetched and OpenSSL documents fetched algorithm
/// objects as safe to share between threads; these are never freed.
final class FetchedDigests: @unchecked Sendable {
    static let shared = FetchedDigests()
    let sha256: OpaquePointer
    let sha384: OpaquePointer
    let sha512: OpaquePointer

    private init() {
        func fetch(_ name: String) -> OpaquePointer {
            guard let md = EVP_MD_fetch(nil, name, nil) else {
                fatalError("OpenSSL cannot fetch \(name): \(OpenSSLErrors.drain())")
            }
            return md
        }
        sha256 = fetch("SHA256")
        sha384 = fetch("SHA384")
        sha512 = fetch("SHA512")
    }
}

/// One-shot and streaming message digests.
public struct Digest: Sendable {
    /// Digest of `data` in one call.
    public static func hash<D: ContiguousBytes>(_ algorithm: DigestAlgorithm, _ data: D) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: algorithm.size)
        data.withUnsafeBytes { input in
            out.withUnsafeMutableBufferPointer { o in
                var len: UInt32 = 0
                let rc = EVP_Digest(input.baseAddress, input.count, o.baseAddress, &len, algorithm.md, nil)
                precondition(rc == 1, "EVP_Digest failed: \(OpenSSLErrors.drain())")
            }
        }
        return out
    }

    /// SHA-256 of `data`.
    public static func sha256<D: ContiguousBytes>(_ data: D) -> [UInt8] { hash(.sha256, data) }

    /// Lowercase hex SHA-256 of `data`.
    public static func sha256Hex<D: ContiguousBytes>(_ data: D) -> String { Hex.encode(hash(.sha256, data)) }
}

/// A streaming digest: feed bytes with `update`, read the result with `finalize`.
public final class StreamingDigest {
    private let ctx: OpaquePointer
    public let algorithm: DigestAlgorithm
    private var finished = false

    public init(_ algorithm: DigestAlgorithm) {
        self.algorithm = algorithm
        guard let c = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed") }
        ctx = c
        precondition(EVP_DigestInit_ex(ctx, algorithm.md, nil) == 1, "EVP_DigestInit_ex failed")
    }

    deinit { EVP_MD_CTX_free(ctx) }

    private init(copying other: StreamingDigest) {
        algorithm = other.algorithm
        guard let c = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed") }
        ctx = c
        precondition(EVP_MD_CTX_copy_ex(ctx, other.ctx) == 1, "EVP_MD_CTX_copy_ex failed")
    }

    /// An independent digest in the same state (OpenSSL `EVP_MD_CTX_copy_ex`): finalize one, keep feeding the other.
    public func copy() -> StreamingDigest {
        precondition(!finished, "copy after finalize")
        return StreamingDigest(copying: self)
    }

    public func update<D: ContiguousBytes>(_ data: D) {
        precondition(!finished, "update after finalize")
        data.withUnsafeBytes { b in
            precondition(EVP_DigestUpdate(ctx, b.baseAddress, b.count) == 1, "EVP_DigestUpdate failed")
        }
    }

    public func finalize() -> [UInt8] {
        precondition(!finished, "finalize twice")
        finished = true
        var out = [UInt8](repeating: 0, count: algorithm.size)
        var len: UInt32 = 0
        precondition(EVP_DigestFinal_ex(ctx, &out, &len) == 1, "EVP_DigestFinal_ex failed")
        return out
    }
}

/// Cryptographically secure random bytes from OpenSSL's DRBG.
public enum SecureRandom {
    public static func bytes(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&out, Int32(count)) == 1 else {
            throw OpenSSLErrors.error("random-failed", "OpenSSL could not produce random bytes")
        }
        return out
    }
}
