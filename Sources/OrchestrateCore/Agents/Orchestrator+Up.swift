import Foundation
import OrchestrateModel
import OrchestrateStore

/// What `up` did.
public struct UpReport: Sendable {
    /// Every attempt that ended, in order.
    public var results: [RunResult] = []
    /// Why `up` stopped starting agents early (a task could not be started), if it did.
    public var startProblem: String?
    /// Whether the user stopped it (Ctrl-C).
    public var interrupted = false
}

extension Orchestrator {
    /// Drains the queue: runs agents on ready tasks, at most `maxAgents` at once (default
    /// `agent.maxConcurrent`), starting the next as each ends; a failed attempt goes back to
    /// the queue and is retried while attempts remain. Tasks whose last run was interrupted are
    /// resumed in their worktrees first. Ends when nothing is ready and nothing runs, or on
    /// Ctrl-C (agents are stopped gracefully). Tasks run by another supervisor are left alone.
    public func up(maxAgents: Int?, agent: String?, observer: SupervisorObserver) throws -> UpReport {
        let limit = max(1, maxAgents ?? config.agent.maxConcurrent)
        // With no `agent.command`, tasks made from a template with an agent command of its own
        // can still run (makeInvocation picks it); any other task then stops `up` by name.
        let templated = config.templates.values.contains { $0.agentCommand != nil }
        var command = templated ? (config.agent.command ?? []) : try agentCommand(override: nil)
        // A program that cannot be found stops `up` before any task is claimed: no attempt used.
        if !command.isEmpty { command = try resolveProgram(command, worktree: nil) }
        let claimant = agent ?? "up:\(getpid())"
        let supervisor = AgentSupervisor(self, observer: observer)
        defer { supervisor.close() }
        var report = UpReport()
        var skipped = Set<TaskID>()
        var lastReap = Date.distantPast
        while true {
            let now = context.now()
            if now.timeIntervalSince(lastReap) >= TimeInterval(config.agent.heartbeatSeconds) {
                lastReap = now
                do {
                    try reapDisconnectedRuns()
                } catch {
                    // Never abandon the agents being watched over someone else's lost run.
                    observer.event(.note("could not check for disconnected runs: \(error)"))
                }
            }
            while report.startProblem == nil && !supervisor.interruptRequested && supervisor.active.count < limit {
                do {
                    guard let id = try nextTaskForUp(claimant: claimant, skipping: skipped) else { break }
                    if try supervisor.launch(id, command: command) == nil { skipped.insert(id) }
                } catch {
                    // A task that cannot start (set-up failed, the agent cannot be found) would
                    // fail the same way again: stop taking new work, let the running finish.
                    let message = (error as? OrchestrateError)?.message ?? "\(error)"
                    report.startProblem = message
                    observer.event(.note("stopped starting new agents: \(message)"))
                }
            }
            if supervisor.active.isEmpty { break }
            report.results += supervisor.step()
            usleep(AgentSupervisor.pollMicroseconds)
        }
        report.interrupted = supervisor.interruptRequested
        return report
    }

    /// The next task for `up`: a running task whose last run was interrupted (resumed in its
    /// worktree), else a freshly claimed ready task.
    func nextTaskForUp(claimant: String, skipping: Set<TaskID>) throws -> TaskID? {
        let resumable = try store.read { tx -> TaskID? in
            let latest = try tx.latestRuns()
            return try tx.tasks(in: [.running]).first { task in
                guard !skipping.contains(task.id), task.worktree != nil, let run = latest[task.id], !run.isOpen else { return false }
                // A run stopped for stalling whose requeue a kill -9 cut short (docs/agents.md).
                return run.outcome == .interrupted || (run.stoppedForStall && task.attempts < config.agent.maxAttempts)
            }?.id
        }
        if let resumable { return resumable }
        return try claimNext(agent: claimant)?.id
    }
}
