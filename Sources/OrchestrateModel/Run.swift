import Foundation

/// How an agent's attempt at a task ended. Raw values are the contract's names.
public enum RunOutcome: String, CaseIterable, Sendable {
    /// Exit 0 with commits ahead of the base.
    case completed
    /// Exit 0 with nothing committed (uncommitted edits are kept in the worktree).
    case noChanges
    /// A non-zero exit status.
    case failed
    /// Killed by a signal that the supervisor did not send.
    case crashed
    /// Ran past `agent.timeoutSeconds` and was stopped.
    case timedOut
    /// Its supervisor went away and its heartbeats stopped.
    case disconnected
    /// The user stopped the supervisor (Ctrl-C).
    case interrupted

    /// Whether the attempt counts as a failure that sends the task back to the queue (while
    /// attempts remain).
    public var isRetryable: Bool {
        switch self {
        case .failed, .crashed, .timedOut, .disconnected: return true
        case .completed, .noChanges, .interrupted: return false
        }
    }

    /// Whether the agent did what it was asked without error.
    public var isSuccess: Bool { self == .completed || self == .noChanges }
}

/// One attempt of an agent at a task, as stored in `runs`.
public struct RunRecord: Sendable, Equatable {
    public var id: Int64
    public var task: TaskID
    /// 1 for the first attempt at the task, then 2, 3, …
    public var attempt: Int
    /// The argv the agent was started with (placeholders substituted).
    public var command: [String]
    /// The agent's process id (also its process group id), once started.
    public var pid: Int32?
    /// The agent process's start time in clock ticks since boot (`/proc/<pid>/stat` field
    /// 22): with the pid it names the process even after the pid is reused.
    public var pidStartTime: String?
    /// The `git orchestrate run`/`up` process that watches the agent.
    public var supervisorPid: Int32?
    public var startedAt: Date
    /// When the supervisor (or the agent, via `heartbeat`) last said it is alive.
    public var heartbeatAt: Date
    public var endedAt: Date?
    public var outcome: RunOutcome?
    public var exitStatus: Int32?
    public var signal: Int32?
    public var logPath: String?
    /// Free-form facts (JSON object text): the log tail of a failure, uncommitted files, …
    public var detail: String

    public init(
        id: Int64, task: TaskID, attempt: Int, command: [String], pid: Int32? = nil,
        pidStartTime: String? = nil, supervisorPid: Int32? = nil, startedAt: Date, heartbeatAt: Date,
        endedAt: Date? = nil, outcome: RunOutcome? = nil, exitStatus: Int32? = nil,
        signal: Int32? = nil, logPath: String? = nil, detail: String = "{}"
    ) {
        self.id = id
        self.task = task
        self.attempt = attempt
        self.command = command
        self.pid = pid
        self.pidStartTime = pidStartTime
        self.supervisorPid = supervisorPid
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.endedAt = endedAt
        self.outcome = outcome
        self.exitStatus = exitStatus
        self.signal = signal
        self.logPath = logPath
        self.detail = detail
    }

    /// Whether the run has not been finished yet.
    public var isOpen: Bool { endedAt == nil }

    /// The detail as a JSON object (empty when unreadable).
    public var detailObject: [String: JSONValue] {
        (try? JSONValue.parse(detail))?.objectValue ?? [:]
    }
}
