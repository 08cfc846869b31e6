import Foundation
import OrchestrateCore
import OrchestrateModel

/// The facts behind an outcome (docs/agents.md, "Evidence"): for the newest run, how it ended
/// (exit status, signal, commits ahead) or, while it runs, its heartbeat, last activity and
/// whether it is stalled — so that nobody has to guess whether an agent finished, failed, hung
/// or stalled.
enum Evidence {
    static func age(_ date: Date?, now: Date) -> JSONValue {
        date.map { .int(Int64(max(0, now.timeIntervalSince($0)).rounded())) } ?? .null
    }

    static func time(_ date: Date?) -> JSONValue { .optional(date.map(Timestamp.format)) }

    /// The evidence of a run as JSON.
    static func json(_ run: RunRecord, now: Date) -> JSONValue {
        var fields: [String: JSONValue] = [
            "attempt": .int(Int64(run.attempt)), "running": .bool(run.isOpen),
            "outcome": .optional(run.outcome.map { _ in Orchestrator.describe(run) }),
            "exitStatus": run.exitStatus.map { .int(Int64($0)) } ?? .null,
            "signal": run.signal.map { .int(Int64($0)) } ?? .null,
            "commitsAhead": run.commitsAhead.map { .int(Int64($0)) } ?? .null,
            "pid": run.pid.map { .int(Int64($0)) } ?? .null,
            "heartbeatAt": time(run.heartbeatAt), "heartbeatAgeSeconds": age(run.heartbeatAt, now: now),
            "lastActivityAt": time(run.lastActivityAt), "lastActivityAgeSeconds": age(run.lastActivityAt, now: now),
            "stalled": .bool(run.stalledAt != nil), "stalledAt": time(run.stalledAt),
            "endedAt": time(run.endedAt),
        ]
        if run.stoppedForStall { fields["stoppedForStall"] = .bool(true) }
        return .object(fields)
    }

    /// The evidence of a run in one line for tables.
    static func line(_ run: RunRecord, now: Date) -> String {
        func ago(_ date: Date) -> String { Duration.text(now.timeIntervalSince(date)) + " ago" }
        var parts: [String] = []
        if run.isOpen {
            parts.append("attempt \(run.attempt) running" + (run.pid.map { " (pid \($0))" } ?? ""))
            parts.append("heartbeat \(ago(run.heartbeatAt))")
            parts.append("last activity " + (run.lastActivityAt.map(ago) ?? "not seen yet"))
            if let stalled = run.stalledAt { parts.append("STALLED since \(ago(stalled))") }
        } else {
            parts.append("attempt \(run.attempt) \(Orchestrator.describe(run))")
            if let ahead = run.commitsAhead { parts.append("\(ahead) commit\(ahead == 1 ? "" : "s") ahead of the base") }
            if let ended = run.endedAt { parts.append("ended \(ago(ended))") }
            parts.append("last heartbeat \(ago(run.heartbeatAt))")
            if let activity = run.lastActivityAt { parts.append("last activity \(ago(activity))") }
        }
        return parts.joined(separator: ", ")
    }

    /// What `show` adds to the task object: `stalled`, `evidence` (the newest run, or null)
    /// and `causes` (each return to the agent, oldest first).
    static func showFields(_ detail: TaskDetail, now: Date) -> [String: JSONValue] {
        let latest = detail.runs.last
        return [
            "stalled": .bool(latest?.stalledAt != nil),
            "evidence": latest.map { json($0, now: now) } ?? .null,
            "causes": .array(detail.causes.map { .object($0.detail) }),
        ]
    }

    /// What `show` adds to its table: the evidence line and the numbered causes.
    static func showLines(_ detail: TaskDetail, now: Date) -> [String] {
        var lines: [String] = []
        if let latest = detail.runs.last { lines.append("evidence:   \(line(latest, now: now))") }
        if !detail.causes.isEmpty {
            lines.append("\nreturned to the agent (merge.onFailure, reject --requeue, agent.onStall):")
            lines += detail.causes.enumerated().map { "  \($0.offset + 1). \($0.element.summary)" }
        }
        return lines
    }
}
