import Foundation
import OrchestrateModel
import OrchestrateStore

/// What the supervisor reports while it works.
public enum SupervisorEvent: Sendable {
    /// An attempt started.
    case started(RunRecord, TaskRecord)
    /// The supervisor is stopping an agent (timeout, Ctrl-C, or escalating to SIGKILL).
    case stopping(TaskID, String)
    /// An attempt ended.
    case ended(RunResult)
    /// Anything else worth a line on stderr.
    case note(String)
}

/// One running agent, for live summaries.
public struct AgentActivity: Sendable {
    public var task: TaskID
    public var title: String
    public var attempt: Int
    public var pid: Int32
    public var startedAt: Date
    /// The last line the agent wrote to its log, if any.
    public var lastOutput: String?
    /// When the log last grew.
    public var lastOutputAt: Date?
}

/// Where the supervisor's progress goes: events as they happen, and (about once a second) the
/// list of running agents.
public struct SupervisorObserver {
    public var event: (SupervisorEvent) -> Void
    public var tick: ([AgentActivity]) -> Void

    public init(event: @escaping (SupervisorEvent) -> Void, tick: @escaping ([AgentActivity]) -> Void = { _ in }) {
        self.event = event
        self.tick = tick
    }
}

/// Watches agent processes: polls them with `waitpid`, refreshes the runs' heartbeats,
/// enforces the timeout (SIGTERM to the group, SIGKILL after a grace period), stops agents on
/// Ctrl-C, and concludes each run when its process group is gone. Synchronous: one thread.
final class AgentSupervisor {
    struct Active {
        var run: RunRecord
        var task: TaskRecord
        let child: ChildProcess
        let deadline: Date
        /// Why the supervisor is stopping the agent, once it is.
        var stopReason: RunOutcome?
        var stopSentAt: Date?
        var killSent = false
        /// How the group leader ended; the run ends when its group is empty too.
        var termination: Termination?
        var drainDeadline: Date?
    }

    /// How long an agent has to exit after SIGTERM before it gets SIGKILL.
    static let graceSeconds: TimeInterval = 3
    static let pollMicroseconds: useconds_t = 150_000

    let orchestrator: Orchestrator
    let observer: SupervisorObserver
    private(set) var active: [Active] = []
    private var lastHeartbeat: Date
    private var lastTick = Date.distantPast
    private var handledInterrupts = 0
    private lazy var stallWatch = orchestrator.makeStallWatch()

    init(_ orchestrator: Orchestrator, observer: SupervisorObserver) {
        self.orchestrator = orchestrator
        self.observer = observer
        lastHeartbeat = orchestrator.context.now()
        InterruptSignals.install()
        Subreaper.become()
    }

    /// Gives the signals back; call when done.
    func close() { InterruptSignals.uninstall() }

    /// Whether the user asked to stop (Ctrl-C or SIGTERM).
    var interruptRequested: Bool { InterruptSignals.count > 0 }

    /// Starts an attempt at a running task. Returns nil when another supervisor has an open
    /// run on it. When the agent cannot be started, the attempt is recorded as failed
    /// (status 127, like a shell) and the error is thrown.
    @discardableResult
    func launch(_ id: TaskID, command: [String], allowFailed: Bool = false) throws -> RunRecord? {
        guard let (run, task) = try orchestrator.beginRun(id, command: command, allowFailed: allowFailed) else { return nil }
        var child: ChildProcess?
        do {
            let previous = try orchestrator.store.read { try $0.runs(of: id) }.filter { $0.id != run.id }
            let invocation = try orchestrator.makeInvocation(task: task, attempt: run.attempt, command: command, previous: previous)
            orchestrator.appendToLog(
                invocation.logPath,
                "[git-orchestrate] attempt \(run.attempt) of \(id) started \(Timestamp.format(orchestrator.context.now())) in \(invocation.directory): \(JSONValue.array(invocation.argv.map(JSONValue.string)).canonicalText)")
            var environment = invocation.environment
            environment[Subreaper.runVariable] = Subreaper.mark(ofRun: run.id)
            let spawned = try ChildProcess.spawn(
                invocation.argv, directory: invocation.directory, environment: environment,
                logPath: invocation.logPath)
            child = spawned
            let identity = ProcessIdentity(pid: spawned.pid, startTime: ProcessIdentity.startTime(of: spawned.pid))
            let recorded = try orchestrator.recordRunStarted(run, argv: invocation.argv, process: identity)
            let deadline = orchestrator.context.now().addingTimeInterval(TimeInterval(orchestrator.config.agent.timeoutSeconds))
            active.append(Active(run: recorded, task: task, child: spawned, deadline: deadline))
            observer.event(.started(recorded, task))
            return recorded
        } catch {
            if let child { child.signalGroup(SIGKILL) }
            let message = (error as? OrchestrateError)?.message ?? "\(error)"
            orchestrator.appendToLog(run.logPath, "[git-orchestrate] \(message)")
            let ending = RunEnding(outcome: .failed, exitStatus: 127, detail: ["error": .string(message)])
            if let result = try? orchestrator.concludeRun(run, ending) { observer.event(.ended(result)) }
            throw error
        }
    }

