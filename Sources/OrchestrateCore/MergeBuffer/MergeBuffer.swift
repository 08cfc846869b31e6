import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// The merge buffer's refs: the only code that moves the target branch or a task's branch.
///
/// Its promises are checked here, at the moment of each move, never inferred from bookkeeping
/// elsewhere (a recorded base, a journal row):
/// - the target moves only with a compare-and-swap from the tip the caller read, and only to
///   a descendant of that tip (`git_graph_descendant_of`): whatever bug or crash a caller comes
///   from, no landed commit can leave the target;
/// - a task branch moves only from the commit the caller read (compare-and-swap) to a commit
///   the merge buffer wrote on top of the target (a descendant of the tip it replayed onto).
/// A violation stops with an error naming the task and both commits.
struct MergeBuffer {
    /// The repository that owns the refs (the main work tree's).
    let repository: Repository
    let store: Store
    /// The target branch (short name).
    let target: String
    /// Crash testing: stops at a named point (see `Orchestrator.faultInjectionPause`).
    let pause: (String) -> Void

    var targetRef: String { "refs/heads/\(target)" }

    /// Journals the intent, then moves the target from `oldTip` to `newTip` (compare-and-swap).
    /// Returns the journal row to settle with the landing's records, or nil when someone else
    /// moved the target first (the intent is dropped; re-plan). Throws when `newTip` does not
    /// contain `oldTip`, and names git's lock file when one is in the way.
    func moveTarget(for id: TaskID, from oldTip: ObjectID, to newTip: ObjectID, payload: JSONValue) throws -> Int64? {
        try requireDescendant(newTip, of: oldTip, task: id)
        let journalID = try store.write { tx in
            try tx.insertMergeJournal(task: id, target: targetRef, oldTip: oldTip.hex, newTip: newTip.hex, payload: payload)
        }
        pause("after-journal")
        do {
            try repository.setReference(
                targetRef, to: newTip, expecting: oldTip,
                message: "orchestrate: \(payload.objectValue?["kind"]?.stringValue ?? "land") \(id)")
        } catch let error as GitError where error.code == .modified || error.code == .locked {
            try store.write { try $0.setMergeJournalState(journalID, "abandoned") }
            if error.code == .locked { throw refLocked(targetRef, task: id) }
            return nil
        }
        pause("after-target-move")
        return journalID
    }

    /// A batch's landings in one move: journals every task's stretch of the chain (`steps`, in
    /// order, each from the previous step's tip) in one transaction, then moves the target from
    /// the first step's old tip to the last step's new tip (compare-and-swap). A kill anywhere
    /// leaves rows that `reconcileMergeJournal` settles one by one: the target holds all their
    /// tips or none. `after-journal` is reached once per landing, after the single write.
    /// Returns the journal rows, or nil when someone else moved the target first.
    func moveTarget(batch steps: [(task: TaskID, oldTip: ObjectID, newTip: ObjectID, payload: JSONValue)]) throws -> [Int64]? {
        guard let first = steps.first, let last = steps.last else { return [] }
        try requireDescendant(last.newTip, of: first.oldTip, task: last.task)
        let rows = try store.write { tx in
            try steps.map { try tx.insertMergeJournal(task: $0.task, target: targetRef, oldTip: $0.oldTip.hex, newTip: $0.newTip.hex, payload: $0.payload) }
        }
        for _ in steps { pause("after-journal") }
        do {
            try repository.setReference(
                targetRef, to: last.newTip, expecting: first.oldTip,
                message: "orchestrate: land \(steps.map(\.task.rawValue).joined(separator: " "))")
        } catch let error as GitError where error.code == .modified || error.code == .locked {
            try store.write { tx in for row in rows { try tx.setMergeJournalState(row, "abandoned") } }
            if error.code == .locked { throw refLocked(targetRef, task: last.task) }
            return nil
        }
        return rows
    }

    /// Moves the target forward again to a recorded landing it lost (`doctor --repair`): only
    /// to a descendant of the current tip, compare-and-swap, no journal (the landing is recorded).
    func restoreTarget(from tip: ObjectID, to landed: ObjectID, task id: TaskID) throws {
        try requireDescendant(landed, of: tip, task: id)
        do {
            try repository.setReference(targetRef, to: landed, expecting: tip, message: "orchestrate: doctor restored the landing of \(id)")
        } catch let error as GitError where error.code == .locked {
            throw refLocked(targetRef, task: id)
        }
    }

    /// Moves a task's branch from `recorded` (the commit the caller read and recorded) to
    /// `written` (a commit the merge buffer wrote on top of `tip`), compare-and-swap.
    func moveTaskBranch(_ branch: String, of id: TaskID, from recorded: ObjectID, to written: ObjectID, onto tip: ObjectID, message: String) throws {
        let ref = "refs/heads/\(branch)"
        guard try repository.contains(written, ancestor: tip) else {
            throw OrchestrateError.failed(
                "refusing to move the branch \(branch) of \(id) from \(recorded.short()) to \(written.short()): that commit is not built on \(target) at \(tip.short()); this is a bug in git-orchestrate, nothing was moved — run `git orchestrate doctor`")
        }
        do {
            try repository.setReference(ref, to: written, expecting: recorded, message: message)
        } catch let error as GitError where error.code == .modified {
            let now = (try? repository.referenceTarget(ref))??.short() ?? "nowhere"
            throw OrchestrateError.failed(
                "the branch \(branch) of \(id) moved to \(now) while the merge read it at \(recorded.short()); nothing was moved — run `git orchestrate merge` again")
        } catch let error as GitError where error.code == .locked {
            throw refLocked(ref, task: id)
        }
    }

    /// The target only ever moves forward: `newTip` must be `oldTip` or contain it.
    func requireDescendant(_ newTip: ObjectID, of oldTip: ObjectID, task id: TaskID) throws {
        guard newTip != oldTip else { return }
        // A landing is a line of commits on the tip: follow it (each commit read once) before
        // asking libgit2's graph walk, which reloads the commit-graph after every write.
        if try repository.linearCommits(from: newTip, to: [oldTip], limit: 10_000) != nil { return }
        guard try !repository.contains(newTip, ancestor: oldTip) else { return }
        throw OrchestrateError.failed(
            "refusing to move \(target) for \(id) from \(oldTip.hex) to \(newTip.hex): the new commit does not contain the current tip, so landed work would leave \(target); nothing was moved — this is a bug in git-orchestrate, run `git orchestrate doctor` and report it")
    }

    /// git's lock file for `ref` is held: name it, and say when it is safe to remove.
    private func refLocked(_ ref: String, task id: TaskID) -> OrchestrateError {
        let lock = repository.commonDir + "/" + ref + ".lock"
        return OrchestrateError.failed(
            "\(id) was not landed: git's lock file \(lock) exists, so \(ref) cannot be updated; if no git command is running, a killed one left it behind — remove it (`rm \(lock)`) and run `git orchestrate merge` again")
    }
}

extension Orchestrator {
    /// The merge buffer's ref mover for this repository.
    var mergeBuffer: MergeBuffer {
        MergeBuffer(
            repository: mainRepository, store: store, target: config.target,
            pause: { [unowned self] point in self.faultInjectionPause(point) })
    }
}
