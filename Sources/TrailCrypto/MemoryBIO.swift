import COpenSSL
import COpenSSLShims

/// Owner of a memory BIO, for reading and writing PEM and DER through OpenSSL.
final class MemoryBIO {
    let bio: OpaquePointer

    /// An empty, writable memory BIO.
    init() {
        guard let b = BIO_new(BIO_s_mem()) else { fatalError("BIO_new failed") }
        bio = b
    }

    /// A memory BIO holding a copy of `bytes`.
    init<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        guard let b = BIO_new(BIO_s_mem()) else { fatalError("BIO_new failed") }
        bio = b
        let a = Array(bytes)
        if !a.isEmpty {
            let n = a.withUnsafeBytes { BIO_write(bio, $0.baseAddress, Int32($0.count)) }
            precondition(n == Int32(a.count), "BIO_write failed")
        }
    }

    deinit { BIO_free(bio) }

    /// Everything written so far.
    var bytes: [UInt8] {
        var p: UnsafePointer<UInt8>? = nil
        let n = chiptrail_BIO_get_mem_data(bio, &p)
        guard n > 0, let p else { return [] }
        return Array(UnsafeBufferPointer(start: p, count: n))
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}