    /// One round of supervision; returns the runs that ended in it.
    func step() -> [RunResult] {
        let now = orchestrator.context.now()
        handleInterrupts(now)
        watchForStalls(now)
        var results: [RunResult] = []
        var remaining: [Active] = []
        for var agent in active {
            if let log = agent.run.logPath { AgentLogCap.enforce(log, maxBytes: orchestrator.config.agent.maxLogBytes) }
            advance(&agent, now: now)
            if agent.termination != nil && isDrained(agent, now: now) {
                if let result = conclude(agent) { results.append(result) }
            } else {
                remaining.append(agent)
            }
        }
        active = remaining
        heartbeatIfDue(now)
        if now.timeIntervalSince(lastTick) >= 1 {
            lastTick = now
            observer.tick(active.filter { $0.termination == nil }.map(activity))
        }
        return results
    }

    /// Steps until every agent has ended, sleeping between rounds.
    func waitForAll() -> [RunResult] {
        var results: [RunResult] = []
        while !active.isEmpty {
            results += step()
            if !active.isEmpty { usleep(AgentSupervisor.pollMicroseconds) }
        }
        return results
    }

    private func handleInterrupts(_ now: Date) {
        let count = InterruptSignals.count
        guard count > handledInterrupts else { return }
        handledInterrupts = count
        for i in active.indices {
            if count == 1 && active[i].termination == nil {
                active[i].stopReason = active[i].stopReason ?? .interrupted
                active[i].stopSentAt = now
                active[i].child.signalGroup(SIGTERM)
                observer.event(.stopping(active[i].task.id, "interrupted: sent SIGTERM to agent process group \(active[i].child.pid)"))
            } else if count > 1 {
                active[i].stopReason = active[i].stopReason ?? .interrupted
                active[i].killSent = true
                active[i].child.signalGroup(SIGKILL)
                observer.event(.stopping(active[i].task.id, "interrupted again: sent SIGKILL to agent process group \(active[i].child.pid)"))
            }
        }
    }

    private func advance(_ agent: inout Active, now: Date) {
        let pgid = agent.child.pid
        if agent.termination == nil {
            if agent.stopReason == nil && now >= agent.deadline {
                agent.stopReason = .timedOut
                agent.stopSentAt = now
                agent.child.signalGroup(SIGTERM)
                observer.event(.stopping(agent.task.id, "timed out after \(orchestrator.config.agent.timeoutSeconds)s: sent SIGTERM to agent process group \(pgid)"))
            } else if let sent = agent.stopSentAt, !agent.killSent, now.timeIntervalSince(sent) >= AgentSupervisor.graceSeconds {
                agent.killSent = true
                agent.child.signalGroup(SIGKILL)
                observer.event(.stopping(agent.task.id, "still running \(Int(AgentSupervisor.graceSeconds))s after SIGTERM: sent SIGKILL to agent process group \(pgid)"))
            }
            if let termination = agent.child.poll() {
                agent.termination = termination
                // The run's processes do not outlive it: what the agent left behind in its
                // group is asked to stop, then killed after the grace period.
                // So are descendants that left the group (setsid): found by the run's mark.
                let strays = Subreaper.strays(ofRun: agent.run.id, exceptGroup: pgid)
                if !ProcessGroup.liveMembers(pgid).isEmpty || !strays.isEmpty {
                    agent.child.signalGroup(agent.killSent ? SIGKILL : SIGTERM)
                    for pid in strays { kill(pid, agent.killSent ? SIGKILL : SIGTERM) }
                    agent.drainDeadline = now.addingTimeInterval(AgentSupervisor.graceSeconds)
                }
            }
        } else if let drain = agent.drainDeadline, now >= drain, !agent.killSent {
            agent.killSent = true
            agent.child.signalGroup(SIGKILL)
            for pid in Subreaper.strays(ofRun: agent.run.id, exceptGroup: pgid) { kill(pid, SIGKILL) }
        }
    }

