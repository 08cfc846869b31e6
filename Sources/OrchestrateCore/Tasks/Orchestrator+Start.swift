import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// Creates the task's branch and worktree (with libgit2) and records its base: at the
    /// target tip, at `base`, or with `stack` at the head of its one unfinished dependency.
    /// Refused unless the task is queued; leaves nothing behind when it fails half way.
    public func startTask(_ idText: String, base: String? = nil, stack: Bool = false) throws -> TaskRecord {
        let id = try parseID(idText)
        let task = try store.read { try requireTask(id, in: $0) }
        guard task.state == .queued else {
            throw OrchestrateError.badInput(
                "task \(id) is \(task.state.rawValue), not queued; only a queued task can be started (see `git orchestrate show \(id)`)")
        }
        // Sent back to its agent with its work (docs/agents.md): it goes on where it is.
        if let worktree = task.worktree, FileManager.default.fileExists(atPath: worktree), base == nil, !stack {
            try resumeQueuedTask(id)
            return try store.read { try requireTask(id, in: $0) }
        }
        let plan = try planStart(task, base: base, stack: stack)
        // Claim first (one transaction), so that a concurrent `start` or `next` cannot also
        // take the task while the worktree is being made.
        try store.write { tx in
            var current = try requireTask(id, in: tx)
            guard current.state == .queued else {
                throw OrchestrateError.failed("task \(id) was just taken by another process (now \(current.state.rawValue))")
            }
            current.state = .running
            current.stacked = plan.stackedOn != nil
            try tx.updateTask(current)
        }
        return try materialize(id, plan: plan, claimedBy: nil)
    }

    /// Where a task's work will start from.
    struct StartPlan {
        var base: ObjectID
        var stackedOn: TaskID?
    }

    /// Decides the base of a queued task.
    func planStart(_ task: TaskRecord, base: String?, stack: Bool) throws -> StartPlan {
        let dependencies = try store.read { tx in try task.dependsOn.compactMap { try tx.task($0) } }
        let unfinished = dependencies.filter { $0.state != .merged }
        if stack || (config.stacking && !unfinished.isEmpty && base == nil) {
            guard unfinished.count == 1, let parent = unfinished.first else {
                if unfinished.isEmpty {
                    if stack {
                        throw OrchestrateError.badInput(
                            "task \(task.id) has no unfinished dependency to stack on; start it without --stack")
                    }
                    return StartPlan(base: try targetTip(), stackedOn: nil)
                }
                throw OrchestrateError.badInput(
                    "task \(task.id) depends on \(unfinished.count) unfinished tasks (\(unfinished.map(\.id.rawValue).joined(separator: ", "))); stacking needs exactly one")
            }
            guard parent.state.isInFlight, parent.state != .failed,
                let head = try mainRepository.referenceTarget("refs/heads/\(parent.branch)")
            else {
                throw OrchestrateError.badInput(
                    "task \(task.id) cannot stack on \(parent.id), which is \(parent.state.rawValue) with no branch in flight; start \(parent.id) first")
            }
            return StartPlan(base: head, stackedOn: parent.id)
        }
        if let blocking = unfinished.first, base == nil {
            throw OrchestrateError.badInput(
                "task \(task.id) depends on \(blocking.id), which has not landed (\(blocking.state.rawValue)); land it first, or use --stack to build on its branch")
        }
        if let base {
            do {
                return StartPlan(base: try mainRepository.resolveCommit(base), stackedOn: nil)
            } catch let error as GitError {
                throw OrchestrateError.badInput("--base \(base) does not name a commit (\(error.message)); pass a branch, tag or commit id")
            }
        }
        return StartPlan(base: try targetTip(), stackedOn: nil)
    }

    /// Makes the branch and worktree of a claimed (running) task and records them; on any
    /// failure undoes what it made and puts the task back in the queue.
    func materialize(_ id: TaskID, plan: StartPlan, claimedBy: String?) throws -> TaskRecord {
        let task = try store.read { try requireTask(id, in: $0) }
        let path = worktreePath(for: id)
        let branchRef = "refs/heads/\(task.branch)"
        var createdBranch = false
        var createdWorktree = false
        do {
            if FileManager.default.fileExists(atPath: path) {
                throw OrchestrateError.badInput(
                    "the folder \(path) already exists; move it away (or run `git orchestrate doctor`) and start \(id) again")
            }
            if try mainRepository.referenceTarget(branchRef) != nil {
                throw OrchestrateError.badInput(
                    "the branch \(task.branch) already exists; rename or delete it (`git branch -m`), then start \(id) again")
            }
            try FileManager.default.createDirectory(
                atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                withIntermediateDirectories: true)
            try mainRepository.createBranch(task.branch, at: plan.base)
            createdBranch = true
            try mainRepository.addWorktree(name: id.rawValue, path: path, branch: task.branch)
            createdWorktree = true
            try prepareWorktree(task, path: path)
            return try store.write { tx in
                var current = try requireTask(id, in: tx)
                current.worktree = path
                current.base = plan.base.hex
                current.head = plan.base.hex
                current.stacked = plan.stackedOn != nil
                if let claimedBy { current.claimedBy = claimedBy }
                try tx.updateTask(current)
                var detail: [String: JSONValue] = [
                    "branch": .string(task.branch), "worktree": .string(path), "base": .string(plan.base.hex),
                ]
                if let parent = plan.stackedOn { detail["stackedOn"] = .string(parent.rawValue) }
                if let claimedBy { detail["agent"] = .string(claimedBy) }
                try tx.appendAudit(NewAuditEvent(kind: .started, task: id, oid: plan.base.hex, actor: actor, detail: detail))
                return current
            }
        } catch {
            if createdWorktree { try? mainRepository.removeWorktree(name: id.rawValue) }
            if createdBranch { _ = try? mainRepository.deleteReference(branchRef, expecting: plan.base) }
            try? store.write { tx in
                if var current = try tx.task(id), current.state == .running {
                    current.state = .queued
                    current.claimedBy = nil
                    current.worktree = nil
                    try tx.updateTask(current)
                    // A claim given back says so: a later `claimed` event for the task is a
                    // new claim, not a duplicate.
                    if let claimedBy {
                        try tx.appendAudit(NewAuditEvent(
                            kind: .requeued, task: id, actor: actor,
                            detail: ["claimedBy": .string(claimedBy), "why": .string("could not start: \(error)")]))
                    }
                }
            }
            if let error = error as? GitError {
                throw OrchestrateError.failed("could not create the worktree of \(id) at \(path): \(error.message)")
            }
            throw error
        }
    }

    /// Per-worktree preparation after checkout: the agent set-up (`agent.setup`).
    func prepareWorktree(_ task: TaskRecord, path: String) throws {
        // With a relative core.hooksPath, git runs our hooks here only through this setting.
        try applyWorktreeHooks(worktreeName: task.id.rawValue)
        try runAgentSetup(task, worktree: path)
    }
}
