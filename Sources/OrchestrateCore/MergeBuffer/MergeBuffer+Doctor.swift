import Foundation
import OrchestrateGit
import OrchestrateModel

extension Orchestrator {
    /// Doctor's look at the merge buffer: intents left pending by a killed merge, landings the
    /// checkouts never caught up with, a target that lost a recorded landing, checkouts showing
    /// landed files as staged reversals, task worktrees left half reset. With `repair`, puts
    /// right what is safe (only when no merge is running) and says what it left.
    func doctorMergeJournal(repair: Bool) throws -> [DoctorFinding] {
        // A look first, without the merge lock (taking it writes the lock file, which doctor's
        // own lock check reads): nothing found, nothing to lock.
        guard try !mergeBufferFindings(repair: false).isEmpty else { return [] }
        let lock: MergeLock
        do {
            lock = try MergeLock.acquire(directory: paths.locksDir, wait: 0)
        } catch let error as OrchestrateError {
            return [DoctorFinding(severity: .warning, message: "a merge is in progress, its state not checked: \(error.message)")]
        }
        defer { withExtendedLifetime(lock) {} }
        // Again under the lock: what a running merge was in the middle of is settled now.
        return try mergeBufferFindings(repair: repair)
    }

    private func mergeBufferFindings(repair: Bool) throws -> [DoctorFinding] {
        var findings = try doctorJournal(repair: repair)
        findings += try doctorLostLandings(repair: repair)
        findings += try doctorStaleCheckouts(repair: repair)
        findings += try doctorHalfResetWorktrees(repair: repair)
        return findings
    }

    private func doctorJournal(repair: Bool) throws -> [DoctorFinding] {
        let (pending, owed) = try store.read { tx in (try tx.pendingMergeJournal(), try tx.pendingCheckoutUpdates()) }
        guard !pending.isEmpty || !owed.isEmpty else { return [] }
        let names = pending.map(\.task.rawValue).joined(separator: ", ")
        guard repair else {
            var left: [String] = []
            if !pending.isEmpty { left.append("\(pending.count) landing(s) unsettled (\(names))") }
            if !owed.isEmpty { left.append("the checkouts of \(config.target) behind it by \(owed.count) landing(s)") }
            return [DoctorFinding(
                severity: .problem,
                message: "an interrupted merge left \(left.joined(separator: " and ")); run `git orchestrate doctor --repair` or `git orchestrate merge`")]
        }
        let result = try reconcileMergeJournal()
        var done = ["recorded \(result.completed.count) landing(s) that happened, dropped \(result.abandoned.count) that did not"]
        if !pending.isEmpty { done[0] += " (\(names))" }
        if !owed.isEmpty || !result.completed.isEmpty { done.append("brought the checkouts of \(config.target) up to date") }
        return [DoctorFinding(
            severity: .problem, message: "settled an interrupted merge: \(done.joined(separator: "; "))", repaired: true)]
    }

    /// The target must contain every landing recorded on it (its newest landing contains the
    /// others). When the target only went back (reset by hand), `--repair` moves it forward
    /// to the landing again (compare-and-swap, a descendant of what it points at); when it
    /// went elsewhere, the landing is named for the user to bring back.
    private func doctorLostLandings(repair: Bool) throws -> [DoctorFinding] {
        let landings = try store.read { try $0.allLandings() }.filter { $0.target == config.target }
        guard let last = landings.last, let landed = ObjectID(hex: last.newTip), let tip = try mainRepository.referenceTarget(targetRef),
            try !mainRepository.contains(tip, ancestor: landed)
        else { return [] }
        let what = "\(config.target) (\(tip.short())) does not contain the recorded landing of \(last.task) (\(landed.hex))"
        guard try mainRepository.contains(landed, ancestor: tip) else {
            return [DoctorFinding(
                severity: .problem,
                message: "\(what), and it is not behind it either: bring the landed work back with `git merge \(landed.hex)` on \(config.target)")]
        }
        guard repair else {
            return [DoctorFinding(severity: .problem, message: "\(what): it was moved back; run `git orchestrate doctor --repair` to move it forward to \(landed.short()) again")]
        }
        try mergeBuffer.restoreTarget(from: tip, to: landed, task: last.task)
        bringAlong(try targetCheckouts(), from: tip, to: landed, paths: try pathsChanged(from: tip, to: landed))
        return [DoctorFinding(severity: .problem, message: "\(what): moved it forward to \(landed.short()) again", repaired: true)]
    }

    private func doctorStaleCheckouts(repair: Bool) throws -> [DoctorFinding] {
        let stale = try staleCheckouts()
        guard !stale.isEmpty else { return [] }
        guard repair else {
            return stale.map { checkout in
                DoctorFinding(
                    severity: .problem,
                    message: "\(checkout.path) shows landed files as staged reversals (\((checkout.behind + checkout.edited).prefix(5).joined(separator: ", "))): a commit there would undo landed work; run `git orchestrate doctor --repair` to bring it forward to \(config.target), keeping your own changes")
            }
        }
        return try bringStaleCheckoutsForward(stale).map { DoctorFinding(severity: .problem, message: $0, repaired: true) }
    }

    /// Approved tasks whose worktree a killed merge left half way through a reset: every
    /// changed file is one of the two commits the branch moved between.
    private func doctorHalfResetWorktrees(repair: Bool) throws -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for task in try store.read({ try $0.tasks() }) where [.approved, .submitted, .merged].contains(task.state) {
            guard let worktree = task.worktree, FileManager.default.fileExists(atPath: worktree),
                let repo = try? Repository.open(at: worktree)
            else { continue }
            let ref = "refs/heads/\(task.branch)"
            guard let previous = try mainRepository.previousTarget(of: ref), let current = try mainRepository.referenceTarget(ref),
                try !repo.status().isEmpty, try repo.isBetween([previous, current])
            else { continue }
            if repair {
                try finishHalfReset(repo, to: current)
                findings.append(DoctorFinding(
                    severity: .problem, message: "the worktree \(worktree) of \(task.id) was left half reset by an interrupted merge: finished resetting it to \(current.short())", repaired: true))
            } else {
                findings.append(DoctorFinding(
                    severity: .problem,
                    message: "the worktree \(worktree) of \(task.id) was left half reset by an interrupted merge (every changed file is \(previous.short()) or \(current.short())); run `git orchestrate doctor --repair` to finish the reset"))
            }
        }
        return findings
    }
}
