extension JSONValue {
    /// The strings of a JSON array of strings (`["a","b"]`, as `canonicalText` writes the
    /// paths of a task and the command of a run), read without JSONDecoder, which cost about
    /// 20,000 instructions even for `[]` and was most of reading thousands of runs
    /// (docs/performance.md). Nil when the text is anything else (not ASCII, not an array of
    /// strings, malformed): the caller then parses it the general way.
    public static func parseStringArray(_ text: String) -> [String]? {
        if text == "[]" { return [] }  // most tasks have no paths
        var text = text
        return text.withUTF8 { bytes in
            var reader = StringArrayReader(bytes: bytes)
            return reader.read()
        }
    }
}

/// A one-pass reader of a JSON array of ASCII strings over UTF-8 bytes.
private struct StringArrayReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func read() -> [String]? {
        guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        skipSpace()
        guard next() == UInt8(ascii: "[") else { return nil }
        var result: [String] = []
        skipSpace()
        if peek() == UInt8(ascii: "]") {
            at += 1
        } else {
            while true {
                skipSpace()
                guard let string = readString() else { return nil }
                result.append(string)
                skipSpace()
                let separator = next()
                if separator == UInt8(ascii: "]") { break }
                guard separator == UInt8(ascii: ",") else { return nil }
            }
        }
        skipSpace()
        return at == bytes.count ? result : nil
    }

    private mutating func readString() -> String? {
        guard next() == UInt8(ascii: "\"") else { return nil }
        var out: [UInt8] = []
        while let byte = next() {
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                switch next() {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "r"): out.append(UInt8(ascii: "\r"))
                case UInt8(ascii: "t"): out.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "u"):
                    // Only escapes of ASCII code points here; anything else is left to the
                    // general parser (surrogate pairs and the like).
                    var code = 0
                    for _ in 0..<4 {
                        guard let digit = next().flatMap(hexValue) else { return nil }
                        code = code * 16 + digit
                    }
                    guard code < 0x80 else { return nil }
                    out.append(UInt8(code))
                default: return nil
                }
            case 0..<0x20: return nil  // a raw control character is not JSON
            default: out.append(byte)
            }
        }
        return nil
    }

    private func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }

    private mutating func skipSpace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { at += 1 }
    }

    private func peek() -> UInt8? { at < bytes.count ? bytes[at] : nil }

    private mutating func next() -> UInt8? {
        defer { at += 1 }
        return peek()
    }
}
