import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// What `reject` did.
public struct RejectReport: Sendable {
    public var task: TaskRecord
    /// Where the work was kept (nil when there was none beyond the base).
    public var kept: KeptWork?
    /// Whether the task went back to the queue.
    public var requeued: Bool
    /// For a landed task: the revert on the target branch.
    public var revert: RevertReport?
}

extension Orchestrator {
    /// Rejects a task. Before landing: keeps all its work (commits, uncommitted changes and
    /// untracked files) under `refs/orchestrate/rejected/<id>/<n>`, then resets its branch and
    /// worktree to the base (state `rejected`), or with `requeue` removes them so that `next`
    /// starts it afresh (state `queued`, the reason kept as feedback). A landed task is
    /// reverted on the target branch instead.
    public func rejectTask(_ idText: String, reason: String, requeue: Bool, cascade: Bool) throws -> RejectReport {
        let id = try parseID(idText)
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        try TextInput.refuseNUL(reason, "the --reason for rejecting \(id)")
        guard !why.isEmpty else {
            throw OrchestrateError.badInput("--reason must say why \(id) is rejected; it is kept for the next attempt")
        }
        let task = try store.read { try requireTask(id, in: $0) }
        // A rejection is recorded under a person: refuse, as git would, when git knows no one.
        _ = try requireIdentity()
        if task.state == .merged {
            if requeue {
                throw OrchestrateError.badInput(
                    "task \(id) has landed; --requeue applies only before landing (reject it, then `git orchestrate add` a new task)")
            }
            let revert = try revertLandedTask(id, reason: why, cascade: cascade)
            let after = try store.read { try requireTask(id, in: $0) }
            return RejectReport(task: after, kept: nil, requeued: false, revert: revert)
        }
        guard task.state.isInFlight else {
            throw OrchestrateError.badInput(
                "task \(id) is \(task.state.rawValue); only running, submitted, approved, conflicted or failed tasks (or landed ones) can be rejected")
        }
        guard let base = task.base.flatMap(ObjectID.init(hex:)) else {
            throw OrchestrateError.badInput("task \(id) has no recorded base; run `git orchestrate doctor`")
        }
        // Nothing is reset before the work is safe under a ref.
        try stopRunningAgent(of: id, by: "reject")
        let kept = try keepWork(of: task, reason: why)
        if requeue {
            try removeWorkspace(of: task, keptAt: kept)
        } else {
            try resetWorkspace(of: task, to: base, keptAt: kept)
        }
        let report = try store.write { tx in
            var current = try requireTask(id, in: tx)
            current.state = requeue ? .queued : .rejected
            current.feedback = why
            current.submittedHead = nil
            current.claimedBy = nil
            if requeue {
                current.worktree = nil
                current.base = nil
                current.head = nil
                current.stacked = false
            } else {
                current.head = base.hex
            }
            current = try tx.updateTask(current)
            var detail: [String: JSONValue] = [
                "reason": .string(why), "from": .string(task.state.rawValue), "requeue": .bool(requeue),
                "base": .string(base.hex), "head": .optional(task.head),
                "keptRef": .optional(kept?.ref),
            ]
            if let kept { detail["includesUncommitted"] = .bool(kept.includesUncommitted) }
            let event = try tx.appendAudit(NewAuditEvent(
                kind: .rejected, task: id, oid: kept?.oid.hex, actor: actor, detail: detail))
            if requeue {
                try tx.appendAudit(NewAuditEvent(
                    kind: .returnedToAgent, task: id, oid: kept?.oid.hex, actor: actor,
                    detail: LoopCause.rejected(reason: why).detail.merging(["from": .string(task.state.rawValue)]) { $1 }))
            }
            // A rejected change is no longer approved: the gate stops letting it through.
            try tx.revokeApprovalClearance(of: id)
            try recordInLedger(
                ledgerPayload(["kind": "rejected", "task": .string(id.rawValue), "oid": .optional(task.head), "reason": .string(why)], now: tx.now),
                audit: event, in: tx)
            return RejectReport(task: current, kept: kept, requeued: requeue, revert: nil)
        }
        syncAfterChange()
        return report
    }

    /// Puts the task's branch and worktree back at `base`: clean, no untracked leftovers
    /// (ignored files stay). The work must already be kept.
    func resetWorkspace(of task: TaskRecord, to base: ObjectID, keptAt kept: KeptWork?) throws {
        let branchRef = "refs/heads/\(task.branch)"
        // A branch deleted under the task (its work found and kept from the worktree's HEAD or
        // reflog) is made again at the base, and a detached worktree put back on it.
        if let worktree = task.worktree, FileManager.default.fileExists(atPath: worktree),
            try mainRepository.referenceTarget(branchRef) == nil
        {
            try mainRepository.createBranch(task.branch, at: base)
            let onBranch = Repository.checkedOutBranch(atWorktree: worktree)
            if onBranch == nil || onBranch == "HEAD" || onBranch == task.branch {
                try Repository.open(at: worktree).attachHead(toBranch: task.branch)
            }
        }
        if let worktree = task.worktree, FileManager.default.fileExists(atPath: worktree),
            Repository.checkedOutBranch(atWorktree: worktree) == task.branch
        {
            do {
                try Repository.open(at: worktree).hardReset(to: base)
            } catch let error as GitError {
                throw OrchestrateError.failed(
                    "could not reset the worktree \(worktree) of \(task.id) to its base (\(error.message)); the work is safe at \(kept?.ref ?? "its branch"), fix the worktree and reject again")
            }
        } else if let head = try mainRepository.referenceTarget(branchRef), head != base {
            try mainRepository.setReference(
                branchRef, to: base, expecting: head, message: "orchestrate: reject \(task.id), back to its base")
        }
    }
}
