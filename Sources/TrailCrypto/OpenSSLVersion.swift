import COpenSSL

/// The OpenSSL library chiptrail runs on (not the headers it was built with): `OpenSSL 3.0.x 1 Jan 2025`.
public enum OpenSSLVersion {
    public static var text: String { String(cString: OpenSSL_version(Int32(OPENSSL_VERSION))) }
}
