import Foundation
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// Atomically claims the highest-priority ready task (oldest first among equals) and
    /// starts it. Returns nil when no task is ready. Two processes racing never get the same
    /// task: the claim is one `BEGIN IMMEDIATE` transaction. A task that cannot be started (a
    /// folder in the way, say) is given back to the queue with a warning and the next ready
    /// task is tried, so that one broken task does not stop every `next`; the error is thrown
    /// only when no ready task could be started.
    public func claimNext(agent: String?) throws -> TaskRecord? {
        let claimant = agent ?? actor
        try reapDisconnectedRuns()  // a task whose agent was lost goes back to the queue first
        try settlePendingReturns()  // and so does one a killed merge left conflicted or failed
        var skipped = Set<TaskID>()
        var lastError: Error?
        while skipped.count < 5 {
            let claimed: TaskRecord? = try store.write { tx in
                let ready = try tx.readyTasks(allowInFlightDependencies: config.stacking)
                guard var task = ready.first(where: { !skipped.contains($0.id) }) else { return nil }
                task.state = .running
                task.claimedBy = claimant
                try tx.updateTask(task)
                try tx.appendAudit(NewAuditEvent(kind: .claimed, task: task.id, actor: claimant, detail: [:]))
                return task
            }
            guard let claimed else { break }
            do {
                return try start(claimed, claimant: claimant)
            } catch {
                skipped.insert(claimed.id)
                lastError = error
                context.err("warning: could not start \(claimed.id) (\((error as? OrchestrateError)?.message ?? "\(error)")); it is queued again, trying the next ready task")
            }
        }
        if let lastError { throw lastError }
        return nil
    }

    /// Plans and materializes a task just claimed; on a planning failure gives the claim back.
    private func start(_ claimed: TaskRecord, claimant: String) throws -> TaskRecord {
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
                    try tx.appendAudit(NewAuditEvent(
                        kind: .requeued, task: claimed.id, actor: actor,
                        detail: ["claimedBy": .string(claimant), "why": .string("could not start: \(error)")]))
                }
            }
            throw error
        }
        return try materialize(claimed.id, plan: plan, claimedBy: claimant)
    }
}
