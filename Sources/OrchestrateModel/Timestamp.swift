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
        let year = Int(parts.tm_year) + 1900
        guard (0...9999).contains(year) else { return formatPadded(parts, year: year, millis: millis) }
        // Written as 24 bytes into the string's own storage: `list` formats two timestamps per
        // task, and building them from padded pieces cost 9,000 instructions each.
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int, at start: Int, width: Int) {
                var rest = value
                for i in stride(from: start + width - 1, through: start, by: -1) {
                    buffer[i] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
            }
            put(year, at: 0, width: 4)
            buffer[4] = UInt8(ascii: "-")
            put(Int(parts.tm_mon) + 1, at: 5, width: 2)
            buffer[7] = UInt8(ascii: "-")
            put(Int(parts.tm_mday), at: 8, width: 2)
            buffer[10] = UInt8(ascii: "T")
            put(Int(parts.tm_hour), at: 11, width: 2)
            buffer[13] = UInt8(ascii: ":")
            put(Int(parts.tm_min), at: 14, width: 2)
            buffer[16] = UInt8(ascii: ":")
            put(Int(parts.tm_sec), at: 17, width: 2)
            buffer[19] = UInt8(ascii: ".")
            put(millis, at: 20, width: 3)
            buffer[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// `format` for years outside 0...9999: padded piece by piece.
    private static func formatPadded(_ parts: tm, year: Int, millis: Int) -> String {
        var text = ""
        func pad(_ value: Int, _ width: Int) {
            let digits = String(value)
            if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
            text += digits
        }
        pad(year, 4)
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
        // The string's own bytes, and calendar arithmetic instead of `timegm`: every task row
        // read parses two timestamps.
        if let date = text.utf8.withContiguousStorageIfAvailable(parseCanonical(bytes:)) { return date }
        return Array(text.utf8).withUnsafeBufferPointer(parseCanonical(bytes:))
    }

    private static func parseCanonical(bytes: UnsafeBufferPointer<UInt8>) -> Date? {
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
            let millis = number(20, 3), (1...12).contains(month), day >= 1,
            day <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 61,
            // 23:59:60 rolls over into the next day: not canonical (as `timegm` normalised it).
            !(second == 60 && hour == 23 && minute == 59)
        else { return nil }
        let days = daysSince1970(year: year, month: month, day: day)
        let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second
        return Date(timeIntervalSince1970: Double(Int64(seconds) * 1000 + Int64(millis)) / 1000)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to the date in the proleptic Gregorian calendar (Howard Hinnant's
    /// `days_from_civil`).
    private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
