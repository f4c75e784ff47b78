import Foundation

/// RFC 3339 timestamps as the CLI and the CA index read and write them (UTC, `Z`).
public enum CertificateTime {
    /// Parses RFC 3339 with or without fractional seconds (`2026-03-01T00:00:00Z`, `…+01:00`).
    public static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let d = plain.date(from: text) { return d }
        let frac = ISO8601DateFormatter()
        frac.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return frac.date(from: text)
    }

    /// `2026-03-01T00:00:00Z` (whole seconds, UTC).
    public static func format(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    /// Parses a CLI time option, or throws `invalid-time` (usage).
    public static func parseOption(_ text: String, option: String) throws -> Date {
        guard let d = parse(text) else {
            throw TrailError.usage(
                "invalid-time", "\(option) \(text) is not an RFC 3339 time",
                remedy: "write it like 2026-03-01T00:00:00Z")
        }
        return d
    }
}
