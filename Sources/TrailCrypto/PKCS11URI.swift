/// An RFC 7512 `pkcs11:` URI naming a private key in a token, e.g.
/// `pkcs11:token=Lab%20HSM;object=lab-signer;type=private`.
///
/// chiptrail checks the URI before any module is loaded: it must name the key (`object` or `id`; libp11 would
/// otherwise take the token's first key), may not carry a PIN (`pin-value`, `pin-source`: a PIN belongs in
/// `--pin-file`, `CHIPTRAIL_PKCS11_PIN` or the prompt, never in a command line, a CA directory or an error
/// message), and `type`, when given, is `private`. `module-path` in the query selects the module when neither
/// `--pkcs11-module` nor `CHIPTRAIL_PKCS11_MODULE` does. The text never holds a secret, so it may be printed.
public struct PKCS11URI: Sendable, Equatable, CustomStringConvertible {
    /// The URI as given.
    public let text: String
    /// Path attributes in order, names lower-cased, values percent-decoded; `id` (bytes, RFC 7512 §2.3) as
    /// lower-case hex.
    public let attributes: [(name: String, value: String)]
    /// Percent-decoded `module-path` from the query, when present.
    public let modulePath: String?

    /// The attributes that select a token (RFC 7512 §2.3 token attributes).
    static let tokenAttributes: Set<String> = ["token", "manufacturer", "serial", "model"]
    static let pathAttributes: Set<String> = [
        "token", "manufacturer", "serial", "model", "library-manufacturer", "library-description",
        "library-version", "object", "type", "id", "slot-description", "slot-manufacturer", "slot-id",
    ]

    /// True when `s` is meant as a PKCS#11 URI (the scheme compares case-insensitively, RFC 3986 §3.1).
    public static func isURI(_ s: String) -> Bool {
        s.utf8.count >= 7 && String(decoding: s.utf8.prefix(7), as: UTF8.self).lowercased() == "pkcs11:"
    }

    /// Parses and checks `text`. Errors (usage, exit 64): `pkcs11-uri-invalid`, `pkcs11-pin-in-uri`,
    /// `pkcs11-uri-no-object`.
    public init(_ text: String) throws {
        guard Self.isURI(text) else {
            throw Self.invalid(text, "it does not start with pkcs11:")
        }
        // Before anything that could echo the URI: a PIN in it must not reach an error message.
        let lowered = text.lowercased()
        for name in ["pin-value", "pin-source"] where lowered.contains(name) { throw Self.pinInURI(name) }
        self.text = text
        let rest = String(decoding: text.utf8.dropFirst(7), as: UTF8.self)
        let parts = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts.first.map(String.init) ?? ""
        let query = parts.count > 1 ? String(parts[1]) : nil
        var attrs: [(name: String, value: String)] = []
        for item in path.split(separator: ";", omittingEmptySubsequences: false) where !(item.isEmpty && path.isEmpty) {
            let (name, value) = try Self.pair(String(item), in: text)
            guard Self.pathAttributes.contains(name) || name.hasPrefix("x-") else {
                throw Self.invalid(text, "unknown path attribute \(name)")
            }
            if attrs.contains(where: { $0.name == name }) {
                throw Self.invalid(text, "attribute \(name) appears twice")
            }
            attrs.append((name, value))
        }
        var module: String? = nil
        if let query {
            for item in query.split(separator: "&", omittingEmptySubsequences: false) {
                let (name, value) = try Self.pair(String(item), in: text)
                switch name {
                case "module-path": module = value
                case "module-name": break
                default: guard name.hasPrefix("x-") else { throw Self.invalid(text, "unknown query attribute \(name)") }
                }
            }
        }
        attributes = attrs
        modulePath = module
        if let type = attrs.first(where: { $0.name == "type" })?.value, type != "private" {
            throw Self.invalid(text, "type=\(type) names no private key; use type=private or leave type out")
        }
        guard attrs.contains(where: { $0.name == "object" || $0.name == "id" }) else {
            throw TrailError.usage(
                "pkcs11-uri-no-object", "the PKCS#11 URI \(text) names no key (no object= or id=)",
                remedy: "name the key, e.g. pkcs11:token=LABEL;object=KEYLABEL (see `pkcs11-tool --list-objects`)")
        }
    }

    /// The value of path attribute `name`, decoded.
    public func attribute(_ name: String) -> String? { attributes.first(where: { $0.name == name })?.value }

    /// The token label, when the URI selects the token by label.
    public var token: String? { attribute("token") }

    /// What the engine is given: the path only (the query is chiptrail's business).
    var engineURI: String {
        "pkcs11:" + String(decoding: text.utf8.dropFirst(7).prefix { $0 != UInt8(ascii: "?") }, as: UTF8.self)
    }

    /// A URI selecting only the token (its token attributes, as written), for telling a missing token from a
    /// missing key.
    var tokenOnlyURI: String {
        let rest = String(decoding: engineURI.utf8.dropFirst(7), as: UTF8.self)
        let kept = rest.split(separator: ";").filter { item in
            let name = item.split(separator: "=", maxSplits: 1).first.map { $0.lowercased() } ?? ""
            return Self.tokenAttributes.contains(name)
        }
        return "pkcs11:" + kept.joined(separator: ";")
    }

    public var description: String { text }

    public static func == (a: PKCS11URI, b: PKCS11URI) -> Bool { Array(a.text.utf8) == Array(b.text.utf8) }

    private static func pair(_ item: String, in text: String) throws -> (String, String) {
        let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard kv.count == 2, !kv[0].isEmpty else { throw invalid(text, "\"\(item)\" is not name=value") }
        let name = kv[0].lowercased()
        guard let bytes = percentDecode(String(kv[1])) else {
            throw invalid(text, "bad percent-encoding in \"\(item)\"")
        }
        if name == "id" { return (name, Hex.encode(bytes)) }
        guard let value = String(validating: bytes, as: UTF8.self) else {
            throw invalid(text, "\(name) is not UTF-8 once percent-decoded")
        }
        return (name, value)
    }

    /// RFC 3986 percent-decoding; nil for a broken escape.
    static func percentDecode(_ s: String) -> [UInt8]? {
        var out: [UInt8] = []
        var bytes = s.utf8.makeIterator()
        while let b = bytes.next() {
            guard b == UInt8(ascii: "%") else {
                out.append(b)
                continue
            }
            guard let h = bytes.next(), let l = bytes.next(), let hv = hexValue(h), let lv = hexValue(l) else {
                return nil
            }
            out.append(hv << 4 | lv)
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func invalid(_ text: String, _ why: String) -> TrailError {
        TrailError.usage(
            "pkcs11-uri-invalid", "\(text) is not a PKCS#11 URI chiptrail accepts: \(why)",
            remedy: "write it as RFC 7512 says, e.g. pkcs11:token=LABEL;object=KEYLABEL;type=private")
    }

    private static func pinInURI(_ name: String) -> TrailError {
        // The URI itself is not repeated: it holds the PIN.
        TrailError.usage(
            "pkcs11-pin-in-uri", "the PKCS#11 URI carries a PIN (\(name)); chiptrail does not take a PIN that way",
            remedy:
                "remove \(name) from the URI and pass --pin-file FILE, set CHIPTRAIL_PKCS11_PIN, or type it at the prompt"
        )
    }
}
