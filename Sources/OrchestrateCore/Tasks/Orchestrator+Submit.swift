import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// Marks a task ready for review at its branch's current head. Refused with no commits
    /// ahead of the base, or with uncommitted changes in the worktree (naming the files).
    public func submitTask(_ idText: String) throws -> TaskRecord {
        let id = try parseID(idText)
        let task = try store.read { try requireTask(id, in: $0) }
        let allowed: [TaskState] = [.running, .submitted, .conflicted, .failed, .approved]
        guard allowed.contains(task.state) else {
            throw OrchestrateError.badInput(
                "task \(id) is \(task.state.rawValue); only a started task can be submitted (run `git orchestrate start \(id)` first)")
        }
        guard let head = try mainRepository.referenceTarget("refs/heads/\(task.branch)"),
            let base = task.base.flatMap(ObjectID.init(hex:))
        else {
            throw OrchestrateError.badInput("task \(id) has no branch \(task.branch); run `git orchestrate doctor`")
        }
        if let worktree = task.worktree, FileManager.default.fileExists(atPath: worktree) {
            let dirty = try Repository.open(at: worktree).status()
            if !dirty.isEmpty {
                let names = dirty.prefix(10).map(\.path).joined(separator: ", ")
                throw OrchestrateError.badInput(
                    "task \(id) has uncommitted changes in \(worktree) (\(names)\(dirty.count > 10 ? ", …" : "")); commit or discard them, then submit again")
            }
        }
        if try head == base || mainRepository.commits(from: [head], hiding: [base]).isEmpty {
            throw OrchestrateError.badInput(
                "task \(id) has no commits ahead of its base \(base.short()); commit the work in \(task.worktree ?? task.branch) first")
        }
        try observeHead(of: id, newHead: head, source: "submit")
        return try store.write { tx in
            var current = try requireTask(id, in: tx)
            if current.state == .approved && current.head == head.hex {
                return current  // already approved at this very head: nothing to do
            }
            current.state = .submitted
            current.submittedHead = head.hex
            current.head = head.hex
            try tx.appendAudit(NewAuditEvent(
                kind: .submitted, task: id, oid: head.hex, actor: actor, detail: ["base": .string(base.hex)]))
            return try tx.updateTask(current)
        }
    }
}
