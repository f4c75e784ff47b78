import COpenSSL
import COpenSSLShims

/// The one Swift owner of an OpenSSL `X509`, freed in `deinit`.
///
/// `@unchecked Sendable`: the certificate is never mutated after it is wrapped; OpenSSL 3 computes its
/// cached extension data under the object's own lock, so concurrent reads are safe.
final class X509Owner: @unchecked Sendable {
    let x509: OpaquePointer

    /// Takes ownership of `x509`.
    init(taking x509: OpaquePointer) { self.x509 = x509 }

    /// Takes a new reference to `x509`, which stays owned by someone else too.
    init(retaining x509: OpaquePointer) {
        precondition(X509_up_ref(x509) == 1, "X509_up_ref failed")
        self.x509 = x509
    }

    deinit { X509_free(x509) }
}

/// The one Swift owner of an OpenSSL `X509_REQ`, freed in `deinit`.
///
/// `@unchecked Sendable`: never mutated after it is wrapped.
final class X509ReqOwner: @unchecked Sendable {
    let req: OpaquePointer
    init(taking req: OpaquePointer) { self.req = req }
    deinit { X509_REQ_free(req) }
}

/// The one Swift owner of an OpenSSL `X509_CRL`, freed in `deinit`.
///
/// `@unchecked Sendable`: never mutated after it is wrapped.
final class X509CRLOwner: @unchecked Sendable {
    let crl: OpaquePointer
    init(taking crl: OpaquePointer) { self.crl = crl }
    deinit { X509_CRL_free(crl) }
}

/// Owner of a `STACK_OF(X509)` holding its own reference to every element.
final class X509StackOwner {
    let stack: OpaquePointer

    init(_ certificates: [Certificate]) throws {
        var pointers: [OpaquePointer?] = certificates.map { $0.owner.x509 }
        guard let s = pointers.withUnsafeMutableBufferPointer({ chiptrail_x509_stack_new($0.baseAddress, Int32($0.count)) })
        else { throw OpenSSLErrors.error("internal-error", "cannot build a certificate stack") }
        stack = s
    }

    init(taking stack: OpaquePointer) { self.stack = stack }

    deinit { chiptrail_x509_stack_free(stack) }

    /// The certificates, each with its own reference.
    var certificates: [Certificate] {
        (0..<Int(chiptrail_x509_stack_count(stack))).compactMap { i in
            chiptrail_x509_stack_value(stack, Int32(i)).map { Certificate(X509Owner(retaining: $0)) }
        }
    }
}

/// Owner of an `X509_STORE` (the trust anchors and CRLs of one validation).
final class X509StoreOwner {
    let store: OpaquePointer
    init() throws {
        guard let s = X509_STORE_new() else { throw OpenSSLErrors.error("internal-error", "X509_STORE_new failed") }
        store = s
    }
    deinit { X509_STORE_free(store) }
}

/// Owner of an `X509_STORE_CTX`.
final class X509StoreContextOwner {
    let ctx: OpaquePointer
    init() throws {
        guard let c = X509_STORE_CTX_new() else { throw OpenSSLErrors.error("internal-error", "X509_STORE_CTX_new failed") }
        ctx = c
    }
    deinit { X509_STORE_CTX_free(ctx) }
}

/// Owner of the shim's verification error log.
final class VerifyLogOwner {
    let log: OpaquePointer
    init() {
        guard let l = chiptrail_verify_log_new() else { fatalError("out of memory") }
        log = l
    }
    deinit { chiptrail_verify_log_free(log) }

    /// (depth, X509_V_ERR) pairs in the order OpenSSL reported them.
    var entries: [(depth: Int, error: Int32)] {
        (0..<chiptrail_verify_log_count(log)).map {
            (Int(chiptrail_verify_log_depth(log, $0)), chiptrail_verify_log_error(log, $0))
        }
    }
}
