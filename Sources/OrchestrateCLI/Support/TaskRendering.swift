import Foundation
import OrchestrateCore
import OrchestrateModel

/// Short text helpers for tables.
enum Short {
    static func oid(_ hex: String?) -> String { hex.map { String($0.prefix(8)) } ?? "-" }
    static func list(_ ids: [TaskID]) -> String { ids.isEmpty ? "-" : ids.map(\.rawValue).joined(separator: ",") }
    static func title(_ s: String, max: Int = 48) -> String { s.count <= max ? s : String(s.prefix(max - 1)) + "…" }
    /// Paths for one table cell: the first few, and how many more.
    static func paths(_ paths: [String], max: Int = 3) -> String {
        paths.count <= max ? paths.joined(separator: ", ") : paths.prefix(max).joined(separator: ", ") + " (+\(paths.count - max) more)"
    }
}

extension AuditEvent {
    /// One line for the human log.
    var line: String {
        var parts = ["\(seq)", Timestamp.format(time), kind]
        parts.append(task ?? "-")
        parts.append(Short.oid(oid))
        parts.append(actor)
        if detail != "{}" { parts.append(detail) }
        return parts.joined(separator: "  ")
    }
}

extension KeptWork {
    /// Where the commits were found when the task's branch was gone, for the "kept" message.
    var foundNote: String { foundIn == "branch" ? "" : " (found in the \(foundIn): its branch was gone)" }
}
