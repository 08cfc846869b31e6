/// A plain text table: columns padded to their widest cell, no trailing spaces.
struct Table {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: String...) { self.header = header }

    /// Adds a row; control characters in its cells are escaped (`TerminalText`).
    mutating func add(_ cells: String...) { rows.append(cells.map { TerminalText.escape($0) }) }

    var text: String {
        let all = [header] + rows
        // Each cell's width counted once (`count` walks the characters), and the lines written
        // as UTF-8 into one buffer (`String +=` cost hundreds of instructions per piece):
        // `status` renders thousands of rows (docs/performance.md).
        let counts = all.map { $0.map(\.count) }
        var widths = [Int](repeating: 0, count: header.count)
        for row in counts {
            for (i, n) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], n) }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(all.count * (widths.reduce(0, +) + 2 * widths.count + 8))
        for (r, row) in all.enumerated() {
            if r > 0 { bytes.append(UInt8(ascii: "\n")) }
            for (i, cell) in row.enumerated() {
                if i > 0 { bytes += "  ".utf8 }
                bytes += cell.utf8
                // Padded by hand: NSString's padding(toLength:) bridges every cell.
                if i < row.count - 1, i < widths.count, widths[i] > counts[r][i] {
                    bytes += repeatElement(UInt8(ascii: " "), count: widths[i] - counts[r][i])
                }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
