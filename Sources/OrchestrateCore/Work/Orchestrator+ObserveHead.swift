import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// Records that the task's branch now points at `newHead` (seen by a hook, a status scan,
    /// or a command). When it moved: a `progress` event with the commits and files, and if the
    /// task was approved, the approval no longer holds — the task goes back to `submitted` and
    /// an `approvalVoided` event says why. Returns the updated task. Idempotent.
    @discardableResult
    public func observeHead(of id: TaskID, newHead: ObjectID, source: String) throws -> TaskRecord {
        let task = try store.read { try requireTask(id, in: $0) }
        guard task.head != newHead.hex else { return task }
        // Facts about the move are gathered before the write transaction: git work stays
        // outside the database lock.
        var detail: [String: JSONValue] = ["source": .string(source), "from": .optional(task.head)]
        if let old = task.head.flatMap(ObjectID.init(hex:)), (try? mainRepository.contains(newHead, ancestor: old)) == true {
            let commits = try mainRepository.commits(from: [newHead], hiding: [old])
            detail["commits"] = .array(commits.map { .string($0.hex) })
            let files = try mainRepository.changedFiles(from: old, to: newHead)
            detail["files"] = .array(files.map { .string($0.path) })
            detail["insertions"] = .int(Int64(files.reduce(0) { $0 + $1.insertions }))
            detail["deletions"] = .int(Int64(files.reduce(0) { $0 + $1.deletions }))
        } else {
            detail["rewritten"] = .bool(true)
        }
        return try store.write { tx in
            var current = try requireTask(id, in: tx)
            guard current.head != newHead.hex else { return current }
            let oldHead = current.head
            current.head = newHead.hex
            // Back on exactly the commit that was approved (a merge killed between recording
            // the rebased head and moving the branch leaves this): the approval holds, and so
            // does the base it was reviewed against.
            let approvedHere = current.state == .approved
                ? try tx.approvals(ofTask: id).last(where: { $0.oid == newHead.hex }) : nil
            if let approvedHere {
                current.base = approvedHere.base
                detail["approved"] = .bool(true)
            }
            try tx.appendAudit(NewAuditEvent(kind: .progress, task: id, oid: newHead.hex, actor: actor, detail: detail))
            if current.state == .approved && approvedHere == nil {
                current.state = .submitted
                try tx.appendAudit(NewAuditEvent(
                    kind: .approvalVoided, task: id, oid: newHead.hex, actor: actor,
                    detail: [
                        "reason": .string("head moved from \(oldHead ?? "nothing") to \(newHead.hex) after approval"),
                        "from": .optional(oldHead), "to": .string(newHead.hex), "source": .string(source),
                    ]))
            }
            return try tx.updateTask(current)
        }
    }

    /// Compares every in-flight task's branch with its recorded head and records what moved
    /// (commits made by tools that run no hooks, such as libgit2, are noticed this way).
    public func scanTaskHeads() throws {
        let tasks = try store.read { try $0.taskHeads(in: TaskState.allCases.filter(\.isInFlight)) }
        guard !tasks.isEmpty else { return }
        // All branches in one pass over the refs, not one look-up per task.
        let tips = try mainRepository.referenceTargets(under: "refs/heads/")
        for task in tasks {
            guard let head = tips["refs/heads/\(task.branch)"], head.hex != task.head else { continue }
            try observeHead(of: task.id, newHead: head, source: "scan")
        }
    }
}
