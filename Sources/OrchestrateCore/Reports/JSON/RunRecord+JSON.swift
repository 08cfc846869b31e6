import Foundation
import OrchestrateModel

extension RunRecord {
    /// A run as JSON: `attempt`, `outcome`, `exitStatus`, `signal`, `pid`, times, `log`, `detail`.
    public var json: JSONValue {
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

    /// A run in progress, for `status`: the run plus `heartbeatAgeSeconds`.
    public func agentJSON(now: Date) -> JSONValue {
        guard case .object(var fields) = json else { return json }
        fields["heartbeatAgeSeconds"] = .int(Int64(max(0, now.timeIntervalSince(heartbeatAt)).rounded()))
        fields["elapsedSeconds"] = .int(Int64(max(0, now.timeIntervalSince(startedAt)).rounded()))
        fields["stalled"] = .bool(stalledAt != nil)
        fields["stalledAt"] = EvidenceJSON.time(stalledAt)
        fields["lastActivityAt"] = EvidenceJSON.time(lastActivityAt)
        fields["lastActivityAgeSeconds"] = EvidenceJSON.age(lastActivityAt, now: now)
        return .object(fields)
    }
}

extension RunResult {
    /// The run plus what happened to the task, as JSON.
    public var json: JSONValue {
        guard case .object(var fields) = run.json else { return run.json }
        fields["taskState"] = .string(taskState.rawValue)
        fields["submitted"] = .bool(submitted)
        fields["submitProblem"] = .optional(submitProblem)
        fields["commitsAhead"] = .int(Int64(commitsAhead))
        fields["uncommitted"] = .array(uncommitted.map(JSONValue.string))
        fields["keptRef"] = .optional(keptRef)
        return .object(fields)
    }
}
