import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// What `cancel` did.
public struct CancelReport: Sendable {
    public var task: TaskRecord
    public var kept: KeptWork?
    /// Tasks still waiting on the cancelled one.
    public var waitingDependents: [TaskID]
}

extension Orchestrator {
    /// Cancels a task that has not landed: keeps any work under
    /// `refs/orchestrate/rejected/<id>/<n>`, then removes its worktree and branch.
    public func cancelTask(_ idText: String, reason: String?) throws -> CancelReport {
        let id = try parseID(idText)
        try TextInput.refuseNUL(reason, "the reason for cancelling \(id)")
        let task = try store.read { try requireTask(id, in: $0) }
        if task.state == .merged {
            throw OrchestrateError.badInput(
                "task \(id) has already landed; to undo it run `git orchestrate reject \(id) --reason TEXT`")
        }
        if task.state.isFinished {
            throw OrchestrateError.badInput("task \(id) is already \(task.state.rawValue); there is nothing to cancel")
        }
        let why = reason ?? "cancelled"
        try stopRunningAgent(of: id, by: "cancel")
        let kept = try keepWork(of: task, reason: why)
        try removeWorkspace(of: task, keptAt: kept)
        return try store.write { tx in
            var current = try requireTask(id, in: tx)
            current.state = .cancelled
            current.worktree = nil
            current.claimedBy = nil
            try tx.updateTask(current)
            var detail: [String: JSONValue] = ["reason": .string(why), "from": .string(task.state.rawValue)]
            if let kept {
                detail["keptRef"] = .string(kept.ref)
                detail["includesUncommitted"] = .bool(kept.includesUncommitted)
            }
            try tx.appendAudit(NewAuditEvent(kind: .cancelled, task: id, oid: kept?.oid.hex, actor: actor, detail: detail))
            let waiting = try tx.dependents(of: id).filter { dep in
                (try tx.task(dep)).map { !$0.state.isFinished } ?? false
            }
            return CancelReport(task: current, kept: kept, waitingDependents: waiting)
        }
    }
}
