import Foundation
import OrchestrateCore
import OrchestrateModel

extension RunRecord {
    /// One line for tables: `attempt 2  failed (exit 3)  12.5s`.
    var line: String {
        var parts = ["attempt \(attempt)", Orchestrator.describe(self), Timestamp.format(startedAt)]
        if let ended = endedAt { parts.append(Duration.text(ended.timeIntervalSince(startedAt))) }
        if let logPath { parts.append(logPath) }
        return parts.joined(separator: "  ")
    }
}

extension RunResult {
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
