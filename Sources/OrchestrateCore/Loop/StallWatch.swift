import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// What the stall watch tells the supervisor about one run.
struct StallNotice {
    var run: Int64
    var task: TaskID
    var message: String
    /// Whether the supervisor should stop the agent (`agent.onStall: "restart"`).
    var restart: Bool
}

/// Notices agents that are alive but doing nothing. Activity is a move of the task's branch, a
/// change in its worktree's files (a status snapshot: the changed paths with their size and
/// modification time — git's own stat cache does the rest, nothing is read or hashed), or a new
/// `progress` event (`heartbeat --progress`, MCP `report_progress`, a commit seen by a hook).
/// Looked at every `interval`, not every poll. A run with no activity for `agent.stallSeconds`
/// is stalled: once per stall, a `stalled` event and `stalledAt` in the run's detail (what
/// `status` and `show` read); new activity ends the stall.
final class StallWatch {
    private struct Watched {
        var lastActivity: Date
        var lastCheck: Date
        var fingerprint: Int?
        var progressSeq: Int64 = 0
        var stalledAt: Date?
    }

    private let store: Store
    private let repository: Repository
    private let config: Config.Agent
    private let actor: String
    private var watched: [Int64: Watched] = [:]

    init(store: Store, repository: Repository, config: Config.Agent, actor: String) {
        self.store = store
        self.repository = repository
        self.config = config
        self.actor = actor
    }

    /// How often a run is looked at: a quarter of the stall time, between 0.5 s and 15 s (10 s
    /// when stall detection is off, for the "last activity" evidence alone).
    var interval: TimeInterval {
        guard let stall = config.stallSeconds else { return 10 }
        return min(15, max(0.5, Double(stall) / 4))
    }

    /// Looks at the runs due for a look; forgets runs no longer given. Failures to look are
    /// not activity and not a stall: the run is simply looked at again next time.
    func observe(_ runs: [(run: RunRecord, task: TaskRecord)], now: Date) -> [StallNotice] {
        let ids = Set(runs.map(\.run.id))
        watched = watched.filter { ids.contains($0.key) }
        var notices: [StallNotice] = []
        for (run, task) in runs {
            var entry = watched[run.id] ?? Watched(lastActivity: run.startedAt, lastCheck: .distantPast)
            defer { watched[run.id] = entry }
            guard now.timeIntervalSince(entry.lastCheck) >= interval else { continue }
            entry.lastCheck = now
            guard let fingerprint = fingerprint(of: task), let seq = try? store.read({
                try $0.latestAuditSeq(task: task.id, kinds: [.progress])
            }) else { continue }
            let first = entry.fingerprint == nil
            if first || fingerprint != entry.fingerprint || seq != entry.progressSeq {
                if !first { entry.lastActivity = now }
                entry.fingerprint = fingerprint
                entry.progressSeq = seq
                if !first, let notice = activityResumed(&entry, run: run, task: task, now: now) { notices.append(notice) }
                continue
            }
            if let limit = config.stallSeconds, entry.stalledAt == nil,
                now.timeIntervalSince(entry.lastActivity) >= TimeInterval(limit),
                let notice = stalled(&entry, run: run, task: task, now: now)
            {
                notices.append(notice)
            }
        }
        return notices
    }

    private func activityResumed(_ entry: inout Watched, run: RunRecord, task: TaskRecord, now: Date) -> StallNotice? {
        var fields: [String: JSONValue] = ["lastActivityAt": .string(Timestamp.format(now))]
        let wasStalled = entry.stalledAt != nil
        if wasStalled { fields["stalledAt"] = .null }
        // Evidence only: a failed write is retried with the next activity.
        guard (try? store.write { try $0.mergeRunDetail(id: run.id, fields) }) != nil else { return nil }
        entry.stalledAt = nil
        guard wasStalled else { return nil }
        return StallNotice(run: run.id, task: task.id, message: "\(task.id) is active again", restart: false)
    }

    private func stalled(_ entry: inout Watched, run: RunRecord, task: TaskRecord, now: Date) -> StallNotice? {
        let idle = Int(now.timeIntervalSince(entry.lastActivity).rounded())
        let restart = config.onStall == .restart
        let head = try? repository.referenceTarget("refs/heads/\(task.branch)")
        do {
            try store.write { tx in
                let current = try tx.run(id: run.id)
                guard current?.isOpen == true else { return }
                var fields: [String: JSONValue] = [
                    "stalledAt": .string(Timestamp.format(now)), "lastActivityAt": .string(Timestamp.format(entry.lastActivity)),
                    "idleSeconds": .int(Int64(idle)),
                ]
                if restart { fields["stallRestart"] = .bool(true) }
                try tx.mergeRunDetail(id: run.id, fields)
                try tx.appendAudit(NewAuditEvent(
                    kind: .stalled, task: task.id, oid: head?.hex, actor: actor,
                    detail: [
                        "attempt": .int(Int64(run.attempt)), "idleSeconds": .int(Int64(idle)),
                        "stallSeconds": .int(Int64(config.stallSeconds ?? 0)),
                        "lastActivityAt": .string(Timestamp.format(entry.lastActivity)),
                        "heartbeatAt": .string(Timestamp.format(current?.heartbeatAt ?? run.heartbeatAt)),
                        "pid": run.pid.map { .int(Int64($0)) } ?? .null,
                        "action": .string(restart ? "restart" : "report"),
                    ]))
            }
        } catch {
            return nil  // looked at again next time
        }
        entry.stalledAt = now
        let action = restart ? "stopping it to run the task again (agent.onStall: restart)" : "still running (agent.onStall: report)"
        return StallNotice(
            run: run.id, task: task.id,
            message: "\(task.id) stalled: no commit, worktree change or progress for \(idle)s; \(action)", restart: restart)
    }

    /// The branch head and the worktree's changed paths with size and modification time, hashed.
    private func fingerprint(of task: TaskRecord) -> Int? {
        guard let worktree = task.worktree, let status = try? Repository.open(at: worktree).status() else { return nil }
        var hasher = Hasher()
        hasher.combine((try? repository.referenceTarget("refs/heads/\(task.branch)"))?.hex)
        for entry in status.sorted(by: { $0.path < $1.path }) {
            hasher.combine(entry.path)
            hasher.combine(entry.isStaged)
            var info = stat()
            if lstat(worktree + "/" + entry.path, &info) == 0 {
                hasher.combine(info.st_size)
                hasher.combine(info.st_mtim.tv_sec)
                hasher.combine(info.st_mtim.tv_nsec)
            }
        }
        return hasher.finalize()
    }
}
