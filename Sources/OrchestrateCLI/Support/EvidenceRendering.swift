import Foundation
import OrchestrateCore
import OrchestrateModel

/// The facts behind an outcome (docs/agents.md, "Evidence") in table lines: for the newest run,
/// how it ended (exit status, signal, commits ahead) or, while it runs, its heartbeat, last
/// activity and whether it is stalled — so that nobody has to guess whether an agent finished,
/// failed, hung or stalled. The JSON is `EvidenceJSON`, in Core.
enum Evidence {
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
