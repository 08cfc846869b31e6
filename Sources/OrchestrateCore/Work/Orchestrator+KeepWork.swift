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
}

extension Orchestrator {
    /// The namespace under which discarded work of task `id` is kept.
    public static func keptWorkPrefix(_ id: TaskID) -> String { "refs/orchestrate/rejected/\(id.rawValue)/" }

    /// Keeps everything of the task's work — its commits and any uncommitted changes,
    /// untracked files included, as one more commit — under the next free
    /// `refs/orchestrate/rejected/<id>/<n>`. Returns nil when there is nothing beyond the base.
    /// Touches neither the work tree nor the index.
    public func keepWork(of task: TaskRecord, reason: String) throws -> KeptWork? {
        let branchHead = try mainRepository.referenceTarget("refs/heads/\(task.branch)")
        var tip = branchHead
        var includesUncommitted = false
        if let worktree = task.worktree, FileManager.default.fileExists(atPath: worktree) {
            let work = try Repository.open(at: worktree)
            if let parent = try work.referenceTarget("HEAD") {
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
        return KeptWork(ref: ref, oid: tip, includesUncommitted: includesUncommitted)
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
