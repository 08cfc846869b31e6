import Foundation
import OrchestrateModel
import OrchestrateStore

/// What `ReturnToAgent.settle` did with a task.
public enum LoopDecision: Sendable, Equatable {
    /// Back in the queue (`queued`), worktree and branch kept, the cause in the next prompt.
    case returned(LoopCause)
    /// Out of attempts (`agent.maxAttempts`): stopped in `failed`, every cause in its feedback.
    case stopped([LoopCause])
}

/// The closed loop (`merge.onFailure: "requeue"`): a task the merge buffer found conflicted,
/// failing a check, or whose approval a rebase voided goes back to the queue with its work where
/// it is, and the evidence goes into the next attempt's prompt. One transaction per decision,
/// decided from what the database says, so that a process killed between the merge buffer's
/// verdict and this decision leaves nothing the next `up` or `merge` cannot settle.
struct ReturnToAgent {
    let store: Store
    let config: Config
    let actor: String

    /// Settles one task from its last audit event (see `LoopCause.fromMergeEvent`); nil when
    /// there is nothing to do (the loop is off, or the task is not waiting on the loop).
    func settle(_ id: TaskID) throws -> LoopDecision? {
        guard config.merge.onFailure == .requeue else { return nil }
        return try store.write { tx -> LoopDecision? in
            guard var task = try tx.task(id), let cause = try pendingCause(of: task, in: tx) else { return nil }
            if task.attempts >= config.agent.maxAttempts {
                if task.state == .failed && task.feedback?.hasPrefix(ReturnToAgent.stoppedPrefix) == true { return nil }
                let causes = try returnCauses(of: id, in: tx) + [cause]
                task.state = .failed
                task.claimedBy = nil
                task.feedback = ReturnToAgent.stoppedFeedback(causes, attempts: task.attempts)
                try tx.updateTask(task)
                return .stopped(causes)
            }
            try returnTask(&task, cause: cause, in: tx)
            return .returned(cause)
        }
    }

    /// The merge buffer's verdict the task waits on the loop for: its last audit event, when
    /// that event is what put the task in its state. A task whose worktree is gone is left for
    /// a person (`doctor` names it): the next attempt would have nowhere to go on.
    func pendingCause(of task: TaskRecord, in tx: StoreTransaction) throws -> LoopCause? {
        guard [.conflicted, .failed, .submitted].contains(task.state),
            let worktree = task.worktree, FileManager.default.fileExists(atPath: worktree),
            let last = try tx.auditEvents(task: task.id, limit: 1).last,
            let cause = LoopCause.fromMergeEvent(last, config: config)
        else { return nil }
        switch (cause, task.state) {
        case (.checkFailed, .failed), (.conflicted, .conflicted), (.approvalVoided, .submitted): return cause
        default: return nil
        }
    }

    /// Every task waiting on the loop: what a killed `merge` may have left undecided. Found in
    /// one read (an index look-up per candidate); only those are written.
    func settleAll() throws -> [TaskID: LoopDecision] {
        guard config.merge.onFailure == .requeue else { return [:] }
        let candidates = try store.read { tx in
            try tx.tasks(in: [.conflicted, .failed, .submitted]).filter { task in
                guard try pendingCause(of: task, in: tx) != nil else { return false }
                // Already stopped by the loop: nothing more to decide.
                return !(task.state == .failed && task.feedback?.hasPrefix(ReturnToAgent.stoppedPrefix) == true)
            }
        }
        var decisions: [TaskID: LoopDecision] = [:]
        for task in candidates {
            if let decision = try settle(task.id) { decisions[task.id] = decision }
        }
        return decisions
    }

    /// Puts `task` back in the queue with its worktree and branch, records the
    /// `returnedToAgent` event, and withdraws the gate clearance its approval gave (the change
    /// is going to be redone). A rebase is owed onto the tip the cause names: that becomes the
    /// base, so that what the agent adds is measured from there.
    func returnTask(_ task: inout TaskRecord, cause: LoopCause, in tx: StoreTransaction) throws {
        let from = task.state
        task.state = .queued
        task.claimedBy = nil
        task.submittedHead = nil
        task.feedback = cause.summary
        if let tip = cause.rebaseOnto { task.base = tip }
        task = try tx.updateTask(task)
        var detail = cause.detail
        detail["from"] = .string(from.rawValue)
        detail["attempts"] = .int(Int64(task.attempts))
        detail["maxAttempts"] = .int(Int64(config.agent.maxAttempts))
        detail["worktree"] = .optional(task.worktree)
        detail["branch"] = .string(task.branch)
        try tx.appendAudit(NewAuditEvent(kind: .returnedToAgent, task: task.id, oid: task.head, actor: actor, detail: detail))
        try tx.revokeApprovalClearance(of: task.id)
    }

    /// The causes of every return of the task so far, oldest first.
    func returnCauses(of id: TaskID, in tx: StoreTransaction) throws -> [LoopCause] {
        try tx.auditEvents(task: id).filter { $0.kind == AuditKind.returnedToAgent.rawValue }.compactMap {
            (try? JSONValue.parse($0.detail))?.objectValue.flatMap(LoopCause.init(detail:))
        }
    }

    static let stoppedPrefix = "stopped after "

    /// The feedback of a task the loop gave up on: the count and every cause, numbered.
    static func stoppedFeedback(_ causes: [LoopCause], attempts: Int) -> String {
        let list = causes.enumerated().map { "\($0.offset + 1)) \($0.element.summary)" }.joined(separator: "; ")
        return "\(stoppedPrefix)\(attempts) attempt\(attempts == 1 ? "" : "s") (agent.maxAttempts): \(list)"
    }
}
