import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// What `restore` did.
public struct RestoreReport: Sendable {
    public var task: TaskRecord
    /// The kept ref the work came from (it stays: nothing is deleted).
    public var ref: String
    /// Whether uncommitted changes were put back as uncommitted files.
    public var restoredUncommitted: Bool
}

extension Orchestrator {
    /// Brings kept work of a rejected, cancelled or requeued task back: the branch points at
    /// the kept commits, and when the kept ref is a snapshot of uncommitted work, its files are
    /// written into the worktree as uncommitted changes (untracked files untracked again).
    /// The task becomes `running`.
    public func restoreTask(_ idText: String, ref refText: String?) throws -> RestoreReport {
        let id = try parseID(idText)
        let task = try store.read { try requireTask(id, in: $0) }
        guard [.rejected, .cancelled, .queued].contains(task.state) else {
            throw OrchestrateError.badInput(
                "task \(id) is \(task.state.rawValue); only a rejected, cancelled or requeued task can be restored")
        }
        let (ref, kept) = try chooseKeptRef(id, refText)
        // A snapshot commit of uncommitted work: the branch goes to its parent, its files to the
        // work tree.
        let info = try mainRepository.commitInfo(kept)
        let isSnapshot = info.message.hasPrefix("orchestrate: uncommitted work of \(id.rawValue) ") && info.parents.count == 1
        let branchTip = isSnapshot ? info.parents[0] : kept
        let base = try keptBase(id, ref: ref, tip: branchTip)
        // Claim (as `start` does) so that `next` cannot take a requeued task meanwhile.
        try store.write { tx in
            var current = try requireTask(id, in: tx)
            guard current.state == task.state else {
                throw OrchestrateError.failed("task \(id) changed meanwhile (now \(current.state.rawValue)); try again")
            }
            current.state = .running
            try tx.updateTask(current)
        }
        do {
            let path = try placeWorkspace(task, branchTip: branchTip)
            if isSnapshot { try Repository.open(at: path).checkoutFilesOnly(of: kept) }
            return try store.write { tx in
                var current = try requireTask(id, in: tx)
                current.worktree = path
                current.base = base.hex
                current.head = branchTip.hex
                current.submittedHead = nil
                current = try tx.updateTask(current)
                try tx.appendAudit(NewAuditEvent(
                    kind: .restored, task: id, oid: branchTip.hex, actor: actor,
                    detail: [
                        "ref": .string(ref), "from": .string(task.state.rawValue), "keptOid": .string(kept.hex),
                        "includesUncommitted": .bool(isSnapshot), "worktree": .string(path), "base": .string(base.hex),
                    ]))
                return RestoreReport(task: current, ref: ref, restoredUncommitted: isSnapshot)
            }
        } catch {
            try? store.write { tx in
                if var current = try tx.task(id), current.state == .running {
                    current.state = task.state
                    try tx.updateTask(current)
                }
            }
            if let error = error as? GitError {
                throw OrchestrateError.failed("could not restore \(id) from \(ref): \(error.message); the kept ref is untouched")
            }
            throw error
        }
    }

    /// The kept ref to restore: `ref` (a full ref or its number), else the newest.
    func chooseKeptRef(_ id: TaskID, _ refText: String?) throws -> (String, ObjectID) {
        let prefix = Orchestrator.keptWorkPrefix(id)
        let kept = try mainRepository.references(matching: prefix + "*")
        if let refText {
            let name = refText.hasPrefix("refs/") ? refText : prefix + refText
            guard let match = kept.first(where: { $0.name == name }) else {
                throw OrchestrateError.badInput(
                    "\(refText) is not kept work of \(id); see `git orchestrate show \(id)` for its kept refs")
            }
            return (match.name, match.target)
        }
        let newest = kept.max { (Int($0.name.dropFirst(prefix.count)) ?? 0) < (Int($1.name.dropFirst(prefix.count)) ?? 0) }
        guard let newest else {
            throw OrchestrateError.badInput("task \(id) has no kept work under \(prefix); there is nothing to restore")
        }
        return (newest.name, newest.target)
    }

    /// The base the kept work was made on: as recorded when it was kept, else where it forks
    /// from the target.
    func keptBase(_ id: TaskID, ref: String, tip: ObjectID) throws -> ObjectID {
        let events = try store.read { try $0.auditEvents(task: id) }
        for event in events.reversed() {
            guard let detail = try? JSONValue.parse(event.detail).objectValue,
                detail["keptRef"]?.stringValue == ref
            else { continue }
            if let hex = detail["base"]?.stringValue, let base = ObjectID(hex: hex) { return base }
        }
        if let task = try store.read({ try $0.task(id) }), let base = task.base.flatMap(ObjectID.init(hex:)) {
            return base
        }
        return try mainRepository.mergeBase(tip, targetTip()) ?? tip
    }

    /// Points the task's branch at `branchTip` and makes sure its worktree exists and is clean;
    /// returns the worktree path.
    func placeWorkspace(_ task: TaskRecord, branchTip: ObjectID) throws -> String {
        let branchRef = "refs/heads/\(task.branch)"
        if let worktree = task.worktree, FileManager.default.fileExists(atPath: worktree),
            Repository.checkedOutBranch(atWorktree: worktree) == task.branch
        {
            let work = try Repository.open(at: worktree)
            let dirty = try work.status()
            if !dirty.isEmpty {
                throw OrchestrateError.badInput(
                    "the worktree \(worktree) of \(task.id) has changes made after the rejection (\(dirty.prefix(5).map(\.path).joined(separator: ", "))); commit or discard them (or `git orchestrate cancel \(task.id)` to keep them), then restore again")
            }
            try work.hardReset(to: branchTip)
            return worktree
        }
        let path = worktreePath(for: task.id)
        if FileManager.default.fileExists(atPath: path) {
            throw OrchestrateError.badInput(
                "the folder \(path) already exists; move it away (or run `git orchestrate doctor`) and restore \(task.id) again")
        }
        if let current = try mainRepository.referenceTarget(branchRef) {
            // The branch survived (its work existed nowhere else): only move it forward.
            guard try mainRepository.contains(branchTip, ancestor: current) else {
                throw OrchestrateError.badInput(
                    "the branch \(task.branch) holds commits the kept work does not; rename it (`git branch -m`) and restore \(task.id) again")
            }
            if current != branchTip {
                try mainRepository.setReference(branchRef, to: branchTip, expecting: current, message: "orchestrate: restore \(task.id)")
            }
        } else {
            try mainRepository.createBranch(task.branch, at: branchTip)
        }
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try mainRepository.addWorktree(name: task.id.rawValue, path: path, branch: task.branch)
        try prepareWorktree(task, path: path)
        return path
    }
}
