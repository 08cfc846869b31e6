import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// The one way the target moves (landings and reverts): `MergeBuffer.moveTarget` (journal,
    /// ancestry check, compare-and-swap from `oldTip` to `newTip`), then bring the checkouts of the target along (`paths`
    /// only, SAFE) — unless `checkoutsLater`, when the caller owes them the move (see
    /// `catchUpCheckouts`). Returns the journal row to settle with the records, or nil when
    /// someone else moved the target first (the intent is dropped; re-plan and try again).
    func moveTarget(
        for id: TaskID, from oldTip: ObjectID, to newTip: ObjectID, payload: JSONValue, paths: [String],
        checkouts: [TargetCheckout], checkoutsLater: Bool = false
    ) throws -> Int64? {
        guard let journalID = try mergeBuffer.moveTarget(for: id, from: oldTip, to: newTip, payload: payload) else { return nil }
        if !checkoutsLater { bringAlong(checkouts, from: oldTip, to: newTip, paths: paths) }
        return journalID
    }

    /// The paths that differ between two commits (both sides of a rename).
    func pathsChanged(from old: ObjectID, to new: ObjectID) throws -> [String] {
        try mainRepository.changedPaths(from: old, to: new)
    }

    /// Crash testing: with `ORCHESTRATE_TEST_PAUSE=<point>` the merge stops the first time it
    /// reaches that point (`<point>#<n>`: the n-th time) for a minute, so that a test can
    /// `kill -9` it exactly there (the points are listed in docs/merge-buffer.md: one before
    /// every interruptible write). Inert unless the variable names the point.
    func faultInjectionPause(_ point: String) {
        guard let wanted = context.environment["ORCHESTRATE_TEST_PAUSE"] else { return }
        let parts = wanted.split(separator: "#", maxSplits: 1)
        guard parts.first.map(String.init) == point else { return }
        faultInjectionHits[point, default: 0] += 1
        guard faultInjectionHits[point] == (parts.count == 2 ? Int(parts[1]) ?? 1 : 1) else { return }
        context.err("merge: paused at \(point) (pid \(getpid()))")
        sleep(60)
    }
}
