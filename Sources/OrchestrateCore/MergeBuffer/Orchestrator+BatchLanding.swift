import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// How landing a checked batch went.
enum BatchLanding {
    /// Every task landed, in order.
    case landed([TaskID])
    /// These landed; the next one's branch had moved since it was replayed (its outcome).
    case stopped([TaskID], MergeOutcome)
    /// Someone else moved the target first: nothing landed, re-plan.
    case lostRace
}

extension Orchestrator {
    /// Lands a checked chain: one journal write and one compare-and-swap of the target to the
    /// chain's last commit, then — per task, in order, each reaching the pause points a
    /// one-by-one landing reaches — its branch moved to its replayed commits (now on the
    /// target), its landing recorded with its own tips, its worktree cleaned up.
    ///
    /// A kill at any point: before the move nothing happened (the journal rows are dropped as
    /// abandoned); after it, `reconcileMergeJournal` records every landing whose row is still
    /// pending, in order, and finishes a task worktree's reset left half done.
    func landBatch(_ checked: [ChainEntry], run: inout MergeRun) throws -> BatchLanding {
        var entries = checked
        var stop: MergeOutcome?
        // The tree that was checked is the tree that lands: each branch still holds what was replayed.
        for (i, entry) in entries.enumerated() where try mainRepository.referenceTarget("refs/heads/\(entry.task.branch)") != entry.head {
            var outcome = entry.outcome
            outcome.result = .blocked
            outcome.newTip = nil
            outcome.message = "the branch of \(entry.task.id) moved while its checks ran; approve it again"
            stop = outcome
            entries.removeSubrange(i...)
            break
        }
        let payloads = entries.map { landingPayload($0.outcome) }
        let steps = entries.indices.filter { entries[$0].newTip != entries[$0].oldTip }
            .map { (task: entries[$0].task.id, oldTip: entries[$0].oldTip, newTip: entries[$0].newTip, payload: payloads[$0]) }
        var journals: [TaskID: Int64] = [:]
        if let first = steps.first, let last = steps.last {
            guard let rows = try mergeBuffer.moveTarget(batch: steps) else { return .lostRace }
            for (step, row) in zip(steps, rows) { journals[step.task] = row }
            faultInjectionPause("after-target-move")
            // With checks a run takes minutes: the checkouts follow each batch at once.
            let checkouts = try run.checkouts()
            if !checkouts.isEmpty {
                bringAlong(checkouts, from: first.oldTip, to: last.newTip, paths: try pathsChanged(from: first.oldTip, to: last.newTip))
            }
            run.owed.shown(last.newTip)
        }
        var landed: [TaskID] = []
        for (i, entry) in entries.enumerated() {
            var task = entry.task
            var outcome = entry.outcome
            let id = task.id
            let moved = entry.newTip != entry.oldTip
            if moved && steps.first?.task != id { faultInjectionPause("after-target-move") }
            var branchAt = entry.head
            if moved && entry.newTip != entry.head {
                do {
                    if try moveTaskBranchIfClean(&task, from: entry.head, to: entry.newTip, base: entry.oldTip) { branchAt = entry.newTip }
                } catch let error as OrchestrateError {
                    // Landed all the same (the target moved): the branch is the cleanup's business.
                    context.err("note: \(error.message)")
                }
            }
            try finishLanding(task: id, oldTip: entry.oldTip, newTip: entry.newTip, journal: journals[id], payload: payloads[i])
            run.history.advance(to: entry.newTip, adding: outcome.landedCommits)
            if !outcome.fastForward {
                run.history.landedRewritten(
                    base: entry.task.base.flatMap(ObjectID.init(hex:)), sources: outcome.commits.compactMap { ObjectID(hex: $0.source) })
            }
            try cleanUpLanded(task, landed: entry.newTip, branchAt: branchAt)
            let count = outcome.commits.count
            outcome.sourceHead = nil
            outcome.message = moved
                ? "landed \(id) on \(config.target): \(entry.oldTip.short()) → \(entry.newTip.short()), \(count) commit\(count == 1 ? "" : "s")\(outcome.fastForward ? " (fast-forward)" : "") in a batch of \(checked.count)"
                : "\(id) landed no commits: its change is already on \(config.target)"
            run.landed.insert(id)
            run.outcomes.append(outcome)
            landed.append(id)
        }
        if let stop { return .stopped(landed, stop) }
        return .landed(landed)
    }
}
