import Foundation

/// ISO-8601 UTC timestamps with milliseconds: the one text form of time in the database, the
/// audit chain and JSON output (sortable as text).
public enum Timestamp {
    /// Formats `date` as `2026-11-20T23:59:06.123Z`.
    public static func format(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = ms / 1000
        let millis = Int(ms % 1000)
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900,
            Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min),
            Int(parts.tm_sec), millis)
    }

    /// Parses the form written by `format`, and plain ISO-8601 (`2026-11-20T10:00:00Z`,
    /// `2026-11-20`).
    public static func parse(_ text: String) -> Date? {
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
}
