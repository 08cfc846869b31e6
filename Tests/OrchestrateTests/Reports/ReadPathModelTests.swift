import Foundation
@testable import OrchestrateModel
import Testing

/// The model pieces the read path made faster, against independent oracles: task id rules,
/// timestamps (Foundation's Gregorian calendar), and JSON text (the dictionary path).
@Suite("read path model")
struct ReadPathModelTests {
    @Test("task ids: the byte check agrees with the rules and names the problem", arguments: [
        ("T1", nil), ("a", nil), ("A.b_c-9", nil), (String(repeating: "x", count: 64), nil),
        ("", "it is empty"), (String(repeating: "x", count: 65), "it is longer than 64 characters"),
        ("-a", "it must start with a letter or a digit"), (".a", "it must start with a letter or a digit"),
        ("a b", "it contains the character \" \""), ("é1", "it must start with a letter or a digit"),
        ("aé", "it contains the character \"é\""), ("a/b", "it contains the character \"/\""),
        ("a..b", "it contains `..`"), ("a...", "it contains `..`"), ("x.lock", "it ends in `.lock`"),
        ("x.locks", nil), ("x.lock.y", nil), ("lock", nil),
    ] as [(String, String?)])
    func taskIDs(text: String, problem: String?) {
        #expect(TaskID.problem(with: text) == problem)
        #expect((TaskID(text) != nil) == (problem == nil))
    }

    @Test("timestamps format and parse as the Gregorian calendar in UTC says, to the millisecond")
    func timestamps() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        var state: UInt64 = 12_345
        var checked = 0
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Milliseconds from 1900 to 2200, leap days and times before 1970 included.
            let ms = Int64(state >> 8) % 9_467_280_000_000 - 2_208_988_800_000
            let date = Date(timeIntervalSince1970: Double(ms) / 1000)
            // Only instants a Date holds to the exact millisecond (`format` floors).
            guard Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) == ms else { continue }
            let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
            let c = calendar.dateComponents(
                [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
            let expected = String(
                format: "%04ld-%02ld-%02ldT%02ld:%02ld:%02ld.%03ldZ", c.year ?? 0, c.month ?? 0, c.day ?? 0,
                c.hour ?? 0, c.minute ?? 0, c.second ?? 0, Int(ms - seconds * 1000))
            #expect(Timestamp.format(date) == expected)
            #expect(Timestamp.parseCanonical(expected) == date)
            checked += 1
        }
        #expect(checked > 1_000)
    }

    @Test("only real calendar dates are canonical", arguments: [
        ("2024-02-29T10:00:00.000Z", true), ("2025-02-29T10:00:00.000Z", false),
        ("2000-02-29T00:00:00.000Z", true), ("1900-02-29T00:00:00.000Z", false),
        ("2026-04-31T00:00:00.000Z", false), ("2026-12-31T23:59:59.999Z", true),
        ("2026-12-31T23:59:60.000Z", false), ("2026-13-01T00:00:00.000Z", false),
        ("2026-00-10T00:00:00.000Z", false), ("2026-01-00T00:00:00.000Z", false),
        ("2026-01-01T24:00:00.000Z", false), ("2026-01-01 00:00:00.000Z", false),
        ("2026-01-01T00:00:00.000", false), ("2026-01-01T0a:00:00.000Z", false),
    ])
    func canonicalDates(text: String, valid: Bool) {
        #expect((Timestamp.parseCanonical(text) != nil) == valid)
        if valid, let date = Timestamp.parseCanonical(text) { #expect(Timestamp.format(date) == text) }
    }

    @Test("a leap second rolls into the next minute, as timegm had it")
    func leapSecond() {
        #expect(Timestamp.parseCanonical("2026-06-30T12:00:60.000Z") == Timestamp.parseCanonical("2026-06-30T12:01:00.000Z"))
    }

    @Test("objects written field by field are the text of the same objects as dictionaries")
    func orderedObjects() {
        let keys = ["a", "B", "b", "a b", "é", "z\"q", "ab", "", "Z", "tab\t", "emoji😀"]
        var state: UInt64 = 99
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func value(_ depth: Int) -> JSONValue {
            switch next(depth > 1 ? 5 : 7) {
            case 0: return .null
            case 1: return .bool(next(2) == 0)
            case 2: return .int(Int64(next(1_000_000)) - 500_000)
            case 3: return .string(["", "plain", "quote \" back \\ slash", "line\nbreak\u{1}", "ünï"][next(5)])
            case 4: return .double(Double(next(1000)) / 8)
            case 5: return .array((0..<next(4)).map { _ in value(depth + 1) })
            default: return .object(Dictionary((0..<next(4)).map { _ in (keys[next(keys.count)], value(depth + 1)) }) { a, _ in a })
            }
        }
        for _ in 0..<200 {
            let objects: [[(key: String, value: JSONValue)]] = (0..<next(5)).map { _ in
                let fields = Dictionary((0..<next(12)).map { _ in (keys[next(keys.count)], value(0)) }) { a, _ in a }
                // Sorted (the fast path) or in the dictionary's own order (sorted on the way).
                let pairs = fields.map { (key: $0.key, value: $0.value) }
                return next(3) == 0 ? pairs : pairs.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            }
            let reference = JSONValue.array(objects.map { .object(Dictionary(uniqueKeysWithValues: $0.map { ($0.key, $0.value) })) })
            // Taken in pieces of any size, as `list` prints them.
            var writer = JSONObjectsWriter()
            var text = ""
            for fields in objects {
                writer.appendObject { field in for (key, value) in fields { field(key, value) } }
                text += writer.takeText(ifAtLeast: next(300)) ?? ""
            }
            #expect(text + writer.finish() == reference.prettyText)
        }
        var empty = JSONObjectsWriter()
        #expect(empty.finish() == "[]")
    }
}

/// The string-array reader against JSONDecoder (through `JSONValue.parse`).
@Suite("string arrays without JSONDecoder")
struct StringArrayTests {
    @Test("plain arrays of ASCII strings read as JSONDecoder reads them", arguments: [
        "[]", " [ ] ", "[\"a\"]", "[\"a\",\"b c\"]", "[ \"x\" , \"y\" ]\n", "[\"q\\\"\\\\\\/\\b\\f\\n\\r\\t\"]",
        "[\"\\u0041\\u007e\\u0000\\u001F\"]", "[\"--try\",\"1\",\"src/a b.txt\"]",
    ])
    func plain(text: String) throws {
        let fast = try #require(JSONValue.parseStringArray(text))
        #expect(try JSONValue.parse(text).arrayValue?.map(\.stringValue) == fast.map { Optional($0) })
    }

    @Test("anything else is left to the general parser", arguments: [
        "[\"\\u00e9\"]", "[\"é\"]", "[\"\\ud83d\\ude00\"]", "[1]", "[\"a\",1]", "[\"a\",]", "[,]", "[\"a\"",
        "\"a\"", "{}", "[\"a\"] x", "[\"\\x\"]", "[\"\\u12\"]", "[\"\\u+041\"]", "[\"tab\there\"]", "", "[[]]",
        "[\"a\" \"b\"]",
    ])
    func other(text: String) {
        #expect(JSONValue.parseStringArray(text) == nil)
    }
}
