import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// A work tree that has the target branch checked out.
struct TargetCheckout {
    var path: String
    var repository: Repository
}

extension Orchestrator {
    /// The one way the target moves (landings and reverts): journal the intent, compare-and-swap
    /// the ref from `oldTip` to `newTip`, bring the checkouts of the target along (`paths`
    /// only, SAFE). Returns the journal row to settle with the records, or nil when someone
    /// else moved the target first (the intent is dropped; re-plan and try again).
    func moveTarget(
        for id: TaskID, from oldTip: ObjectID, to newTip: ObjectID, payload: JSONValue, paths: [String], checkouts: [TargetCheckout]
    ) throws -> Int64? {
        let journalID = try store.write { tx in
            try tx.insertMergeJournal(task: id, target: targetRef, oldTip: oldTip.hex, newTip: newTip.hex, payload: payload)
        }
        faultInjectionPause("after-journal")
        do {
            try mainRepository.setReference(targetRef, to: newTip, expecting: oldTip, message: "orchestrate: \(payload.objectValue?["kind"]?.stringValue ?? "land") \(id)")
        } catch let error as GitError where error.code == .modified || error.code == .locked {
            try store.write { try $0.setMergeJournalState(journalID, "abandoned") }
            return nil
        }
        faultInjectionPause("after-target-move")
        for checkout in checkouts {
            do {
                try checkout.repository.checkoutPaths(from: oldTip, to: newTip, paths: paths)
            } catch {
                context.err("warning: could not update \(checkout.path) to the new \(config.target) (\(error)); run `git status` there")
            }
        }
        return journalID
    }

    /// The work trees (main and linked) that have the target branch checked out, each with an
    /// open handle (kept for the whole run: opening a repository costs dozens of file look-ups).
    func targetCheckouts() throws -> [TargetCheckout] {
        var result: [TargetCheckout] = []
        if Repository.checkedOutBranch(atWorktree: paths.mainWorktree) == config.target {
            result.append(TargetCheckout(path: paths.mainWorktree, repository: try Repository.open(at: paths.mainWorktree)))
        }
        for wt in try mainRepository.worktrees() where wt.isValid && Repository.checkedOutBranch(atWorktree: wt.path) == config.target {
            result.append(TargetCheckout(path: wt.path, repository: try Repository.open(at: wt.path)))
        }
        return result
    }

    /// The paths that differ between two commits (both sides of a rename).
    func pathsChanged(from old: ObjectID, to new: ObjectID) throws -> [String] {
        try mainRepository.changedPaths(from: old, to: new)
    }

    /// Refuses (with the message) when a checkout of the target has local changes to `paths`.
    func overlappingLocalChanges(_ paths: [String], in checkouts: [TargetCheckout]) throws -> (checkout: String, files: [String])? {
        for checkout in checkouts {
            let dirty = Set(try checkout.repository.status(limitedTo: paths).map(\.path)).intersection(paths)
            if !dirty.isEmpty { return (checkout.path, dirty.sorted()) }
        }
        return nil
    }

    /// Crash testing: with `ORCHESTRATE_TEST_PAUSE=<point>` the merge stops at that point for
    /// a minute so that a test can `kill -9` it exactly there (points: `after-journal`,
    /// `after-target-move`). Inert unless the variable names the point.
    private func faultInjectionPause(_ point: String) {
        guard context.environment["ORCHESTRATE_TEST_PAUSE"] == point else { return }
        context.err("merge: paused at \(point) (pid \(getpid()))")
        sleep(60)
    }
}
