import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// How one attempt ended and what that did to the task.
public struct RunResult: Sendable {
    public var run: RunRecord
    /// The task's state afterwards.
    public var taskState: TaskState
    /// Whether the task was submitted for review (completed with `autoSubmit`).
    public var submitted: Bool
    /// Why an automatic submit was refused, if it was.
    public var submitProblem: String?
    /// Commits ahead of the base after the run.
    public var commitsAhead: Int
    /// Files left modified or untracked in the worktree (kept, not lost).
    public var uncommitted: [String]
    /// Where the attempt's work was kept when the task went back to the queue.
    public var keptRef: String?
    /// Whether a still-running agent process (group) had to be killed (disconnected runs).
    public var killedAgent: Bool
}

extension Orchestrator {
    /// Opens a run of a task that is `running` with a worktree (or `failed`, when
    /// `allowFailed`): increments `attempts` and inserts the open run row, in one transaction.
    /// Returns nil when another supervisor already has an open run on the task.
    func beginRun(_ id: TaskID, command: [String], allowFailed: Bool) throws -> (RunRecord, TaskRecord)? {
        let me = ProcessIdentity.current
        return try store.write { tx -> (RunRecord, TaskRecord)? in
            var task = try requireTask(id, in: tx)
            guard task.state == .running || (allowFailed && task.state == .failed) else {
                throw OrchestrateError.badInput(
                    "task \(id) is \(task.state.rawValue); only a queued, running or failed task can be run (see `git orchestrate show \(id)`)")
            }
            guard task.worktree != nil else {
                throw OrchestrateError.failed("task \(id) is running but has no worktree; run `git orchestrate doctor --repair`")
            }
            if try tx.openRun(of: id) != nil { return nil }
            let attempt = max(task.attempts, try tx.lastAttempt(of: id)) + 1
            task.attempts = attempt
            task.state = .running
            try tx.updateTask(task)
            let run = try tx.insertRun(
                task: id, attempt: attempt, command: command, supervisorPid: me.pid,
                logPath: logPath(for: id, attempt: attempt),
                detail: ["supervisorStartTime": .optional(me.startTime)])
            return (run, task)
        }
    }

    /// Records the spawned agent and the `runStarted` event.
    func recordRunStarted(_ run: RunRecord, argv: [String], process: ProcessIdentity) throws -> RunRecord {
        try store.write { tx in
            try tx.setRunProcess(id: run.id, pid: process.pid, startTime: process.startTime, command: argv)
            try tx.appendAudit(NewAuditEvent(
                kind: .runStarted, task: run.task, actor: actor,
                detail: [
                    "attempt": .int(Int64(run.attempt)), "command": .array(argv.map(JSONValue.string)),
                    "pid": .int(Int64(process.pid)), "supervisorPid": run.supervisorPid.map { .int(Int64($0)) } ?? .null,
                    "log": .optional(run.logPath),
                ]))
            return try tx.run(id: run.id) ?? run
        }
    }

    /// What a finished agent process means: exit 0 → completed or noChanges (by commits ahead
    /// of the base), other exits → failed, a signal → crashed; a stop the supervisor asked
    /// for (timeout, Ctrl-C) wins over how the process happened to end.
    func classify(_ termination: Termination, stoppedFor reason: RunOutcome?, task: TaskRecord) -> RunEnding {
        var ending: RunEnding
        switch termination {
        case .exited(let code):
            // An agent that committed and then deleted its branch still did work: the branch
            // is put back where its worktree's HEAD or reflog says the work ended.
            if code == 0, commitsAhead(of: task) == 0, let restored = try? restoreLostBranch(of: task) {
                let note = "[git-orchestrate] the branch \(task.branch) of \(task.id) had been deleted; restored it at \(restored.tip.short()) (found in the \(restored.source))"
                context.err("warning: " + note.dropFirst("[git-orchestrate] ".count))
                if let log = try? store.read({ try $0.openRuns() }).first(where: { $0.task == task.id })?.logPath { appendToLog(log, note) }
            }
            ending = RunEnding(outcome: code == 0 ? (commitsAhead(of: task) > 0 ? .completed : .noChanges) : .failed, exitStatus: code)
        case .signaled(let signal):
            ending = RunEnding(outcome: .crashed, signal: signal)
        }
        if let reason { ending.outcome = reason }
        return ending
    }

    /// Commits on the task's branch that its base does not have.
    func commitsAhead(of task: TaskRecord) -> Int {
        guard let base = task.base.flatMap(ObjectID.init(hex:)),
            let head = try? mainRepository.referenceTarget("refs/heads/\(task.branch)"), head != base
        else { return 0 }
        return (try? mainRepository.commits(from: [head], hiding: [base]).count) ?? 0
    }

