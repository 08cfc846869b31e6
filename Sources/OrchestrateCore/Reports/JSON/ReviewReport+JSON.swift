import Foundation
import OrchestrateModel

extension ReviewReport {
    /// `review --format json`.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(task.id.rawValue), "title": .string(task.title), "state": .string(task.state.rawValue),
            "branch": .string(task.branch), "base": .string(base), "head": .string(head),
            "submittedHead": .optional(task.submittedHead), "feedback": .optional(task.feedback),
            "commits": .array(commits.map { c in
                ["oid": .string(c.oid), "author": .string(c.author), "date": .string(Timestamp.format(c.date)),
                 "summary": .string(c.summary)]
            }),
            "files": .array(files.map { f in
                ["path": .string(f.path), "oldPath": .optional(f.oldPath), "status": .string(f.status),
                 "insertions": .int(Int64(f.insertions)), "deletions": .int(Int64(f.deletions)),
                 "binary": .bool(f.isBinary)]
            }),
            "approvals": .array(approvals.map(\.json)),
            "earlierApprovals": .array(earlierApprovals.map(\.json)),
            "untrustedApprovals": .array(untrustedApprovals.map(\.json)),
            "approvalsRequired": .int(Int64(approvalsRequired)),
            "approvalVoided": .bool(approvalVoided),
            "voided": .array(voided.map(\.json)),
            "conflicts": .array(conflicts.map(\.json)),
            "checks": .array(checks.map(\.json)),
        ]
        if let patch { fields["patch"] = .string(patch) }
        return .object(fields)
    }
}

extension ApprovalRecord {
    /// One approval as JSON.
    public var json: JSONValue {
        [
            "oid": .string(oid), "approver": .string(approver), "tree": .string(tree), "patchId": .string(patchId),
            "base": .string(base), "time": .string(Timestamp.format(time)), "comment": .optional(comment),
        ]
    }
}
