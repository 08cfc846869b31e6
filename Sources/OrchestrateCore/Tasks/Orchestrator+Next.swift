import Foundation
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// Atomically claims the highest-priority ready task (oldest first among equals) and
    /// starts it. Returns nil when no task is ready. Two processes racing never get the same
    /// task: the claim is one `BEGIN IMMEDIATE` transaction.
    public func claimNext(agent: String?) throws -> TaskRecord? {
        let claimant = agent ?? actor
        try reapDisconnectedRuns()  // a task whose agent was lost goes back to the queue first
        try settlePendingReturns()  // and so does one a killed merge left conflicted or failed
        let claimed: TaskRecord? = try store.write { tx in
            guard var task = try tx.readyTasks(allowInFlightDependencies: config.stacking).first else { return nil }
            task.state = .running
            task.claimedBy = claimant
            try tx.updateTask(task)
            try tx.appendAudit(NewAuditEvent(kind: .claimed, task: task.id, actor: claimant, detail: [:]))
            return task
        }
        guard let claimed else { return nil }
        // Sent back to its agent with its work (docs/agents.md): the next attempt runs there.
        if let worktree = claimed.worktree, FileManager.default.fileExists(atPath: worktree) { return claimed }
        let plan: StartPlan
        do {
            plan = try planStart(claimed, base: nil, stack: false)
        } catch {
            try? store.write { tx in
                if var current = try tx.task(claimed.id), current.state == .running, current.worktree == nil {
                    current.state = .queued
                    current.claimedBy = nil
                    try tx.updateTask(current)
                }
            }
            throw error
        }
        return try materialize(claimed.id, plan: plan, claimedBy: claimant)
    }
}
