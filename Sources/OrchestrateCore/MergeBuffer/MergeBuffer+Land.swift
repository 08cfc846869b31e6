import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// Lands one task: replay onto the tip, move its branch, run the checks on exactly that
    /// commit, journal, compare-and-swap the target, update the checkout, record. Re-plans on a
    /// lost race, at most `merge.maxRetries` times.
    func mergeOne(_ id: TaskID, graph: DependencyGraph, run: inout MergeRun, dryRun: Bool, runChecks: Bool) throws -> MergeOutcome {
        var task = try store.read { try requireTask(id, in: $0) }
        let unmet = try store.read { tx in
            try task.dependsOn.filter { dep in
                if run.landed.contains(dep) { return false }
                return try tx.task(dep)?.state != .merged
            }
        }
        if !unmet.isEmpty {
            let names = unmet.map(\.rawValue).joined(separator: ", ")
            return MergeOutcome(task: id, result: .waiting, message: "waiting on \(names)", waitingOn: unmet)
        }
        guard task.state == .approved else {
            return MergeOutcome(task: id, result: .needsApproval, message: "\(id) is \(task.state.rawValue), not approved; approve it with `git orchestrate approve \(id)`")
        }
        let branchRef = "refs/heads/\(task.branch)"
        var attempt = 0
        while true {
            guard let head = try mainRepository.referenceTarget(branchRef) else {
                return MergeOutcome(task: id, result: .failed, message: "\(id) has no branch \(task.branch); run `git orchestrate doctor`")
            }
            guard let approval = try holdingApproval(of: task, head: head), try ledgerHolds(approval) else {
                if !dryRun { try observeHead(of: id, newHead: head, source: "merge") }
                return MergeOutcome(task: id, result: .needsApproval, message: "the approval of \(id) does not match its branch head \(head.short()); review and approve it again")
            }
            let oldTip = dryRun ? run.tip : try targetTip()
            let sources = try landedDependencySources(of: task, graph: graph)
            let replayBase = task.base.flatMap(ObjectID.init(hex:))
            let replayed = try replay(
                head: head, onto: oldTip, base: replayBase, hiding: sources,
                committer: run.committer, history: &run.history)
            var outcome = MergeOutcome(task: id, result: .landed, message: "", oldTip: oldTip.hex)
            let newHead: ObjectID
            switch replayed {
            case .empty:
                outcome.message = "\(id) landed no commits: its change is already on \(config.target)"
                newHead = oldTip
            case .mergeCommit(let commit):
                outcome.result = .failed
                outcome.message = "\(id) holds the merge commit \(commit.short()); the merge buffer lands linear work only — rebase the branch \(task.branch) to remove it (`git rebase \(config.target)` in its worktree), submit and approve it again"
                return outcome
            case .conflict(let commit, let paths):
                outcome.result = .conflicted
                outcome.conflicts = paths
                outcome.message = "\(id) conflicts with \(config.target) in \(paths.joined(separator: ", ")) (commit \(commit.short())); rebase it in its worktree, submit and approve again"
                if !dryRun { try recordConflict(id, paths: paths, commit: commit, tip: oldTip) }
                return outcome
            case .fastForward(let h, let commits):
                newHead = h
                outcome.commits = commits
                outcome.fastForward = true
            case .rewritten(let h, let commits, let samePatch):
                newHead = h
                outcome.commits = commits
                // The reviewed change, path for path, on the base it was reviewed against: its
                // patch id is the approved one without computing it.
                if samePatch && approval.base == task.base { break }
                let patch = try mainRepository.patchID(from: oldTip, to: h)
                if patch != approval.patchId {
                    return try rebaseForReview(&task, outcome: outcome, from: head, to: h, onto: oldTip, patch: patch, approved: approval.patchId, dryRun: dryRun)
                }
            }
            outcome.newTip = newHead.hex
            if dryRun {
                outcome.message = outcome.message.isEmpty ? "\(id) would land (\(outcome.fastForward ? "fast-forward" : "rebased"), \(outcome.commits.count) commit\(outcome.commits.count == 1 ? "" : "s"))" : outcome.message
                outcome.sourceHead = head.hex
                run.tip = newHead
                run.history.advance(to: newHead, adding: outcome.landedCommits)
                return outcome
            }
            // The user's checkout of the target must take the landed paths without losing work.
            let landedPaths = try newHead == oldTip ? [] : pathsChanged(from: oldTip, to: newHead)
            let checkouts = try run.checkouts()
            if let (checkout, files) = try overlappingLocalChanges(landedPaths, in: checkouts, shown: run.owed.shownTip) {
                outcome.result = .blocked
                outcome.message = "\(id) was not landed: \(checkout) has local changes to \(files.joined(separator: ", ")), which it changes; commit or stash them, then run `git orchestrate merge` again"
                return outcome
            }
            let willCheck = runChecks && !config.checks.isEmpty
            // Where the task's branch stands when the target moves. With checks the branch
            // takes the replayed commits first (one write less per task without) — unless its
            // worktree holds uncommitted work: then the branch stays, and the cleanup keeps the
            // worktree. The checks themselves run in a check slot, never in that worktree.
            var branchAt = head
            if newHead != head && willCheck {
                do {
                    if try moveTaskBranchIfClean(&task, from: head, to: newHead, base: oldTip) { branchAt = newHead }
                } catch let error as OrchestrateError {
                    outcome.result = .blocked
                    outcome.message = error.message
                    return outcome
                }
            }
            if willCheck {
                let slot = try checkSlots.prepare(1, at: newHead)
                let results = try self.runChecks(in: slot, tasks: [task], commit: newHead)
                outcome.checks = results
                if let failed = results.first(where: { !$0.passed }) {
                    outcome.result = .failed
                    outcome.message = "\(id) failed the check \(failed.name) (\(failed.timedOut ? "timed out" : "exit status \(failed.exitStatus)")); see `git orchestrate show \(id)`"
                    try recordCheckFailure(id, failed, commit: newHead)
                    return outcome
                }
                // The tree that was checked is the tree that lands.
                guard try mainRepository.referenceTarget(branchRef) == branchAt else {
                    outcome.result = .blocked
                    outcome.message = "the branch of \(id) moved while its checks ran; approve it again"
                    return outcome
                }
            }
            if newHead == oldTip {
                try finishLanding(task: id, oldTip: oldTip, newTip: newHead, journal: nil, payload: landingPayload(outcome))
                try cleanUpLanded(task, landed: newHead, branchAt: branchAt)
                return outcome
            }
            let payload = landingPayload(outcome)
            // Without checks a run lands many tasks a second, and the checkouts catch up once,
            // at its end (see OwedCheckouts). With checks a run can take minutes: the checkouts
            // follow each landing, so that a commit made in one meanwhile starts from what
            // landed (its index write is nothing next to a check).
            let owe = !checkouts.isEmpty && !willCheck
            guard let journalID = try moveTarget(
                for: id, from: oldTip, to: newHead, payload: payload, paths: landedPaths, checkouts: checkouts, checkoutsLater: owe)
            else {
                attempt += 1
                if attempt > config.merge.maxRetries {
                    outcome.result = .blocked
                    outcome.message = "\(config.target) kept moving while \(id) was landing (\(attempt) tries); run `git orchestrate merge` again"
                    return outcome
                }
                context.err("merge: \(config.target) moved while landing \(id); re-planning on the new tip")
                task = try store.read { try requireTask(id, in: $0) }
                continue
            }
            try finishLanding(task: id, oldTip: oldTip, newTip: newHead, journal: journalID, payload: payload, checkoutsOwed: owe)
            if owe {
                run.owed.owe(journalID, movedTo: newHead, paths: landedPaths)
            } else {
                run.owed.shown(newHead)
            }
            run.history.advance(to: newHead, adding: outcome.landedCommits)
            if !outcome.fastForward {
                run.history.landedRewritten(base: replayBase, sources: outcome.commits.compactMap { ObjectID(hex: $0.source) })
            }
            try cleanUpLanded(task, landed: newHead, branchAt: branchAt)
            let count = outcome.commits.count
            outcome.message = "landed \(id) on \(config.target): \(oldTip.short()) → \(newHead.short()), \(count) commit\(count == 1 ? "" : "s")\(outcome.fastForward ? " (fast-forward)" : "")"
            return outcome
        }
    }

    /// The approval that still holds for `head`: one given on that very commit, or — after the
    /// merge buffer replayed the branch — one whose patch id matches the replayed change.
    func holdingApproval(of task: TaskRecord, head: ObjectID) throws -> ApprovalRecord? {
        let approvals = try store.read { try $0.approvals(ofTask: task.id) }
        if let exact = approvals.last(where: { $0.oid == head.hex }) { return exact }
        guard task.head == head.hex, let base = task.base.flatMap(ObjectID.init(hex:)) else { return nil }
        let patch = try mainRepository.patchID(from: base, to: head)
        return approvals.last(where: { $0.patchId == patch })
    }

    /// The rebase changed the approved patch (the tip edited lines in its context, say): the
    /// reviewer must see exactly what will land. The task's branch is moved to the rebased
    /// commits (compare-and-swap; its worktree reset, which must be clean) and the approval
    /// voided on them, so approving again approves that very commit and the next merge lands
    /// it without another rebase (a fast-forward while the tip stays put) — approving can
    /// never loop. A worktree with uncommitted changes blocks instead: nothing is voided.
    private func rebaseForReview(
        _ task: inout TaskRecord, outcome: MergeOutcome, from head: ObjectID, to rebased: ObjectID, onto tip: ObjectID,
        patch: String, approved: String, dryRun: Bool
    ) throws -> MergeOutcome {
        var outcome = outcome
        outcome.result = .needsApproval
        let id = task.id
        guard !dryRun else {
            outcome.message = "rebasing \(id) onto \(config.target) changes its patch; it would need a new approval"
            return outcome
        }
        do {
            try moveTaskBranch(&task, from: head, to: rebased, base: tip)
        } catch let error as OrchestrateError {
            outcome.result = .blocked
            outcome.message = "rebasing \(id) onto \(config.target) changed its patch, and its branch could not be moved to the rebased commits for review: \(error.message)"
            return outcome
        }
        try voidApproval(id, reason: "the rebase onto \(tip.hex) changed the patch id from \(approved) to \(patch); the branch now holds the rebased commits", head: rebased, resubmitted: true)
        outcome.message = "rebasing \(id) onto \(config.target) changed its patch: its branch \(task.branch) now holds the rebased commits (\(rebased.short())); review them and approve with `git orchestrate approve \(id)`, and the next merge lands exactly that"
        return outcome
    }

    func landingPayload(_ outcome: MergeOutcome) -> JSONValue {
        [
            "commits": .array(outcome.commits.map(\.json)),
            "checks": .array(outcome.checks.map(\.json)),
            "fastForward": .bool(outcome.fastForward),
        ]
    }
}
