import Foundation
import OrchestrateCore
import OrchestrateModel

extension RunRecord {
    /// A run as JSON: `attempt`, `outcome`, `exitStatus`, `signal`, `pid`, times, `log`, `detail`.
    var json: JSONValue {
        [
            "task": .string(task.rawValue), "attempt": .int(Int64(attempt)),
            "command": .array(command.map(JSONValue.string)), "pid": pid.map { .int(Int64($0)) } ?? .null,
            "supervisorPid": supervisorPid.map { .int(Int64($0)) } ?? .null,
            "startedAt": .string(Timestamp.format(startedAt)), "heartbeatAt": .string(Timestamp.format(heartbeatAt)),
            "endedAt": .optional(endedAt.map(Timestamp.format)), "outcome": .optional(outcome?.rawValue),
            "exitStatus": exitStatus.map { .int(Int64($0)) } ?? .null, "signal": signal.map { .int(Int64($0)) } ?? .null,
            "log": .optional(logPath), "detail": (try? JSONValue.parse(detail)) ?? .object([:]),
        ]
    }

    /// One line for tables: `attempt 2  failed (exit 3)  12.5s`.
    var line: String {
        var parts = ["attempt \(attempt)", Orchestrator.describe(self), Timestamp.format(startedAt)]
        if let ended = endedAt { parts.append(Duration.text(ended.timeIntervalSince(startedAt))) }
        if let logPath { parts.append(logPath) }
        return parts.joined(separator: "  ")
    }
}

extension RunResult {
    /// The run plus what happened to the task, as JSON.
    var json: JSONValue {
        guard case .object(var fields) = run.json else { return run.json }
        fields["taskState"] = .string(taskState.rawValue)
        fields["submitted"] = .bool(submitted)
        fields["submitProblem"] = .optional(submitProblem)
        fields["commitsAhead"] = .int(Int64(commitsAhead))
        fields["uncommitted"] = .array(uncommitted.map(JSONValue.string))
        fields["keptRef"] = .optional(keptRef)
        return .object(fields)
    }

    /// One sentence: the outcome and what it did to the task.
    var summary: String {
        let id = run.task
        var text = "\(id) \(Orchestrator.describe(run))"
        switch run.outcome {
        case .completed?:
            text += ": \(commitsAhead) commit\(commitsAhead == 1 ? "" : "s") ahead of the base"
            if submitted {
                text += "; submitted for review (`git orchestrate review \(id)`)"
            } else if let problem = submitProblem {
                text += "; not submitted: \(problem)"
            } else {
                text += "; submit it with `git orchestrate submit \(id)`"
            }
        case .noChanges?:
            text += ": no commits"
            if !uncommitted.isEmpty {
                text += "; uncommitted edits kept in the worktree (\(uncommitted.prefix(5).joined(separator: ", "))\(uncommitted.count > 5 ? ", …" : ""))"
            }
        case .interrupted?:
            text += ": stopped; its worktree is kept — `git orchestrate run \(id)` resumes it"
        default:
            if taskState == .queued {
                text += ": queued again for another attempt"
            } else {
                text += ": task \(id) is \(taskState.rawValue) after \(run.attempt) attempt\(run.attempt == 1 ? "" : "s")"
            }
            if let kept = keptRef { text += "; work kept at \(kept)" }
            if killedAgent { text += "; its leftover agent processes were stopped" }
            text += "; see `git orchestrate logs \(id)`"
        }
        return text
    }
}

/// Elapsed times as `42s`, `3m05s`, `1h02m`.
enum Duration {
    static func text(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds.rounded()))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }
}

extension RunRecord {
    /// A run in progress, for `status`: the run plus `heartbeatAgeSeconds`.
    func agentJSON(now: Date) -> JSONValue {
        guard case .object(var fields) = json else { return json }
        fields["heartbeatAgeSeconds"] = .int(Int64(max(0, now.timeIntervalSince(heartbeatAt)).rounded()))
        fields["elapsedSeconds"] = .int(Int64(max(0, now.timeIntervalSince(startedAt)).rounded()))
        fields["stalled"] = .bool(stalledAt != nil)
        fields["stalledAt"] = Evidence.time(stalledAt)
        fields["lastActivityAt"] = Evidence.time(lastActivityAt)
        fields["lastActivityAgeSeconds"] = Evidence.age(lastActivityAt, now: now)
        return .object(fields)
    }
}

/// The agents part of `status`: running agents with their heartbeat age, and how the last run
/// of each active task ended.
enum AgentStatusLines {
    static func lines(_ report: StatusReport, now: Date) -> [String] {
        var lines: [String] = []
        if !report.agents.isEmpty {
            var table = Table("AGENT", "ATTEMPT", "PID", "ELAPSED", "HEARTBEAT", "ACTIVITY")
            for run in report.agents {
                table.add(
                    run.task.rawValue, "\(run.attempt)", run.pid.map(String.init) ?? "-",
                    Duration.text(now.timeIntervalSince(run.startedAt)),
                    Duration.text(now.timeIntervalSince(run.heartbeatAt)) + " ago",
                    run.stalledAt.map { "STALLED " + Duration.text(now.timeIntervalSince($0)) }
                        ?? run.lastActivityAt.map { Duration.text(now.timeIntervalSince($0)) + " ago" } ?? "-")
            }
            lines += ["", "running agents:", table.text]
        }
        let ended = report.active.compactMap { task in report.lastRuns[task.id].flatMap { $0.isOpen ? nil : $0 } }
        if !ended.isEmpty {
            var table = Table("TASK", "ATTEMPT", "LAST RUN", "AHEAD", "ENDED")
            for run in ended {
                table.add(
                    run.task.rawValue, "\(run.attempt)", Orchestrator.describe(run), run.commitsAhead.map(String.init) ?? "-",
                    run.endedAt.map { Duration.text(now.timeIntervalSince($0)) + " ago" } ?? "-")
            }
            lines += ["", "last runs:", table.text]
        }
        return lines
    }
}