    /// Ends a run (once: nil when another process already ended it) and applies the outcome
    /// to the task: submit when completed, keep uncommitted edits when there were no commits,
    /// back to the queue (work kept) or to `failed` when the attempt failed.
    /// `before` is an event appended just ahead of `runEnded`, in the same transaction.
    func concludeRun(
        _ run: RunRecord, _ ending: RunEnding, killedAgent: Bool = false, before: NewAuditEvent? = nil
    ) throws -> RunResult? {
        var ending = ending
        if ending.outcome != .completed && ending.outcome != .noChanges, let tail = logTail(run.logPath) {
            ending.detail["logTail"] = .string(tail)
        }
        ending.detail["durationSeconds"] = .double((context.now().timeIntervalSince(run.startedAt) * 10).rounded() / 10)
        let task = try store.read { try requireTask(run.task, in: $0) }
        var uncommitted: [String] = []
        if let worktree = task.worktree, FileManager.default.fileExists(atPath: worktree) {
            uncommitted = (try? Repository.open(at: worktree).status().map(\.path)) ?? []
            if !uncommitted.isEmpty { ending.detail["uncommitted"] = .array(uncommitted.prefix(50).map(JSONValue.string)) }
        }
        if let head = try mainRepository.referenceTarget("refs/heads/\(task.branch)"), task.worktree != nil {
            try observeHead(of: task.id, newHead: head, source: "run")
        }
        let ahead = commitsAhead(of: task)
        ending.detail["commitsAhead"] = .int(Int64(ahead))
        let retry = ending.outcome.isRetryable && task.attempts < config.agent.maxAttempts
        if ending.outcome.isRetryable && task.state == .running {
            ending.detail["taskState"] = .string(retry ? "queued" : "failed")
        }
        guard let finished = try store.write({ tx -> RunRecord? in
            guard let finished = try tx.finishRun(id: run.id, ending) else { return nil }
            if let before { try tx.appendAudit(before) }
            var detail = finished.detailObject
            detail["attempt"] = .int(Int64(run.attempt))
            detail["outcome"] = .string(ending.outcome.rawValue)
            detail["exitStatus"] = ending.exitStatus.map { .int(Int64($0)) } ?? .null
            detail["signal"] = ending.signal.map { .int(Int64($0)) } ?? .null
            detail.removeValue(forKey: "supervisorStartTime")
            try tx.appendAudit(NewAuditEvent(kind: .runEnded, task: run.task, actor: actor, detail: detail))
            return finished
        }) else { return nil }
        appendToLog(finished.logPath, "[git-orchestrate] attempt \(run.attempt) of \(run.task) ended: \(Orchestrator.describe(finished))")

        var result = RunResult(
            run: finished, taskState: task.state, submitted: false, submitProblem: nil, commitsAhead: ahead,
            uncommitted: uncommitted, keptRef: nil, killedAgent: killedAgent)
        // A task cancelled (or otherwise moved on) while its agent ran keeps its new state:
        // the run's outcome is recorded, nothing more. So does one whose agent `cancel` or
        // `reject` is stopping right now (they mark the run first, then write the state).
        guard task.state == .running, finished.detailObject[Orchestrator.stopRequestedKey] == nil else { return result }
        switch ending.outcome {
        case .completed where config.agent.autoSubmit:
            do {
                result.taskState = try submitTask(task.id.rawValue).state
                result.submitted = true
            } catch let error as OrchestrateError {
                result.submitProblem = error.message
            }
        case .failed, .crashed, .timedOut, .disconnected:
            result.taskState = retry ? .queued : .failed
            if retry, try requeueAfterStall(finished) {
                break  // work kept where it is (docs/agents.md, stalled agents)
            } else if retry {
                result.keptRef = try requeueAfterFailedRun(task, attempt: run.attempt)
            } else {
                try store.write { tx in
                    var current = try requireTask(task.id, in: tx)
                    guard current.state == .running else { return }
                    current.state = .failed
                    try tx.updateTask(current)
                }
            }
        default:
            break
        }
        return result
    }

    /// Puts a task whose attempt failed back in the queue: its work (commits and uncommitted
    /// changes) is kept under `refs/orchestrate/rejected/<id>/<n>`, its worktree and branch
    /// removed, so that the next attempt starts clean from the target.
    func requeueAfterFailedRun(_ task: TaskRecord, attempt: Int) throws -> String? {
        guard try store.read({ try $0.task(task.id)?.state }) == .running else { return nil }
        let kept = try keepWork(of: task, reason: "attempt \(attempt) failed")
        try removeWorkspace(of: task, keptAt: kept)
        try store.write { tx in
            var current = try requireTask(task.id, in: tx)
            guard current.state == .running else { return }
            current.state = .queued
            current.worktree = nil
            current.base = nil
            current.head = nil
            current.claimedBy = nil
            try tx.updateTask(current)
            var detail: [String: JSONValue] = ["attempt": .int(Int64(attempt)), "attempts": .int(Int64(current.attempts)),
                                               "maxAttempts": .int(Int64(config.agent.maxAttempts))]
            if let kept { detail["keptRef"] = .string(kept.ref) }
            try tx.appendAudit(NewAuditEvent(kind: .requeued, task: task.id, oid: kept?.oid.hex, actor: actor, detail: detail))
        }
        return kept?.ref
    }

    /// The last lines of a log (at most 20 lines, 2 KB), or nil when there is none.
    func logTail(_ path: String?) -> String? {
        guard let path, let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 2048 ? size - 2048 : 0)
        let text = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(21)
        let tail = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return tail.isEmpty ? nil : tail
    }

    /// Appends one line to a log file (the supervisor's own notes, between the agent's output).
    func appendToLog(_ path: String?, _ line: String) {
        guard let path else { return }
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { return }
        defer { Foundation.close(fd) }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
    }
}
