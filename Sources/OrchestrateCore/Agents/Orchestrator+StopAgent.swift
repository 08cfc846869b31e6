import Foundation
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// Stops the agent working on task `id`, if one is running (SIGTERM to its process group,
    /// SIGKILL after the grace period). Called before a task's work is kept and its worktree
    /// reset or removed, so no agent keeps writing into it. The agent's supervisor sees the
    /// exit and ends the run; it leaves the task in the state the caller gives it: the run is
    /// marked `stopRequested` before the signal, so a supervisor that sees the agent die
    /// before the caller has written the task's new state does not requeue it (and remove
    /// the worktree the caller is keeping work from) in the meantime.
    @discardableResult
    func stopRunningAgent(of id: TaskID, by command: String) throws -> Bool {
        guard let run = try store.read({ try $0.openRun(of: id) }), let pid = run.pid else { return false }
        try store.write { try $0.mergeRunDetail(id: run.id, [Orchestrator.stopRequestedKey: .string(command)]) }
        let stopped = stopOrphanedAgent(pid: pid, startTime: run.pidStartTime)
        if stopped { context.err("note: stopped the agent of \(id) (process group \(pid))") }
        return stopped
    }

    /// The run-detail key `stopRunningAgent` sets: the command that stopped the agent.
    static let stopRequestedKey = "stopRequested"
}
