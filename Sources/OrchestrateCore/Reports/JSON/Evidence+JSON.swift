import Foundation
import OrchestrateModel

/// The facts behind an outcome as JSON (docs/agents.md, "Evidence"): for the newest run, how it
/// ended (exit status, signal, commits ahead) or, while it runs, its heartbeat, last activity and
/// whether it is stalled. In Core so that `show`/`status` and the MCP tools give the same fields.
public enum EvidenceJSON {
    /// Seconds from `date` to `now`, or null.
    public static func age(_ date: Date?, now: Date) -> JSONValue {
        date.map { .int(Int64(max(0, now.timeIntervalSince($0)).rounded())) } ?? .null
    }

    /// A timestamp, or null.
    public static func time(_ date: Date?) -> JSONValue { .optional(date.map(Timestamp.format)) }

    /// The evidence of a run.
    public static func json(_ run: RunRecord, now: Date) -> JSONValue {
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

    /// What `show` adds to the task object: `stalled`, `evidence` (the newest run, or null)
    /// and `causes` (each return to the agent, oldest first).
    public static func showFields(_ detail: TaskDetail, now: Date) -> [String: JSONValue] {
        let latest = detail.runs.last
        return [
            "stalled": .bool(latest?.stalledAt != nil),
            "evidence": latest.map { json($0, now: now) } ?? .null,
            "causes": .array(detail.causes.map { .object($0.detail) }),
        ]
    }
}
