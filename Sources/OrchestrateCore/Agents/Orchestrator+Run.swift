import Foundation
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// Runs the agent (`agent.command`, or `command`) on one task in the foreground and
    /// supervises it to the end: starts the task first when it is queued, reuses its worktree
    /// when it is running (or failed). Refused while another supervisor runs it.
    public func runTask(_ idText: String, command override: [String]?, observer: SupervisorObserver) throws -> RunResult {
        let id = try parseID(idText)
        try reapDisconnectedRuns()
        let task = try store.read { try requireTask(id, in: $0) }
        let command = try resolveProgram(agentCommand(override: override, task: id), worktree: task.worktree ?? worktreePath(for: id))
        if let open = try store.read({ try $0.openRun(of: id) }) { throw alreadyRunning(open) }
        // Catch Ctrl-C from here on: an interrupted set-up still ends in a recorded run.
        let supervisor = AgentSupervisor(self, observer: observer)
        defer { supervisor.close() }
        switch task.state {
        case .queued:
            if let worktree = task.worktree, FileManager.default.fileExists(atPath: worktree) {
                try resumeQueuedTask(id)  // queued again with its worktree kept (by a rejection)
            } else {
                _ = try startTask(idText)
            }
        case .running, .failed:
            guard let worktree = task.worktree, FileManager.default.fileExists(atPath: worktree) else {
                throw OrchestrateError.failed(
                    "the worktree of \(id) is missing (\(task.worktree ?? "none recorded")); run `git orchestrate doctor`")
            }
        default:
            throw OrchestrateError.badInput(
                "task \(id) is \(task.state.rawValue); only a queued, running or failed task can be run (see `git orchestrate show \(id)`)")
        }
        guard try supervisor.launch(id, command: command, allowFailed: true) != nil else {
            if let open = try store.read({ try $0.openRun(of: id) }) { throw alreadyRunning(open) }
            throw OrchestrateError.failed("task \(id) could not be run; see `git orchestrate show \(id)`")
        }
        guard let result = supervisor.waitForAll().first else {
            throw OrchestrateError.failed(
                "the run of \(id) ended without a recorded outcome; see `git orchestrate show \(id)` and `git orchestrate doctor`")
        }
        return result
    }

    /// A queued task that still has its worktree goes straight to running.
    func resumeQueuedTask(_ id: TaskID) throws {
        try store.write { tx in
            var task = try requireTask(id, in: tx)
            guard task.state == .queued else {
                throw OrchestrateError.failed("task \(id) was just taken by another process (now \(task.state.rawValue))")
            }
            task.state = .running
            try tx.updateTask(task)
        }
    }

    func alreadyRunning(_ run: RunRecord) -> OrchestrateError {
        let age = Int(context.now().timeIntervalSince(run.heartbeatAt).rounded())
        return OrchestrateError.failed(
            "task \(run.task) is already being run (attempt \(run.attempt), supervisor pid \(run.supervisorPid.map(String.init) ?? "?"), last heartbeat \(age)s ago); wait for it to end or stop that supervisor")
    }
}
