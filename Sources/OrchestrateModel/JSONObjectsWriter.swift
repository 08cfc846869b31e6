/// Writes the `prettyText` of an array of objects, each given field by field in key order,
/// straight into one UTF-8 buffer: no dictionary, no array of fields and no key sort per
/// object. `list --format json` writes 10,000 task objects of 18 fields, and building and
/// sorting their dictionaries was most of its time (docs/performance.md). The text is always
/// that of `JSONValue.array(objects.map { .object(…) }).prettyText`: an object whose fields
/// come out of order is written again, sorted.
public struct JSONObjectsWriter {
    private var out: [UInt8] = []
    private var started = false
    private static let indent = Array("  ".utf8)
    /// The keys of the previous object with their text (`\n    "key": `): objects of one kind
    /// share their keys, which are then neither escaped nor compared again for every object.
    private var keys: [(key: String, text: [UInt8])] = []

    public init() { out.reserveCapacity(1 << 16) }

    /// Appends one object: `fields` calls its argument once per field, keys in code point
    /// order (`TaskRecord`'s fields, for instance).
    public mutating func appendObject(_ fields: (_ field: (String, JSONValue) -> Void) -> Void) {
        let start = out.count
        out.append(UInt8(ascii: started ? "," : "["))
        JSONValue.newline(&out, Self.indent, 1)
        var count = 0
        var previous: String?
        var inOrder = true
        var asBefore = true
        fields { key, value in
            guard inOrder else { return }
            if asBefore, count < keys.count, keys[count].key == key {
                // The keys so far are those of the previous object, which were in order.
            } else {
                asBefore = false
                if let previous, !JSONValue.precedes(previous, key) {
                    inOrder = false
                    return
                }
            }
            previous = key
            writeField(at: count, key, value)
            count += 1
        }
        if !inOrder {
            // Out of order (or a repeated key, last one kept as a dictionary would): sorted.
            out.removeSubrange(start...)
            var sorted: [String: JSONValue] = [:]
            fields { sorted[$0] = $1 }
            appendObject { field in
                for (key, value) in sorted.sorted(by: { JSONValue.precedes($0.key, $1.key) }) { field(key, value) }
            }
            return
        }
        // `keys` holds exactly this object's keys, in order, for the next one.
        keys.removeLast(keys.count - count)
        if count == 0 {
            out += "{}".utf8
        } else {
            JSONValue.newline(&out, Self.indent, 1)
            out.append(UInt8(ascii: "}"))
        }
        started = true
    }

    /// The text written so far, when it is at least `minimum` bytes long, and the buffer
    /// emptied: printed in pieces, ten thousand objects never sit in memory as megabytes of
    /// bytes and again as a String (page faults were a fifth of `list --format json`).
    public mutating func takeText(ifAtLeast minimum: Int) -> String? {
        guard out.count >= minimum else { return nil }
        defer { out.removeAll(keepingCapacity: true) }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func writeField(at i: Int, _ key: String, _ value: JSONValue) {
        out.append(UInt8(ascii: i == 0 ? "{" : ","))
        if i >= keys.count || keys[i].key != key {
            var text: [UInt8] = []
            JSONValue.newline(&text, Self.indent, 2)
            JSONValue.escape(key, into: &text)
            text += ": ".utf8
            if i < keys.count { keys[i] = (key, text) } else { keys.append((key, text)) }
        }
        keys.withUnsafeBufferPointer { out.append(contentsOf: $0[i].text) }
        // Scalars written here; only arrays and objects go through the general writer.
        switch value {
        case .null: out.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")])
        case .string(let string): JSONValue.escape(string, into: &out)
        default: value.write(to: &out, indent: Self.indent, level: 2)
        }
    }

    /// Closes the array and returns the rest of its text (`[]` when no object was appended).
    public mutating func finish() -> String {
        if !started { return "[]" }
        JSONValue.newline(&out, Self.indent, 0)
        out.append(UInt8(ascii: "]"))
        defer { out = [] }
        return String(decoding: out, as: UTF8.self)
    }
}
