import CLibgit2

/// A git object id (SHA-1), a value type that crosses the Git boundary.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible {
    var raw: git_oid

    init(_ raw: git_oid) { self.raw = raw }
    init(_ pointer: UnsafePointer<git_oid>) { self.raw = pointer.pointee }

    /// Parses 40 hexadecimal digits.
    public init?(hex: String) {
        guard hex.utf8.count == 40, hex.utf8.allSatisfy({ $0.isHexDigit }) else { return nil }
        var oid = git_oid()
        guard git_oid_fromstr(&oid, hex) == 0 else { return nil }
        raw = oid
    }

    /// The 40-digit hexadecimal form.
    public var hex: String {
        // Formatted from the bytes directly: the gate formats thousands of these per push.
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        return withUnsafeBytes(of: raw.id) { bytes in
            String(unsafeUninitializedCapacity: 40) { out in
                for (i, byte) in bytes.prefix(20).enumerated() {
                    out[2 * i] = digits[Int(byte >> 4)]
                    out[2 * i + 1] = digits[Int(byte & 0x0f)]
                }
                return 40
            }
        }
    }

    /// The first `length` digits, for display.
    public func short(_ length: Int = 8) -> String { String(hex.prefix(length)) }

    public var description: String { hex }

    public static func == (lhs: ObjectID, rhs: ObjectID) -> Bool {
        var l = lhs.raw
        var r = rhs.raw
        return git_oid_equal(&l, &r) == 1
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: raw.id) { hasher.combine(bytes: $0) }
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (48...57).contains(self) || (97...102).contains(self) || (65...70).contains(self)
    }
}
