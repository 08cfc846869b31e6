import Foundation
import OrchestrateCore
import OrchestrateModel

extension TaskRecord {
    /// The contract's task object.
    var json: JSONValue {
        var fields: [String: JSONValue] = [:]
        jsonFields { fields[$0] = $1 }
        return .object(fields)
    }

    /// The fields of the contract's task object, one call of `field` each, in key order (as
    /// `JSONObjectsWriter` writes them without sorting: `list --format json`).
    func jsonFields(_ field: (String, JSONValue) -> Void) {
        field("attempts", .int(Int64(attempts)))
        field("base", .optional(base))
        field("branch", .string(branch))
        field("claimedBy", .optional(claimedBy))
        field("createdAt", .string(Timestamp.format(createdAt)))
        field("dependsOn", .array(dependsOn.map { .string($0.rawValue) }))
        field("description", .optional(description))
        field("feedback", .optional(feedback))
        field("head", .optional(head))
        field("id", .string(id.rawValue))
        field("paths", .array(paths.map(JSONValue.string)))
        field("priority", .string(priority.name))
        field("stacked", .bool(stacked))
        field("state", .string(state.rawValue))
        field("submittedHead", .optional(submittedHead))
        field("title", .string(title))
        field("updatedAt", .string(Timestamp.format(updatedAt)))
        field("worktree", .optional(worktree))
    }
}

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
