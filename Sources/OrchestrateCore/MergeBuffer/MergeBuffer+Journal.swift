import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// What reconciling the merge journal with the refs did.
public struct JournalReconciliation: Sendable, Equatable {
    /// Landings whose ref moved but whose records were missing: now recorded.
    public var completed: [TaskID] = []
    /// Intents whose ref never moved: dropped.
    public var abandoned: [TaskID] = []
}

extension Orchestrator {
    /// Settles journal rows left `pending` by a merge that was killed: when the target holds
    /// the journalled tip the landing happened and is recorded now; otherwise it never did.
    @discardableResult
    public func reconcileMergeJournal() throws -> JournalReconciliation {
        var result = JournalReconciliation()
        let pending = try store.read { try $0.pendingMergeJournal() }
        for entry in pending {
            guard let newTip = ObjectID(hex: entry.newTip), let oldTip = ObjectID(hex: entry.oldTip) else { continue }
            let current = try mainRepository.referenceTarget(entry.target)
            let landed = try current.map { try mainRepository.contains($0, ancestor: newTip) } ?? false
            if landed {
                // The killed merge may not have brought the user's checkout along: owed, and
                // caught up below in the order of the landings.
                let reason: ClearanceReason = entry.payload.objectValue?["kind"]?.stringValue == "revert" ? .reverted : .landed
                try recordTargetMove(
                    reason, task: entry.task, oldTip: oldTip, newTip: newTip, journal: entry.id, payload: entry.payload,
                    checkoutsOwed: true)
                result.completed.append(entry.task)
                // A batch killed between moving the task's branch and resetting its worktree:
                // the reset is finished (nothing of the user's is in that state to lose).
                if let task = try store.read({ try $0.task(entry.task) }), let worktree = task.worktree,
                    let repo = try? Repository.open(at: worktree)
                {
                    _ = try? uncommittedChanges(in: repo, branch: task.branch)
                }
                context.err("merge: recorded the landing of \(entry.task) (\(oldTip.short()) → \(newTip.short())) left unrecorded by an interrupted merge")
            } else {
                try store.write { try $0.setMergeJournalState(entry.id, "abandoned") }
                result.abandoned.append(entry.task)
            }
        }
        try catchUpOwedCheckouts()
        // What the journal cannot tell: a checkout left half way by a kill during its catch-up
        // (files written, index not), or by git's index.lock at the time.
        for line in try bringStaleCheckoutsForward(staleCheckouts()) { context.err("merge: \(line)") }
        try removeKilledMergesBranchLocks()
        try finishInterruptedCleanups()
        return result
    }

    /// git's lock files on the branches of landed tasks: after its landing only the merge
    /// buffer writes such a branch (moving it onto what landed, deleting it), and always under
    /// the merge lock, which this run holds — so a lock there is a killed merge's own (libgit2
    /// takes it, writes or deletes the ref, then removes it). Left alone it would block that
    /// branch's cleanup for good.
    func removeKilledMergesBranchLocks() throws {
        let folder = paths.commonDir + "/refs/heads/" + config.branchPrefix
        guard let entries = FileManager.default.enumerator(atPath: folder) else { return }
        let locks = entries.compactMap { $0 as? String }.filter { $0.hasSuffix(".lock") }
        guard !locks.isEmpty else { return }
        let merged = Set(try store.read { try $0.tasks(in: [.merged]) }.map(\.branch))
        for lock in locks where merged.contains(config.branchPrefix + String(lock.dropLast(5))) {
            try FileManager.default.removeItem(atPath: folder + lock)
            context.err("merge: removed \(folder + lock), left by an interrupted merge on the branch of a landed task")
        }
    }

    /// Records a landing in one transaction: journal row done, task merged, landing row,
    /// cleared commits (reason `landed`), the `landed` audit event and, with `checkoutsOwed`,
    /// the note that the checkouts of the target still owe this move.
    func finishLanding(
        task id: TaskID, oldTip: ObjectID, newTip: ObjectID, journal: Int64?, payload: JSONValue, checkoutsOwed: Bool = false
    ) throws {
        try recordTargetMove(
            .landed, task: id, oldTip: oldTip, newTip: newTip, journal: journal, payload: payload, checkoutsOwed: checkoutsOwed)
    }

