import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// Where a task's discarded work was kept.
public struct KeptWork: Sendable, Equatable {
    /// `refs/orchestrate/rejected/<id>/<n>`.
    public var ref: String
    public var oid: ObjectID
    /// Whether uncommitted changes (untracked files included) were recorded as a commit.
    public var includesUncommitted: Bool
    /// Where the commits were found: `branch`, `worktree HEAD` or `worktree reflog` (the
    /// branch was gone).
    public var foundIn: String = "branch"
}

extension Orchestrator {
    /// The namespace under which discarded work of task `id` is kept.
    public static func keptWorkPrefix(_ id: TaskID) -> String { "refs/orchestrate/rejected/\(id.rawValue)/" }

    /// Keeps everything of the task's work — its commits and any uncommitted changes,
    /// untracked files included, as one more commit — under the next free
    /// `refs/orchestrate/rejected/<id>/<n>`. Returns nil when there is nothing beyond the base.
    /// Touches neither the work tree nor the index. When the branch is gone (deleted by hand or
    /// by the agent), the commits are found through the worktree's HEAD or its reflog.
    public func keepWork(of task: TaskRecord, reason: String) throws -> KeptWork? {
        var found: (tip: ObjectID, source: String)?
        if let head = try mainRepository.referenceTarget("refs/heads/\(task.branch)") {
            found = (head, "branch")
        } else {
            found = try lostWorkTip(of: task)
        }
        var tip = found?.tip
        var includesUncommitted = false
        if let worktree = task.worktree, FileManager.default.fileExists(atPath: worktree) {
            let work = try Repository.open(at: worktree)
            if let parent = try work.referenceTarget("HEAD") ?? tip {
                let signature = snapshotSignature
                if let snapshot = try work.snapshotWorkTree(
                    parent: parent,
                    message: "orchestrate: uncommitted work of \(task.id) (\(reason))\n\nKept by git-orchestrate before the work tree was reset.\n",
                    signature: signature)
                {
                    tip = snapshot
                    includesUncommitted = true
                } else {
                    tip = parent
                }
            }
        }
        guard let tip else { return nil }
        if let base = task.base, tip.hex == base { return nil }
        let ref = try nextKeptWorkRef(of: task.id)
        try mainRepository.setReference(ref, to: tip, expecting: nil, message: "orchestrate: keep work of \(task.id): \(reason)")
        return KeptWork(ref: ref, oid: tip, includesUncommitted: includesUncommitted, foundIn: found?.source ?? "branch")
    }

    /// The newest commit of a task whose branch is gone, from its worktree: HEAD when it still
    /// resolves (detached, or on another branch), else the newest entry of the worktree's HEAD
    /// reflog that is not the base and still exists. Nil when no trace is left.
    func lostWorkTip(of task: TaskRecord) throws -> (tip: ObjectID, source: String)? {
        let base = task.base.flatMap(ObjectID.init(hex:))
        if let worktree = task.worktree, FileManager.default.fileExists(atPath: worktree),
            let head = try? Repository.open(at: worktree).referenceTarget("HEAD"), head != base
        {
            return (head, "worktree HEAD")
        }
        for oid in mainRepository.worktreeHeadHistory(name: task.id.rawValue) where oid != base {
            if try mainRepository.hasObject(oid) { return (oid, "worktree reflog") }
        }
        return nil
    }

    /// Puts back the branch of a task whose agent deleted it, at the newest commit its worktree
    /// still knows (HEAD or reflog), so that the commits are neither lost nor mistaken for "no
    /// changes". Returns what was restored, nil when the branch exists or no trace is left.
    func restoreLostBranch(of task: TaskRecord) throws -> (tip: ObjectID, source: String)? {
        guard task.worktree != nil, try mainRepository.referenceTarget("refs/heads/\(task.branch)") == nil,
            let found = try lostWorkTip(of: task)
        else { return nil }
        try mainRepository.createBranch(task.branch, at: found.tip)
        return found
    }

    /// The ref under which `keepWork` keeps task `id`'s work next: `…/<n>`, one past the highest.
    func nextKeptWorkRef(of id: TaskID) throws -> String {
        let prefix = Orchestrator.keptWorkPrefix(id)
        let used = try mainRepository.references(matching: prefix + "*").compactMap {
            Int($0.name.dropFirst(prefix.count))
        }
        return prefix + String((used.max() ?? 0) + 1)
    }

    /// Removes the task's worktree and branch. Call `keepWork` first: the branch is deleted only
    /// when its tip is its base or is kept under `keptAt` — or is `landedFrom`, the head whose
    /// work the merge buffer just landed.
    func removeWorkspace(of task: TaskRecord, keptAt kept: KeptWork?, landedFrom landed: ObjectID? = nil) throws {
        if let entry = mainRepository.worktree(named: task.id.rawValue) {
            if entry.isLocked {
                throw OrchestrateError.failed(
                    "the worktree \(entry.path) of \(task.id) is locked; run `git worktree unlock \(entry.path)` and try again")
            }
            try mainRepository.removeWorktree(name: entry.name)
        }
        try deleteLandedBranch(of: task, keptAt: kept, landedFrom: landed)
    }

    /// Deletes the task's branch when its tip is its base, is kept under `keptAt`, or is
    /// `landedFrom` (the head whose work the merge buffer just landed); else keeps it, saying so.
    func deleteLandedBranch(of task: TaskRecord, keptAt kept: KeptWork? = nil, landedFrom landed: ObjectID?) throws {
        let branchRef = "refs/heads/\(task.branch)"
        guard let head = try mainRepository.referenceTarget(branchRef) else { return }
        var safe = head.hex == task.base || head == landed
        if !safe, let kept { safe = try mainRepository.contains(kept.oid, ancestor: head) }
        if safe {
            try mainRepository.deleteReference(branchRef, expecting: head)
        } else {
            context.err("note: kept the branch \(task.branch): its work exists nowhere else")
        }
    }
}
