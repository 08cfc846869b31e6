import Foundation
import OrchestrateModel

// The JSON documents of the read commands live in Core, not in the CLI, so that every front end
// that speaks JSON (the CLI's `--format json`, the MCP server's structured results) renders the
// same document from the same code.

extension TaskRecord {
    /// The contract's task object.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [:]
        jsonFields { fields[$0] = $1 }
        return .object(fields)
    }

    /// The fields of the contract's task object, one call of `field` each, in key order (as
    /// `JSONObjectsWriter` writes them without sorting: `list --format json`).
    public func jsonFields(_ field: (String, JSONValue) -> Void) {
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

extension TaskDetail {
    /// `show --format json`: the task object plus `history`, `dependents`, `keptWork`, `runs`,
    /// and the evidence fields `stalled`, `evidence`, `causes` (ages measured at `now`).
    public func json(now: Date) -> JSONValue {
        guard case .object(var fields) = task.json else { return task.json }
        fields["history"] = .array(history.map(\.json))
        fields["dependents"] = .array(dependents.map { .string($0.rawValue) })
        fields["keptWork"] = .array(keptWork.map(JSONValue.string))
        fields["runs"] = .array(runs.map(\.json))
        fields.merge(EvidenceJSON.showFields(self, now: now)) { $1 }
        return .object(fields)
    }
}

extension StatusReport {
    /// `status --format json`, with heartbeat ages measured at `now`.
    public func json(now: Date) -> JSONValue {
        [
            "target": .string(target), "targetTip": .optional(targetTip),
            "counts": .object(Dictionary(uniqueKeysWithValues: TaskState.allCases.map {
                ($0.rawValue, JSONValue.int(Int64(counts[$0] ?? 0)))
            })),
            "active": .array(active.map(\.json)),
            "ready": .array(ready.map { .string($0.rawValue) }),
            "mergeOrder": .array(mergeOrder.map { .string($0.rawValue) }),
            "agents": .array(agents.map { $0.agentJSON(now: now) }),
            "predictedConflicts": predictedConflicts.map { .int(Int64($0)) } ?? .null,
            "lastRuns": .object(Dictionary(uniqueKeysWithValues: lastRuns.map { ($0.key.rawValue, $0.value.json) })),
        ]
    }
}
