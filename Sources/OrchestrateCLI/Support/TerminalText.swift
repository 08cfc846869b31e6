/// Text from users and agents shown in table output: control characters (newlines, ESC
/// sequences, C1 controls) are written as visible escapes, so that a title cannot break a row,
/// forge a line or drive the terminal. JSON output is never escaped this way (it stays exact).
enum TerminalText {
    /// `text` with every control character escaped (`\n`, `\t`, `\r`, `\x1b`, `\u{85}` …);
    /// `keepingNewlines` leaves line breaks alone (multi-line descriptions in `show`).
    static func escape(_ text: String, keepingNewlines: Bool = false) -> String {
        // Fast path: most cells are plain (status renders thousands of rows).
        var needsWork = false
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7f || (previous == 0xc2 && byte >= 0x80 && byte <= 0x9f) {
                if !(keepingNewlines && byte == 0x0a) {
                    needsWork = true
                    break
                }
            }
            previous = byte
        }
        guard needsWork else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0a where keepingNewlines: out.unicodeScalars.append(scalar)
            case 0x0a: out += "\\n"
            case 0x0d: out += "\\r"
            case 0x09: out += "\\t"
            case 0x00..<0x20, 0x7f: out += "\\x" + hex2(scalar.value)
            case 0x80..<0xa0: out += "\\u{" + hex2(scalar.value) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func hex2(_ value: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(value >> 4) & 0xf], digits[Int(value) & 0xf]])
    }
}
