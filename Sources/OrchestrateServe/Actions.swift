import Foundation
import OrchestrateCore
import OrchestrateModel

/// The state changes the dashboard offers. Each makes the same Core call as its command, so
/// it writes the same audit events, with the identity of the user running `serve` (or `by`,
/// as `approve --by`).
enum Action: String, CaseIterable {
    case approve, reject, requeue, cancel, merge

    /// The fields each action's body may carry.
    var fields: Set<String> {
        switch self {
        case .approve: return ["comment", "by"]
        case .reject: return ["reason", "requeue", "cascade"]
        case .requeue: return ["reason"]
        case .cancel: return ["reason"]
        case .merge: return []
        }
    }

    /// Runs the action on task `id` (nil: `merge` of every approved task, or of `ids`).
    /// Returns the status code and the JSON document.
    func run(
        _ o: Orchestrator, id: String?, request: ActionRequest, documents: DashboardDocuments
    ) throws -> (Int, JSONValue) {
        if let id { try Self.requireTask(o, id) }
        do {
            return try perform(o, id: id, request: request, documents: documents)
        } catch let error as OrchestrateError where error.exitCode == 2 {
            // The task exists (checked above): what the command refuses with exit 2 here is
            // the task's state or the approval policy, a conflict with the current state.
            throw APIError(status: 409, message: error.message)
        }
    }

    private func perform(
        _ o: Orchestrator, id: String?, request: ActionRequest, documents: DashboardDocuments
    ) throws -> (Int, JSONValue) {
        switch self {
        case .approve:
            let outcome = try o.approveTask(id ?? "", by: try request.string("by"), comment: try request.string("comment"))
            let message = outcome.satisfied
                ? "approved \(outcome.task.id) at \(outcome.approval.oid.prefix(8)) by \(outcome.approval.approver) (\(outcome.approvals)/\(outcome.required))"
                : "recorded the approval of \(outcome.task.id) by \(outcome.approval.approver) (\(outcome.approvals)/\(outcome.required)); it needs \(outcome.required - outcome.approvals) more"
            return (200, [
                "message": .string(message), "task": documents.task(outcome.task), "satisfied": .bool(outcome.satisfied),
                "approvals": .int(Int64(outcome.approvals)), "approvalsRequired": .int(Int64(outcome.required)),
            ])
        case .reject, .requeue:
            let requeue = self == .requeue ? true : try request.bool("requeue")
            guard let reason = try request.string("reason") ?? (self == .requeue ? "requeued from the dashboard" : nil) else {
                throw APIError.badRequest("rejecting \(id ?? "a task") needs a reason: send {\"reason\": \"…\"}")
            }
            let report = try o.rejectTask(id ?? "", reason: reason, requeue: requeue, cascade: try request.bool("cascade"))
            let message = report.revert != nil ? "reverted \(report.task.id) on the target"
                : report.requeued ? "rejected \(report.task.id) and put it back in the queue" : "rejected \(report.task.id)"
            return (200, [
                "message": .string(message), "task": documents.task(report.task), "requeued": .bool(report.requeued),
                "kept": .optional(report.kept?.ref),
            ])
        case .cancel:
            let report = try o.cancelTask(id ?? "", reason: try request.string("reason"))
            return (200, ["message": .string("cancelled \(report.task.id)"), "task": documents.task(report.task), "kept": .optional(report.kept?.ref)])
        case .merge:
            let ids = try id.map { [$0] } ?? request.strings("ids")
            let report = try o.merge(ids: ids, dryRun: false, runChecks: true)
            guard case .object(var fields) = documents.merge(report) else { return (200, documents.merge(report)) }
            let landed = report.outcomes.filter { $0.result == .landed }.map(\.task.rawValue)
            let failed = report.outcomes.filter { $0.result != .landed }
            fields["message"] = .string(
                report.outcomes.isEmpty ? "nothing to merge: no approved task"
                    : failed.isEmpty ? "landed \(landed.joined(separator: ", "))"
                    : failed.map { "\($0.task) \($0.result.rawValue): \($0.message)" }.joined(separator: "; "))
            // As the command exits 1 when a task did not land: the request ran, part failed.
            return (report.allLanded ? 200 : 409, .object(fields))
        }
    }

    /// 400 for a malformed id, 404 for an unknown task, each with the CLI's sentence.
    static func requireTask(_ o: Orchestrator, _ id: String) throws {
        do {
            _ = try o.task(id)
        } catch let error as OrchestrateError {
            throw APIError(status: TaskID(id) == nil ? 400 : 404, message: error.message)
        }
    }
}
