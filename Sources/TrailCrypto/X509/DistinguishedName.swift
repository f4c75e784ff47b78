import COpenSSL

/// An X.509 distinguished name, written as in RFC 4514: most specific attribute first
/// (`CN=Lab One,O=Acme Testing\, Inc.,C=US`), so the DER order is the reverse (C, O, CN), as
/// `openssl -subj /C=US/O=…/CN=…` would encode it.
public struct DistinguishedName: Sendable, Hashable, CustomStringConvertible {
    /// One attribute: its short name (`CN`, `O`, `OU`, `L`, `ST`, `C`, or OpenSSL's name for others) and value.
    public struct Attribute: Sendable, Hashable {
        public var type: String
        public var value: String
        public init(type: String, value: String) {
            self.type = type
            self.value = value
        }
    }

    /// The attributes in string order (most specific first).
    public var attributes: [Attribute]

    /// The attribute types `init(parsing:)` accepts.
    public static let acceptedTypes = ["CN", "O", "OU", "L", "ST", "C"]

    public init(attributes: [Attribute]) { self.attributes = attributes }

    /// Parses `CN=…,O=…,C=US` (also OU, L, ST). A value may contain `\,` (a comma) and `\\`; spaces around
    /// types and values are trimmed. Throws `invalid-subject` (usage).
    public init(parsing text: String) throws {
        var parts: [String] = []
        var current = ""
        var escaped = false
        var escapes: [Bool] = []  // per character of `current`: was it escaped?
        var partEscapes: [[Bool]] = []
        for ch in text {
            if escaped {
                current.append(ch)
                escapes.append(true)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "," {
                parts.append(current)
                partEscapes.append(escapes)
                current = ""
                escapes = []
            } else {
                current.append(ch)
                escapes.append(false)
            }
        }
        guard !escaped else { throw Self.invalid(text, "it ends with a lone backslash") }
        parts.append(current)
        partEscapes.append(escapes)
        var attrs: [Attribute] = []
        for (part, esc) in zip(parts, partEscapes) {
            let chars = Array(part)
            guard let eq = chars.indices.first(where: { chars[$0] == "=" && !esc[$0] }) else {
                throw Self.invalid(text, "\"\(part)\" is not TYPE=value")
            }
            let type = String(chars[..<eq]).trimmingSpaces
            let value = String(chars[(eq + 1)...]).trimmingSpaces
            guard let canonical = Self.acceptedTypes.first(where: { $0.lowercased() == type.lowercased() }) else {
                throw Self.invalid(text, "attribute type \"\(type)\" is not one of \(Self.acceptedTypes.joined(separator: ", "))")
            }
            guard !value.isEmpty else { throw Self.invalid(text, "\(canonical) has an empty value") }
            if canonical == "C" && (value.count != 2 || !value.allSatisfy({ $0.isASCII && $0.isLetter })) {
                throw Self.invalid(text, "C must be a two-letter country code (ISO 3166), not \"\(value)\"")
            }
            attrs.append(Attribute(type: canonical, value: value))
        }
        guard attrs.contains(where: { $0.type == "CN" }) else { throw Self.invalid(text, "it has no CN") }
        attributes = attrs
    }

    private static func invalid(_ text: String, _ why: String) -> TrailError {
        TrailError.usage(
            "invalid-subject", "subject \"\(text)\" is not valid: \(why)",
            remedy: "write it like \"CN=Lab One,O=Acme Testing,C=US\" (escape a comma in a value as \\,)")
    }

    /// The RFC 4514-style text, values escaped (`\,`, `\\`).
    public var string: String {
        attributes.map { a in
            var v = ""
            for ch in a.value {
                if ch == "," || ch == "\\" { v.append("\\") }
                v.append(ch)
            }
            return "\(a.type)=\(v)"
        }.joined(separator: ",")
    }

    public var description: String { string }

    /// The first value of an attribute type.
    public func first(_ type: String) -> String? { attributes.first { $0.type == type }?.value }

    /// The common name (CN).
    public var commonName: String? { first("CN") }

    /// The name as exact bytes (types and UTF-8 values, in order): two names are the same name exactly when their
    /// keys are equal — never by Swift's canonical string equivalence.
    public var exactKey: [UInt8] {
        var k: [UInt8] = []
        for a in attributes {
            k += Array(a.type.utf8) + [0x3D] + Array(a.value.utf8) + [0x00]
        }
        return k
    }
    /// The organisation (O).
    public var organization: String? { first("O") }
}

extension DistinguishedName {
    /// Reads an `X509_NAME` (borrowed).
    init(x509Name name: OpaquePointer?) {
        var attrs: [Attribute] = []
        guard let name else {
            self.init(attributes: [])
            return
        }
        for i in 0..<X509_NAME_entry_count(name) {
            guard let entry = X509_NAME_get_entry(name, i) else { continue }
            let obj = X509_NAME_ENTRY_get_object(entry)
            let nid = OBJ_obj2nid(obj)
            var type: String
            switch nid {
            case NID_commonName: type = "CN"
            case NID_organizationName: type = "O"
            case NID_organizationalUnitName: type = "OU"
            case NID_localityName: type = "L"
            case NID_stateOrProvinceName: type = "ST"
            case NID_countryName: type = "C"
            default:
                var buf = [CChar](repeating: 0, count: 128)
                let n = OBJ_obj2txt(&buf, Int32(buf.count), obj, 0)
                type = n > 0 ? String(cString: buf) : "?"
            }
            var out: UnsafeMutablePointer<UInt8>? = nil
            let len = ASN1_STRING_to_UTF8(&out, X509_NAME_ENTRY_get_data(entry))
            var value = ""
            if len >= 0, let out {
                value = String(decoding: UnsafeBufferPointer(start: out, count: Int(len)), as: UTF8.self)
                CRYPTO_free(out, #fileID, #line)
            } else {
                OpenSSLErrors.clear()
            }
            attrs.append(Attribute(type: type, value: value))
        }
        // X509_NAME order is DER order (most general first); the string form is the reverse.
        self.init(attributes: attrs.reversed())
    }

    /// A new `X509_NAME` (caller frees with X509_NAME_free).
    func makeX509Name() throws -> OpaquePointer {
        guard let name = X509_NAME_new() else { throw OpenSSLErrors.error("internal-error", "X509_NAME_new failed") }
        for a in attributes.reversed() {
            let bytes = Array(a.value.utf8)
            let rc = X509_NAME_add_entry_by_txt(name, a.type, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0)
            guard rc == 1 else {
                X509_NAME_free(name)
                throw OpenSSLErrors.error(
                    "invalid-subject", "OpenSSL refuses \(a.type)=\(a.value) in a name", category: .usage)
            }
        }
        return name
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
