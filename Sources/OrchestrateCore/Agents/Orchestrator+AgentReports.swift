import Foundation
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// Records a free-text progress message from the agent working on a task, as a `progress`
    /// event with `detail.message`; refreshes the heartbeat of its supervised run, if any. Only
    /// a started task takes progress reports (exit 2 otherwise).
    @discardableResult
    public func reportProgress(_ idText: String, message: String) throws -> AuditEvent {
        let id = try parseID(idText)
        try TextInput.refuseNUL(message, "the progress report of \(id)")
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw OrchestrateError.badInput("a progress report needs a non-empty message for task \(id)")
        }
        return try store.write { tx in
            let task = try requireTask(id, in: tx)
            guard task.state == .running else {
                throw OrchestrateError.badInput(
                    "task \(id) is \(task.state.rawValue); progress is reported only while it is running (`git orchestrate start \(id)` or `next`)")
            }
            // Like `heartbeat --progress`, but also from an agent nobody supervises.
            var detail: [String: JSONValue] = ["source": .string("mcp"), "message": .string(text)]
            if let run = try tx.heartbeatOpenRun(of: id) { detail["attempt"] = .int(Int64(run.attempt)) }
            return try tx.appendAudit(NewAuditEvent(kind: .progress, task: id, oid: task.head, actor: actor, detail: detail))
        }
    }

    /// The prompt an agent working on the task gets: title, description, reviewer feedback and
    /// how earlier attempts ended (the text `run` writes to the prompt file).
    public func promptText(_ idText: String) throws -> String {
        let id = try parseID(idText)
        let (task, runs) = try store.read { tx in (try requireTask(id, in: tx), try tx.runs(of: id)) }
        return prompt(for: task, previous: runs)
    }
}

extension Orchestrator {
    /// The task whose worktree this process runs in (an agent's tools started in its worktree
    /// by a client that passes no environment through), or nil in the main checkout.
    public func taskOfCurrentWorktree() throws -> TaskID? {
        guard repository.isLinkedWorktree, let workdir = repository.workdir else { return nil }
        let here = URL(fileURLWithPath: workdir).standardizedFileURL.path
        return try store.read { tx in
            try tx.tasks(in: TaskState.allCases.filter(\.isInFlight)).first { task in
                task.worktree.map { URL(fileURLWithPath: $0).standardizedFileURL.path == here } == true
            }?.id
        }
    }
}
