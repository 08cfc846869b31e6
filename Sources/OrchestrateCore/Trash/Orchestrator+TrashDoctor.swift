import Foundation

extension Orchestrator {
    /// Doctor's look at the trash: entries waiting to be emptied (what each was), with the
    /// emptier running or not. With `repair` (and no merge running), empties it as `gc` does:
    /// moves a kill interrupted are finished, uncommitted work is kept before anything goes.
    func doctorTrash(repair: Bool) throws -> [DoctorFinding] {
        let trash = self.trash
        let entries = trash.entryNames()
        let leftovers = trash.deletingNames()
        guard !entries.isEmpty || !leftovers.isEmpty else { return [] }
        let what = entries.map { name in
            let entry = trash.entry(name)
            return "\(name): \(entry.map { "the worktree \($0.worktree) of \($0.task)" } ?? "no record")\(trash.isMoved(name) ? "" : ", half set aside")"
        } + leftovers.map { "\($0): half deleted, nothing in it to keep" }
        let holds = "the trash \(trash.directory) holds \(entries.count + leftovers.count) landed worktree(s) (\(what.joined(separator: "; ")))"
        if TrashLock.isHeld(path: paths.locksDir + "/trash.lock") {
            return [DoctorFinding(severity: .warning, message: "\(holds); an emptier is running")]
        }
        guard repair else {
            return [DoctorFinding(
                severity: .problem,
                message: "\(holds), left by an interrupted merge or emptier; run `git orchestrate doctor --repair` or `git orchestrate gc` to empty it, keeping any uncommitted work")]
        }
        let lock: MergeLock
        do {
            lock = try MergeLock.acquire(directory: paths.locksDir, wait: 0)
        } catch let error as OrchestrateError {
            return [DoctorFinding(severity: .warning, message: "\(holds); not emptied, a merge is in progress: \(error.message)")]
        }
        defer { withExtendedLifetime(lock) {} }
        var lines: [String] = []
        try finishInterruptedCleanups()
        trashedThisRun = []
        let outcomes = try emptyTrash(finishingMoves: true) { lines.append($0) }
        let kept = outcomes.filter { !$0.deleted }
        var message = "emptied the trash \(trash.directory): \(lines.joined(separator: "; "))"
        if !kept.isEmpty { message += "; left \(kept.map(\.entry).joined(separator: ", ")) (see above)" }
        return [DoctorFinding(severity: .problem, message: message, repaired: kept.isEmpty)]
    }
}
