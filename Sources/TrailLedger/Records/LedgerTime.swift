import Foundation

/// RFC 3339 UTC timestamps as the ledger writes them: `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
///
/// Parsing is strict: upper-case `T` and `Z` only, no offset, no leap second (`:60`), a real calendar date.
/// Fractional seconds may have any number of digits; values compare by their exact instant (digits beyond the
/// nanosecond are kept for comparison).
public struct LedgerTime: Sendable, Comparable, Hashable, CustomStringConvertible {
    /// Whole seconds since the Unix epoch.
    public var seconds: Int64
    /// Nanoseconds within the second.
    public var nanos: Int32
    /// The text as written.
    public var text: String
    /// Fraction digits beyond the ninth (ASCII, trailing zeros removed): they order times, nothing else.
    var finer: [UInt8] = []

    public var date: Date { Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1e9) }
    public var description: String { text }

    public static func < (a: LedgerTime, b: LedgerTime) -> Bool {
        if (a.seconds, a.nanos) != (b.seconds, b.nanos) { return (a.seconds, a.nanos) < (b.seconds, b.nanos) }
        return a.finer.lexicographicallyPrecedes(b.finer)
    }
    public static func == (a: LedgerTime, b: LedgerTime) -> Bool {
        a.seconds == b.seconds && a.nanos == b.nanos && a.finer == b.finer
    }
    public func hash(into h: inout Hasher) {
        h.combine(seconds)
        h.combine(nanos)
        h.combine(finer)
    }

    /// The current time, to the millisecond.
    public static func now() -> LedgerTime { LedgerTime(date: Date()) }

    /// `date` rendered with millisecond precision.
    public init(date: Date) {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        nanos = Int32((ms - seconds * 1000) * 1_000_000)
        var t = time_t(seconds)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        text = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(tmv.tm_year) + 1900, Int(tmv.tm_mon) + 1,
            Int(tmv.tm_mday), Int(tmv.tm_hour), Int(tmv.tm_min), Int(tmv.tm_sec), Int(nanos / 1_000_000))
    }

    /// Parses strict RFC 3339 UTC; nil when the text is anything else.
    public init?(_ text: String) {
        let u = Array(text.utf8)
        guard u.count >= 20, u.last == UInt8(ascii: "Z") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard u[i] >= 48 && u[i] <= 57 else { return nil }
                v = v * 10 + Int(u[i] - 48)
            }
            return v
        }
        guard u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"), u[10] == UInt8(ascii: "T"),
            u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"),
            let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13),
            let mi = num(14..<16), let s = num(17..<19)
        else { return nil }
        guard (1...12).contains(mo), d >= 1, d <= LedgerTime.daysIn(month: mo, year: y), h < 24, mi < 60, s < 60 else {
            return nil
        }
        var nanos = 0
        if u.count > 20 {
            // fractional seconds: ".digits" before the Z
            let digits = u[20..<(u.count - 1)]
            guard u[19] == UInt8(ascii: "."), !digits.isEmpty, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                return nil
            }
            for i in 0..<9 { nanos = nanos * 10 + (i < digits.count ? Int(digits[digits.startIndex + i] - 48) : 0) }
            var rest = Array(digits.dropFirst(9))
            while rest.last == UInt8(ascii: "0") { rest.removeLast() }
            finer = rest
        } else {
            guard u[19] == UInt8(ascii: "Z") else { return nil }
        }
        self.seconds = LedgerTime.daysFromCivil(y, mo, d) * 86400 + Int64(h * 3600 + mi * 60 + s)
        self.nanos = Int32(nanos)
        self.text = text
    }

    /// Parses a CLI time: RFC 3339 UTC as above, or a bare date `YYYY-MM-DD` (midnight UTC).
    public static func parseCLI(_ text: String) -> LedgerTime? {
        if let t = LedgerTime(text) { return t }
        if text.utf8.count == 10 { return LedgerTime(text + "T00:00:00Z") }
        return nil
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int64(era * 146097 + doe - 719468)
    }
}
