import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// The task's own branch and worktree around a landing: moved to the replayed head before the
/// checks, made whole again after an interrupted move, removed (or kept) after the landing.
extension Orchestrator {
    /// Moves the task's branch to its replayed head (compare-and-swap) and brings its worktree
    /// there; records the new base and head so the approval follows the change.
    func moveTaskBranch(_ task: inout TaskRecord, from head: ObjectID, to newHead: ObjectID, base: ObjectID) throws {
        let id = task.id
        var worktreeRepo: Repository?
        if let worktree = task.worktree, FileManager.default.fileExists(atPath: worktree) {
            let repo = try Repository.open(at: worktree)
            let dirty = try uncommittedChanges(in: repo, branch: task.branch)
            if !dirty.isEmpty {
                throw OrchestrateError.failed(
                    "the worktree \(worktree) of \(id) has uncommitted changes (\(dirty.prefix(5).map(\.path).joined(separator: ", "))); commit or discard them, then run `git orchestrate merge` again")
            }
            worktreeRepo = repo
        }
        task = try store.write { tx in
            var current = try requireTask(id, in: tx)
            current.base = base.hex
            current.head = newHead.hex
            return try tx.updateTask(current)
        }
        faultInjectionPause("before-branch-move")
        try mergeBuffer.moveTaskBranch(
            task.branch, of: id, from: head, to: newHead, onto: base, message: "orchestrate: rebase \(id) onto \(config.target)")
        faultInjectionPause("before-worktree-reset")
        try worktreeRepo?.hardReset(to: newHead)
    }

    /// `moveTaskBranch`, unless the task's worktree holds uncommitted work: then nothing moves
    /// (a note says so) and false is returned — that work is the cleanup's to keep, and it no
    /// longer keeps the task from landing (its checks run in a check slot).
    func moveTaskBranchIfClean(_ task: inout TaskRecord, from head: ObjectID, to newHead: ObjectID, base: ObjectID) throws -> Bool {
        if let worktree = task.worktree, FileManager.default.fileExists(atPath: worktree),
            let repo = try? Repository.open(at: worktree), try !uncommittedChanges(in: repo, branch: task.branch).isEmpty
        {
            context.err("note: the worktree \(worktree) of \(task.id) has uncommitted changes; its branch stays at \(head.short()), and that work is kept when the worktree is cleaned up")
            return false
        }
        try moveTaskBranch(&task, from: head, to: newHead, base: base)
        return true
    }

    /// A task worktree's uncommitted changes — none when every file and index entry that
    /// differs holds exactly what the branch's commit before its last move or its commit now
    /// holds, nothing untracked besides: a merge killed between moving the branch and
    /// resetting the worktree, or during the reset (files are written one by one, then the
    /// index), leaves that, and finishing the reset loses nothing (each file is one of the two
    /// commits). Anything else is the user's and blocks the task.
    func uncommittedChanges(in worktree: Repository, branch: String) throws -> [StatusEntry] {
        let dirty = try worktree.status()
        let ref = "refs/heads/\(branch)"
        guard !dirty.isEmpty, let previous = try mainRepository.previousTarget(of: ref),
            let current = try mainRepository.referenceTarget(ref),
            try worktree.isBetween([previous, current])
        else { return dirty }
        try finishHalfReset(worktree, to: current)
        context.err("merge: finished resetting the worktree of \(branch) to \(current.short()), left half done by an interrupted merge")
        return []
    }

    /// After landing: the worktree is set aside in the trash (two renames: no status scan, no
    /// file deleted — the emptier looks for uncommitted work and keeps it before deleting) and
    /// the branch goes (its work is on the target now) — unless `merge.keepWorktrees`, when the
    /// branch follows what landed and the worktree shows it.
    func cleanUpLanded(_ task: TaskRecord, landed: ObjectID, branchAt head: ObjectID) throws {
        faultInjectionPause("before-cleanup")
        if config.merge.keepWorktrees {
            guard head != landed else { return }
            // The worktree follows what landed — one reset of it per landing, and only when it
            // holds nothing of its own (uncommitted work is never reset away).
            if let worktree = task.worktree, let repo = try? Repository.open(at: worktree), try !repo.status().isEmpty {
                context.err("note: kept the worktree \(worktree) of \(task.id) and its branch as they are: it has uncommitted changes")
                return
            }
            do {
                try mergeBuffer.moveTaskBranch(
                    task.branch, of: task.id, from: head, to: landed, onto: landed, message: "orchestrate: \(task.id) landed")
                if let worktree = task.worktree, FileManager.default.fileExists(atPath: worktree) {
                    try Repository.open(at: worktree).hardReset(to: landed)
                }
            } catch {
                context.err("note: the branch \(task.branch) of \(task.id) moved during the merge; left it as it is")
            }
            return
        }
        if try branchCheckedOutElsewhere(task) {
            // Someone checked the branch out elsewhere (the main checkout, say): deleting it
            // would leave that checkout on a branch that no longer exists.
            context.err("note: kept the branch \(task.branch) of \(task.id): it is checked out in another work tree; delete it there with `git branch -d \(task.branch)` once you switched away")
            return
        }
        do {
            if let name = try setAsideLandedWorktree(of: task, head: head) {
                trashedThisRun.append(name)
            } else if task.worktree != nil {
                // No worktree registered any more (its admin data went with a kill): a folder
                // left at the path goes the old way, after a look for uncommitted work.
                try removeLeftoverFolder(of: task)
            }
            try deleteLandedBranch(of: task, landedFrom: head)
        } catch let error as TrashError where error.code == EXDEV {
            // The worktree root is on another file system than the state folder: removed in
            // place, after a status scan of it, as before the trash existed.
            do {
                try removeInPlace(task, landedFrom: head)
            } catch {
                context.err("note: could not remove the worktree of \(task.id) (\(error)); run `git orchestrate gc`")
            }
        } catch {
            context.err("note: could not remove the worktree of \(task.id) (\(error)); run `git orchestrate doctor`")
        }
    }

