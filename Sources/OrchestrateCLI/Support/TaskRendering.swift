import Foundation
import OrchestrateCore
import OrchestrateModel

extension TaskRecord {
    /// The contract's task object.
    var json: JSONValue {
        [
            "id": .string(id.rawValue), "title": .string(title), "description": .optional(description),
            "state": .string(state.rawValue), "priority": .string(priority.name),
            "dependsOn": .array(dependsOn.map { .string($0.rawValue) }), "branch": .string(branch),
            "worktree": .optional(worktree), "base": .optional(base), "head": .optional(head),
            "submittedHead": .optional(submittedHead), "attempts": .int(Int64(attempts)),
            "paths": .array(paths.map(JSONValue.string)), "claimedBy": .optional(claimedBy),
            "feedback": .optional(feedback), "stacked": .bool(stacked),
            "createdAt": .string(Timestamp.format(createdAt)), "updatedAt": .string(Timestamp.format(updatedAt)),
        ]
    }
}

/// Short text helpers for tables.
enum Short {
    static func oid(_ hex: String?) -> String { hex.map { String($0.prefix(8)) } ?? "-" }
    static func list(_ ids: [TaskID]) -> String { ids.isEmpty ? "-" : ids.map(\.rawValue).joined(separator: ",") }
    static func title(_ s: String, max: Int = 48) -> String { s.count <= max ? s : String(s.prefix(max - 1)) + "…" }
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
