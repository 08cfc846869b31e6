import Foundation
import OrchestrateCore
import OrchestrateModel

extension TaskRecord {
    /// The contract's task object.
    var json: JSONValue { .object(Dictionary(uniqueKeysWithValues: jsonFields.map { ($0.key, $0.value) })) }

    /// The fields of the contract's task object in key order, as
    /// `JSONValue.prettyText(ofObjects:)` writes them without sorting (`list --format json`).
    var jsonFields: [(key: String, value: JSONValue)] {
        [
            ("attempts", .int(Int64(attempts))), ("base", .optional(base)), ("branch", .string(branch)),
            ("claimedBy", .optional(claimedBy)), ("createdAt", .string(Timestamp.format(createdAt))),
            ("dependsOn", .array(dependsOn.map { .string($0.rawValue) })),
            ("description", .optional(description)), ("feedback", .optional(feedback)),
            ("head", .optional(head)), ("id", .string(id.rawValue)),
            ("paths", .array(paths.map(JSONValue.string))), ("priority", .string(priority.name)),
            ("stacked", .bool(stacked)), ("state", .string(state.rawValue)),
            ("submittedHead", .optional(submittedHead)), ("title", .string(title)),
            ("updatedAt", .string(Timestamp.format(updatedAt))), ("worktree", .optional(worktree)),
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
