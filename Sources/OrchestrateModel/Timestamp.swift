import Foundation

/// ISO-8601 UTC timestamps with milliseconds: the one text form of time in the database, the
/// audit chain and JSON output (sortable as text).
public enum Timestamp {
    /// Formats `date` as `2026-11-20T23:59:06.123Z`.
    public static func format(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        // Floor division, so that times before 1970 keep a millisecond part in 0...999.
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let millis = Int(ms - seconds * 1000)
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        // Hand-formatted: `String(format:)` costs microseconds per call, and `list` formats two
        // timestamps per task (docs/performance.md).
        var text = ""
        text.reserveCapacity(24)
        func pad(_ value: Int, _ width: Int) {
            let digits = String(value)
            if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
            text += digits
        }
        pad(Int(parts.tm_year) + 1900, 4)
        text += "-"
        pad(Int(parts.tm_mon) + 1, 2)
        text += "-"
        pad(Int(parts.tm_mday), 2)
        text += "T"
        pad(Int(parts.tm_hour), 2)
        text += ":"
        pad(Int(parts.tm_min), 2)
        text += ":"
        pad(Int(parts.tm_sec), 2)
        text += "."
        pad(millis, 3)
        text += "Z"
        return text
    }

    /// Parses the form written by `format`, and plain ISO-8601 (`2026-11-20T10:00:00Z`,
    /// `2026-11-20`).
    public static func parse(_ text: String) -> Date? {
        if let date = parseCanonical(text) { return date }
        let formats = [
            "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX", "yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mm:ss",
            "yyyy-MM-dd",
        ]
        for f in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = f
            if let d = formatter.date(from: text) { return d }
        }
        return nil
    }

    /// The exact form `format` writes (`2026-11-20T23:59:06.123Z`), parsed without a
    /// DateFormatter: building one costs about a millisecond (ICU locale data), which made
    /// reading 10,000 task rows take seconds. Nil for any other form.
    static func parseCanonical(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for b in bytes[from..<(from + count)] {
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(b - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            let millis = number(20, 3), (1...12).contains(month), (1...31).contains(day), hour < 24,
            minute < 60, second < 61
        else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        // timegm normalises out-of-range days (Feb 31 → Mar 3); such text is not canonical.
        guard parts.tm_mday == Int32(day), parts.tm_mon == Int32(month - 1) else { return nil }
        return Date(timeIntervalSince1970: Double(Int64(seconds) * 1000 + Int64(millis)) / 1000)
    }
}