    /// The worktree removed where it is (no trash on its file system): kept, with a note, when it
    /// holds uncommitted work.
    private func removeInPlace(_ task: TaskRecord, landedFrom head: ObjectID) throws {
        if let folder = task.worktree, let repo = try? Repository.open(at: folder), try !repo.status().isEmpty {
            context.err("note: kept the worktree \(folder) of \(task.id): it has uncommitted changes")
            return
        }
        try removeWorkspace(of: task, keptAt: nil, landedFrom: head)
        try store.write { tx in
            var current = try requireTask(task.id, in: tx)
            current.worktree = nil
            try tx.updateTask(current)
        }
    }

    /// A task's recorded folder that git no longer knows as a worktree: removed when it holds
    /// nothing uncommitted (or is no longer a work tree at all: what a killed removal left).
    private func removeLeftoverFolder(of task: TaskRecord) throws {
        if let folder = task.worktree, FileManager.default.fileExists(atPath: folder) {
            if let repo = try? Repository.open(at: folder), try !repo.status().isEmpty {
                context.err("note: kept \(folder) of \(task.id): it has uncommitted changes and is no longer a registered worktree")
                return
            }
            try FileManager.default.removeItem(atPath: folder)
        }
        try store.write { tx in
            var current = try requireTask(task.id, in: tx)
            current.worktree = nil
            try tx.updateTask(current)
        }
    }

    /// A merge killed after recording a landing but before cleaning up leaves the task `merged`
    /// with its worktree and branch, and perhaps a trash entry half moved: finish what the
    /// uninterrupted run would have done — only where the branch still points at what landed
    /// (its original head or the landed tip), so that nothing else can be lost (the worktree
    /// goes to the trash, whose emptier keeps any uncommitted work).
    func finishInterruptedCleanups() throws {
        for name in try trash.finishMoves() {
            trashedThisRun.append(name)
            context.err("merge: finished setting \(name) aside in the trash, left half done by an interrupted merge")
        }
        guard !config.merge.keepWorktrees else { return }
        let merged = try store.read { try $0.tasks(in: [.merged]) }
        guard !merged.isEmpty else { return }
        let branches = try mainRepository.referenceTargets(under: "refs/heads/" + config.branchPrefix)
        for task in merged {
            let head = branches["refs/heads/\(task.branch)"]
            guard task.worktree != nil || head != nil,
                let landing = try store.read({ try $0.landings(ofTask: task.id) }).last(where: { $0.kind == "landed" }),
                let landed = ObjectID(hex: landing.newTip)
            else { continue }
            let sources = (landing.commits.arrayValue ?? []).compactMap(CommitMapping.init(json:)).compactMap { ObjectID(hex: $0.source) }
            guard head == nil || head == landed || head == sources.last else { continue }
            // A branch kept because it is checked out elsewhere stays, without a note at every merge.
            if try branchCheckedOutElsewhere(task) { continue }
            do {
                try cleanUpLanded(task, landed: landed, branchAt: head ?? landed)
            } catch {
                // Never a reason to stop merging: `gc` and `doctor` see what is left.
                context.err("note: could not finish cleaning up after \(task.id) (\(error)); run `git orchestrate gc`")
            }
        }
    }

    /// Whether the task's branch is checked out in a work tree other than its own: the main
    /// checkout, or a linked one. Read from the HEAD files (no repository opened per worktree:
    /// this runs for every landing).
    func branchCheckedOutElsewhere(_ task: TaskRecord) throws -> Bool {
        let ref = "ref: refs/heads/\(task.branch)"
        let common = trimSlash(mainRepository.commonDir)
        func head(_ path: String) -> String? {
            (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if head(common + "/HEAD") == ref { return true }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: common + "/worktrees")) ?? []
        return names.contains { name in
            // A worktree whose folder is gone is not a checkout (git would prune it).
            guard name != task.id.rawValue, head(common + "/worktrees/\(name)/HEAD") == ref,
                let link = head(common + "/worktrees/\(name)/gitdir")
            else { return false }
            return FileManager.default.fileExists(atPath: link)
        }
    }

    /// Finishes a reset a killed merge left half done (see `Repository.isBetween`). Its
    /// `index.lock` may be left too: in a worktree in exactly that state the lock is the killed
    /// reset's own, so it is removed (and named) before trying again.
    func finishHalfReset(_ worktree: Repository, to commit: ObjectID) throws {
        do {
            try worktree.hardReset(to: commit)
        } catch let error as GitError where error.code == .locked {
            let lock = worktree.gitDir + "/index.lock"
            guard FileManager.default.fileExists(atPath: lock) else { throw error }
            try FileManager.default.removeItem(atPath: lock)
            context.err("note: removed \(lock), left by the interrupted reset")
            try worktree.hardReset(to: commit)
        }
    }
}
