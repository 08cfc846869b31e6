import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// What `gc` did, or would do, for one finished task that still had a worktree or branch.
public struct GCOutcome: Sendable {
    public var task: TaskID
    public var state: TaskState
    /// Whether the task's worktree and branch went (or would go); false when something kept them.
    public var removed: Bool
    /// The worktree removed, or kept.
    public var worktree: String?
    /// The branch removed; nil when there was none or it was kept.
    public var branch: String?
    /// Where commits found nowhere else were kept before the branch went.
    public var keptRef: String?
    /// Why the task was left as it is: one sentence with the next step.
    public var reason: String?
}

/// What `gc` did.
public struct GCReport: Sendable {
    public var outcomes: [GCOutcome]
    public var dryRun: Bool
    /// What emptying the trash of landed worktrees did.
    public var trash: [TrashOutcome] = []

    /// Whether everything that could be collected was.
    public var allRemoved: Bool { outcomes.allSatisfy(\.removed) && trash.allSatisfy(\.deleted) }
}

extension Orchestrator {
    /// Removes the worktrees and branches that finished tasks (merged, rejected, cancelled,
    /// reverted) still have. Never loses work: a worktree with uncommitted changes, a locked one,
    /// the current directory's, and a worktree whose HEAD holds commits off the task branch are
    /// left with the reason; commits of the branch that exist nowhere else (not on the target,
    /// not kept) are first kept under `refs/orchestrate/rejected/<id>/<n>`. Holds the merge lock,
    /// so it never races a landing's own clean-up.
    public func collectGarbage(dryRun: Bool) throws -> GCReport {
        let lock = dryRun ? nil : try MergeLock.acquire(directory: paths.locksDir, wait: 2, then: "git orchestrate gc")
        defer { withExtendedLifetime(lock) {} }
        // A landing's own clean-up a kill interrupted is finished as merge would (its branch
        // is what landed, not work to keep), its worktree into the trash emptied below.
        if !dryRun { try finishInterruptedCleanups() }
        let tasks = try store.read { try $0.tasks(in: TaskState.allCases.filter(\.isFinished)) }
        let target = try mainRepository.referenceTarget(targetRef)
        var outcomes: [GCOutcome] = []
        for task in tasks {
            if let outcome = try collect(task, target: target, dryRun: dryRun) { outcomes.append(outcome) }
        }
        // Under the merge lock, so a move a kill interrupted can be finished first.
        trashedThisRun = []
        let trash = dryRun ? [] : try emptyTrash(finishingMoves: true) { context.err("gc: trash: " + $0) }
        return GCReport(outcomes: outcomes, dryRun: dryRun, trash: trash)
    }