    /// Records a revert in one transaction: journal done, task `reverted`, a `reverted` landing
    /// row, the revert commits cleared (reason `reverted`) and the `reverted` audit event.
    func finishRevert(task id: TaskID, oldTip: ObjectID, newTip: ObjectID, journal: Int64?, payload: JSONValue) throws {
        try recordTargetMove(.reverted, task: id, oldTip: oldTip, newTip: newTip, journal: journal, payload: payload)
    }

    /// The one place a move of the target is recorded, for landings and reverts alike.
    private func recordTargetMove(
        _ reason: ClearanceReason, task id: TaskID, oldTip: ObjectID, newTip: ObjectID, journal: Int64?,
        payload: JSONValue, checkoutsOwed: Bool = false
    ) throws {
        let landed = reason == .landed
        let commits = (payload.objectValue?["commits"]?.arrayValue ?? []).compactMap(CommitMapping.init(json:))
        var detail = payload.objectValue ?? [:]
        detail["target"] = .string(config.target)
        detail["oldTip"] = .string(oldTip.hex)
        detail["newTip"] = .string(newTip.hex)
        try store.write { tx in
            if let journal {
                try tx.setMergeJournalState(journal, "done")
                if checkoutsOwed { try tx.insertCheckoutUpdate(journal: journal) }
            }
            var task = try requireTask(id, in: tx)
            task.state = landed ? .merged : .reverted
            if landed { task.head = newTip.hex }
            let event = try tx.appendAudit(NewAuditEvent(
                kind: landed ? .landed : .reverted, task: id, oid: newTip.hex, actor: actor, detail: detail))
            try tx.insertLanding(
                task: id, kind: landed ? "landed" : "reverted", target: config.target, oldTip: oldTip.hex,
                newTip: newTip.hex, commits: .array(commits.map(\.json)))
            try tx.insertClearedCommits(
                commits.map { ClearedCommit(oid: $0.landed, task: id, reason: reason, sourceOid: $0.source) },
                auditSeq: event.seq)
            try tx.updateTask(task)
            try recordLandingInLedger(
                landed ? "landed" : "reverted", task: id, oldTip: oldTip, newTip: newTip, commits: commits, audit: event, in: tx)
        }
        syncAfterChange()
    }

    func recordConflict(_ id: TaskID, paths: [String], commit: ObjectID, tip: ObjectID) throws {
        try store.write { tx in
            var task = try requireTask(id, in: tx)
            guard task.state == .approved else { return }
            task.state = .conflicted
            task.feedback = "conflicts with \(config.target) at \(tip.short()) in: \(paths.joined(separator: ", "))"
            try tx.appendAudit(NewAuditEvent(
                kind: .conflicted, task: id, oid: commit.hex, actor: actor,
                detail: ["paths": .array(paths.map(JSONValue.string)), "target": .string(config.target), "tip": .string(tip.hex)]))
            try tx.updateTask(task)
        }
    }

    func recordCheckFailure(_ id: TaskID, _ check: CheckResult, commit: ObjectID) throws {
        try store.write { tx in
            var task = try requireTask(id, in: tx)
            task.state = .failed
            task.feedback = "check \(check.name) failed (exit status \(check.exitStatus)):\n\(check.outputTail)"
            try tx.appendAudit(NewAuditEvent(
                kind: .checkFailed, task: id, oid: commit.hex, actor: actor,
                detail: [
                    "check": .string(check.name), "exitStatus": .int(Int64(check.exitStatus)),
                    "timedOut": .bool(check.timedOut), "outputTail": .string(check.outputTail),
                ]))
            try tx.updateTask(task)
        }
    }

    /// Voids the task's approval (back to `submitted`); with `resubmitted`, the merge buffer
    /// moved the branch to `head` for review, which is then what stands submitted.
    func voidApproval(_ id: TaskID, reason: String, head: ObjectID, resubmitted: Bool = false) throws {
        try store.write { tx in
            var task = try requireTask(id, in: tx)
            guard task.state == .approved else { return }
            task.state = .submitted
            if resubmitted { task.submittedHead = head.hex }
            try tx.appendAudit(NewAuditEvent(kind: .approvalVoided, task: id, oid: head.hex, actor: actor, detail: ["reason": .string(reason)]))
            try tx.updateTask(task)
        }
    }
}