    private func isDrained(_ agent: Active, now: Date) -> Bool {
        guard let drain = agent.drainDeadline else { return true }
        Subreaper.reapOrphans(except: Set(active.map(\.child.pid)))
        if ProcessGroup.liveMembers(agent.child.pid).isEmpty
            && Subreaper.strays(ofRun: agent.run.id, exceptGroup: agent.child.pid).isEmpty
        {
            return true
        }
        // Killed processes that stay (uninterruptible sleep) do not hold the run open forever.
        return agent.killSent && now.timeIntervalSince(drain) >= 1
    }

    private func conclude(_ agent: Active) -> RunResult? {
        guard let termination = agent.termination else { return nil }
        if let log = agent.run.logPath { AgentLogCap.enforce(log, maxBytes: orchestrator.config.agent.maxLogBytes) }
        let current = (try? orchestrator.store.read { try $0.task(agent.task.id) }) ?? agent.task
        let ending = orchestrator.classify(termination, stoppedFor: agent.stopReason, task: current)
        do {
            guard let result = try orchestrator.concludeRun(agent.run, ending) else {
                observer.event(.note("the run of \(agent.task.id) (attempt \(agent.run.attempt)) had already been ended by another process"))
                return nil
            }
            observer.event(.ended(result))
            return result
        } catch {
            // Record the outcome at least, so that the run does not stay open.
            _ = try? orchestrator.store.write { try $0.finishRun(id: agent.run.id, ending) }
            observer.event(.note("could not finish recording the run of \(agent.task.id): \(error); run `git orchestrate doctor`"))
            return nil
        }
    }

    /// Stalled agents (docs/agents.md): reported, or with `agent.onStall: "restart"` stopped
    /// like a timeout, their run then sending the task back to the queue with its work.
    private func watchForStalls(_ now: Date) {
        let watched = active.filter { $0.termination == nil && $0.stopReason == nil }.map { ($0.run, $0.task) }
        for notice in stallWatch.observe(watched, now: now) {
            observer.event(.note(notice.message))
            guard notice.restart, let i = active.firstIndex(where: { $0.run.id == notice.run }) else { continue }
            active[i].stopReason = .timedOut
            active[i].stopSentAt = now
            active[i].child.signalGroup(SIGTERM)
            observer.event(.stopping(notice.task, "stalled: sent SIGTERM to agent process group \(active[i].child.pid)"))
        }
    }

    private func heartbeatIfDue(_ now: Date) {
        guard now.timeIntervalSince(lastHeartbeat) >= TimeInterval(orchestrator.config.agent.heartbeatSeconds) else { return }
        lastHeartbeat = now
        let ids = active.map(\.run.id)
        do {
            try orchestrator.store.write { try $0.heartbeatRuns(ids: ids) }
        } catch {
            observer.event(.note("could not record a heartbeat (\(error)); will retry"))
        }
    }

    private func activity(_ agent: Active) -> AgentActivity {
        var activity = AgentActivity(
            task: agent.task.id, title: agent.task.title, attempt: agent.run.attempt, pid: agent.child.pid,
            startedAt: agent.run.startedAt, lastOutput: nil, lastOutputAt: nil)
        if let path = agent.run.logPath {
            activity.lastOutputAt = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
            activity.lastOutput = orchestrator.logTail(path)?
                .split(separator: "\n").last { !$0.hasPrefix("[git-orchestrate]") }.map(String.init)
        }
        return activity
    }
}