    /// One task's part of `gc`; nil when nothing of it is left.
    private func collect(_ task: TaskRecord, target: ObjectID?, dryRun: Bool) throws -> GCOutcome? {
        let branchRef = "refs/heads/\(task.branch)"
        let head = try mainRepository.referenceTarget(branchRef)
        let entry = mainRepository.worktree(named: task.id.rawValue)
        let folder = entry?.path ?? task.worktree
        let folderExists = folder.map { FileManager.default.fileExists(atPath: $0) } ?? false
        if head == nil && entry == nil && !folderExists {
            if task.worktree != nil && !dryRun { try clearWorktree(of: task.id, recording: nil) }
            return nil
        }
        var outcome = GCOutcome(
            task: task.id, state: task.state, removed: false, worktree: folderExists ? folder : nil,
            branch: head == nil ? nil : task.branch)
        func keep(_ reason: String) -> GCOutcome {
            outcome.reason = reason
            return outcome
        }

        var worktreeHead: ObjectID?
        if let folder, folderExists {
            guard let entry else {
                return keep(
                    "the folder \(folder) is no longer a registered git worktree; look at it and remove it by hand (`git orchestrate doctor` lists it)")
            }
            if entry.isLocked {
                return keep("the worktree \(folder) is locked; run `git worktree unlock \(folder)`, then `git orchestrate gc` again")
            }
            if isCurrentDirectory(inside: folder) {
                return keep("the worktree \(folder) is the current directory; run `git orchestrate gc` from another folder")
            }
            let work = try Repository.open(at: folder)
            let changes = try work.status()
            if !changes.isEmpty {
                let named = changes.prefix(5).map(\.path).joined(separator: ", ") + (changes.count > 5 ? ", …" : "")
                return keep(
                    "the worktree \(folder) has uncommitted changes (\(named)); commit or remove them, then run `git orchestrate gc` again")
            }
            worktreeHead = try work.referenceTarget("HEAD")
            if let worktreeHead, worktreeHead != head, try !isKeptElsewhere(worktreeHead, of: task, target: target) {
                return keep(
                    "the worktree \(folder) has \(worktreeHead.short()) checked out, with commits on neither \(task.branch) nor the target; put them on a branch, then run `git orchestrate gc` again")
            }
        }
        if head != nil, try mainRepository.isBranchCheckedOut(task.branch),
            let other = try checkouts(of: task.branch, besides: entry?.name).first
        {
            return keep(
                "the branch \(task.branch) is checked out in \(other); switch that checkout to another branch, then run `git orchestrate gc` again")
        }

        let mustKeep = try head.map { try !isKeptElsewhere($0, of: task, target: target) } ?? false
        outcome.removed = true
        if dryRun {
            if mustKeep { outcome.keptRef = try nextKeptWorkRef(of: task.id) }
            return outcome
        }
        let kept = mustKeep ? try keepWork(of: task, reason: "gc: its branch held commits found nowhere else") : nil
        outcome.keptRef = kept?.ref
        try removeWorkspace(of: task, keptAt: kept, landedFrom: mustKeep ? nil : head)
        var detail: [String: JSONValue] = [:]
        if let worktree = outcome.worktree { detail["worktree"] = .string(worktree) }
        if let branch = outcome.branch { detail["branch"] = .string(branch) }
        if let kept { detail["keptRef"] = .string(kept.ref) }
        try clearWorktree(
            of: task.id, recording: NewAuditEvent(kind: .collected, task: task.id, oid: head?.hex, actor: actor, detail: detail))
        return outcome
    }

    /// Whether `commit` is safe without the task's branch: its base, on the target, or kept.
    private func isKeptElsewhere(_ commit: ObjectID, of task: TaskRecord, target: ObjectID?) throws -> Bool {
        if commit.hex == task.base { return true }
        if let target, try mainRepository.contains(target, ancestor: commit) { return true }
        return try mainRepository.references(matching: Orchestrator.keptWorkPrefix(task.id) + "*")
            .contains { try mainRepository.contains($0.target, ancestor: commit) }
    }

    /// The work trees, the main one included, that have `branch` checked out, except the
    /// linked worktree named `name`.
    private func checkouts(of branch: String, besides name: String?) throws -> [String] {
        let linked = try mainRepository.worktrees().filter { $0.name != name }.map(\.path)
        return ([paths.mainWorktree] + linked).filter { Repository.checkedOutBranch(atWorktree: $0) == branch }
    }

    /// Clears the task's recorded worktree and, in the same transaction, appends `event`.
    private func clearWorktree(of id: TaskID, recording event: NewAuditEvent?) throws {
        try store.write { tx in
            var current = try requireTask(id, in: tx)
            current.worktree = nil
            try tx.updateTask(current)
            if let event { try tx.appendAudit(event) }
        }
    }

    /// Whether this process's current directory is `folder` or inside it.
    private func isCurrentDirectory(inside folder: String) -> Bool {
        let resolve = { (path: String) in URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
        let cwd = resolve(FileManager.default.currentDirectoryPath)
        let root = resolve(folder)
        return cwd == root || cwd.hasPrefix(root + "/")
    }
}
