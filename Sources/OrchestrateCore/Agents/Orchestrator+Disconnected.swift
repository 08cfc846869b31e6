import Foundation
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// Finds runs nobody watches any more — heartbeat older than 2 × `heartbeatSeconds` and
    /// the supervisor process gone — and ends them as `disconnected`: an agent process still
    /// running (same pid and start time) has its process group stopped, and the task goes back
    /// to the queue (or to `failed` when out of attempts). Safe to call from any number of
    /// processes at once: each run is ended once. Prints a note on stderr for each.
    @discardableResult
    public func reapDisconnectedRuns() throws -> [RunResult] {
        let window = 2 * TimeInterval(config.agent.heartbeatSeconds)
        let now = context.now()
        let stale = try store.read { try $0.openRuns() }.filter { now.timeIntervalSince($0.heartbeatAt) > window }
        var results: [RunResult] = []
        for run in stale {
            let supervisor = ProcessIdentity(
                pid: run.supervisorPid ?? 0, startTime: run.detailObject["supervisorStartTime"]?.stringValue)
            if supervisor.isAlive { continue }  // watched, only slow (or suspended): not ours to end
            let killed = run.pid.map { stopOrphanedAgent(pid: $0, startTime: run.pidStartTime) } ?? false
            let silence = Int(now.timeIntervalSince(run.heartbeatAt).rounded())
            let facts: [String: JSONValue] = [
                "lastHeartbeat": .string(Timestamp.format(run.heartbeatAt)),
                "supervisorPid": run.supervisorPid.map { .int(Int64($0)) } ?? .null,
                "agentPid": run.pid.map { .int(Int64($0)) } ?? .null, "agentKilled": .bool(killed),
            ]
            let lost = NewAuditEvent(
                kind: .heartbeatLost, task: run.task, actor: actor,
                detail: facts.merging(["attempt": .int(Int64(run.attempt))]) { a, _ in a })
            let concluded: RunResult?
            do {
                concluded = try concludeRun(
                    run, RunEnding(outcome: .disconnected, detail: facts), killedAgent: killed, before: lost)
            } catch {
                // One lost run that cannot be tidied must not make `status` or `next` fail.
                context.err("warning: could not end the disconnected run of \(run.task) (attempt \(run.attempt)): \(error); run `git orchestrate doctor`")
                continue
            }
            guard let result = concluded else { continue }
            var note = "note: the agent run of \(run.task) (attempt \(run.attempt)) is disconnected: no heartbeat for \(silence)s and its supervisor (pid \(run.supervisorPid.map(String.init) ?? "?")) is gone"
            if killed, let pid = run.pid { note += "; stopped its agent process group \(pid)" }
            note += result.taskState == .queued ? "; task \(run.task) is queued again" : "; task \(run.task) is now \(result.taskState.rawValue)"
            if let kept = result.keptRef { note += " (work kept at \(kept))" }
            context.err(note)
            results.append(result)
        }
        return results
    }

    /// Stops what is left of an unwatched agent: its process group, when the group still
    /// belongs to that agent (the leader is the same process, or gone without its pid having
    /// been reused). SIGTERM, then SIGKILL after the grace period. Returns whether anything was
    /// still running.
    func stopOrphanedAgent(pid: Int32, startTime: String?) -> Bool {
        if let info = ProcessIdentity.stat(of: pid), let startTime, info.startTime != startTime {
            return false  // the pid now names another process: the agent's group is long gone
        }
        guard !ProcessGroup.liveMembers(pid).isEmpty else { return false }
        ProcessGroup.signal(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(AgentSupervisor.graceSeconds)
        while Date() < deadline {
            if ProcessGroup.liveMembers(pid).isEmpty { return true }
            usleep(100_000)
        }
        ProcessGroup.signal(pid, SIGKILL)
        return true
    }

    /// `doctor`'s view of agent runs: ends disconnected ones, and reports the rest.
    func doctorRuns() throws -> [DoctorFinding] {
        var findings = try reapDisconnectedRuns().map { result in
            DoctorFinding(
                severity: .problem,
                message: "the agent run of \(result.run.task) (attempt \(result.run.attempt)) had lost its supervisor; recorded it as disconnected and the task is now \(result.taskState.rawValue)",
                repaired: true)
        }
        let now = context.now()
        let window = 2 * TimeInterval(config.agent.heartbeatSeconds)
        for run in try store.read({ try $0.openRuns() }) where now.timeIntervalSince(run.heartbeatAt) > window {
            findings.append(DoctorFinding(
                severity: .warning,
                message: "the agent run of \(run.task) has sent no heartbeat for \(Int(now.timeIntervalSince(run.heartbeatAt)))s but its supervisor (pid \(run.supervisorPid.map(String.init) ?? "?")) is alive; it may be suspended — resume or stop it"))
        }
        return findings
    }

    /// Refreshes the heartbeat of the task's run in progress, if it has one (for progress
    /// hooks: a commit by the agent shows it is alive). Returns whether there was one.
    @discardableResult
    public func touchOpenRun(_ id: TaskID) throws -> Bool {
        try store.write { try $0.heartbeatOpenRun(of: id) } != nil
    }

    /// Records that the agent working on a task is alive (`git orchestrate heartbeat`). Exit 2
    /// when the task has no run in progress.
    public func recordHeartbeat(_ idText: String, progress: String? = nil) throws -> RunRecord {
        let id = try parseID(idText)
        try TextInput.refuseNUL(progress, "the --progress message of \(id)")
        let message = progress?.trimmingCharacters(in: .whitespacesAndNewlines)
        if message?.isEmpty == true {
            throw OrchestrateError.badInput("--progress needs a message saying what \(id)'s agent did; nothing was recorded")
        }
        let run = try store.write { tx -> RunRecord? in
            _ = try requireTask(id, in: tx)
            let run = try tx.heartbeatOpenRun(of: id)
            if let run, let message { try recordProgress(message, of: id, run: run, in: tx) }
            return run
        }
        guard let run else {
            throw OrchestrateError.badInput(
                "task \(id) has no agent run in progress; heartbeats count only while `git orchestrate run \(id)` or `up` supervises it")
        }
        return run
    }
}
