/// A task identifier, validated so that it is safe as a branch name, a worktree folder name
/// and a ref component: `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`, no `..`, not ending in `.lock`.
public struct TaskID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The validated text of the id.
    public let rawValue: String

    /// Validates `text`; returns nil when it is not a valid id.
    public init?(_ text: String) {
        guard TaskID.isValid(text) else { return nil }
        rawValue = text
    }

    /// Why `text` is not a valid id, or nil when it is.
    public static func problem(with text: String) -> String? {
        if isPlainValid(text.utf8) { return nil }
        return slowProblem(with: text)
    }

    /// Whether the UTF-8 bytes are a valid id, checked in one pass without allocating: every
    /// task row read validates its id and dependencies, and `String.contains("..")` through
    /// Foundation cost thousands of instructions each (docs/performance.md). False sends the
    /// text to `slowProblem`, which names the problem.
    private static func isPlainValid(_ bytes: String.UTF8View) -> Bool {
        var count = 0
        var previous: UInt8 = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                break
            case UInt8(ascii: "."):
                if count == 0 || previous == UInt8(ascii: ".") { return false }
            case UInt8(ascii: "_"), UInt8(ascii: "-"):
                if count == 0 { return false }
            default: return false
            }
            previous = byte
            count += 1
            if count > 64 { return false }
        }
        return count > 0 && !bytes.suffix(5).elementsEqual(".lock".utf8)
    }

    private static func slowProblem(with text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        if scalars.isEmpty { return "it is empty" }
        if scalars.count > 64 { return "it is longer than 64 characters" }
        func alnum(_ s: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
        }
        if !alnum(scalars[0]) { return "it must start with a letter or a digit" }
        for s in scalars where !(alnum(s) || s == "." || s == "_" || s == "-") {
            return "it contains the character \(String(s).debugDescription)"
        }
        if text.contains("..") { return "it contains `..`" }
        if text.hasSuffix(".lock") { return "it ends in `.lock`" }
        return nil
    }

    /// Whether `text` is a valid id.
    public static func isValid(_ text: String) -> Bool { problem(with: text) == nil }

    public var description: String { rawValue }

    /// Orders default ids naturally (T2 before T10), others by text.
    public static func < (lhs: TaskID, rhs: TaskID) -> Bool {
        switch (lhs.defaultNumber, rhs.defaultNumber) {
        case let (l?, r?): return l < r
        default: return lhs.rawValue < rhs.rawValue
        }
    }

    /// The number of a default id such as `T12`, or nil.
    public var defaultNumber: Int? {
        guard rawValue.first == "T" else { return nil }
        return Int(rawValue.dropFirst())
    }
}
