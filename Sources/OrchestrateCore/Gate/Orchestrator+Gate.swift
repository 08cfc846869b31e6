import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// One line of git's pre-push input: `<local ref> <local oid> <remote ref> <remote oid>`.
public struct PushUpdate: Sendable, Equatable {
    public var localRef: String
    public var localOid: ObjectID
    public var remoteRef: String
    public var remoteOid: ObjectID

    /// Whether the push deletes the remote ref.
    public var isDeletion: Bool { localOid.isZero }

    /// Parses git's pre-push lines; blank lines are skipped, a malformed one is an error.
    public static func parse(_ input: String) throws -> [PushUpdate] {
        try input.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            if fields.isEmpty { return nil }
            guard fields.count == 4, let local = ObjectID(hex: String(fields[1])),
                let remote = ObjectID(hex: String(fields[3]))
            else { throw OrchestrateError.badInput("git passed the pre-push hook a line it cannot read: \(line)") }
            return PushUpdate(localRef: String(fields[0]), localOid: local, remoteRef: String(fields[2]), remoteOid: remote)
        }
    }
}

/// A commit the gate refuses, and the task it belongs to when it is on a task branch.
public struct GateOffender: Sendable, Equatable {
    public var oid: ObjectID
    public var summary: String
    public var task: TaskID?

    /// The command that would let this commit through.
    public var remedy: String {
        if let task { return "approve it with `git orchestrate approve \(task)`" }
        return "it belongs to no task: queue the work with `git orchestrate add`, have it reviewed and approved"
    }
}

/// What the gate decided for one ref update of a push.
public struct GateDecision: Sendable {
    public var update: PushUpdate
    /// Whether the remote ref is protected (unprotected updates pass untouched).
    public var isProtected: Bool
    public var allowed: Bool
    /// How many commits the remote does not have yet.
    public var commitCount: Int
    public var offenders: [GateOffender]
    /// Why a deletion was refused.
    public var deletionRefused: Bool

    /// The refusal as printed by the pre-push hook.
    public func refusalText(remote: String) -> String {
        let target = "\(remote.isEmpty ? "the remote" : remote) \(update.remoteRef)"
        if deletionRefused {
            return "error: push refused: deleting the protected branch \(target) is not allowed; set `gate.allowProtectedDeletion` in .augment-orchestrator.json if it must be deleted"
        }
        var lines = ["error: push to \(target) refused: \(offenders.count) of \(commitCount) commit\(commitCount == 1 ? "" : "s") lack\(offenders.count == 1 ? "s" : "") approval:"]
        lines += offenders.map { "  \($0.oid.short()) \($0.summary) — \($0.remedy)" }
        return lines.joined(separator: "\n")
    }
}

extension Orchestrator {
    /// Whether a push to `remoteRef` is guarded: a branch whose name matches a
    /// `protectedBranches` glob.
    public func isProtected(remoteRef: String) -> Bool {
        guard remoteRef.hasPrefix("refs/heads/") else { return false }
        let branch = String(remoteRef.dropFirst("refs/heads/".count))
        return config.protectedBranches.contains { Glob.matches($0, branch) }
    }

    /// The pre-push gate: decides each update of git's pre-push `lines` to `remote` and records
    /// every decision on a protected ref in the audit trail.
    public func gatePush(remote: String, lines: String) throws -> [GateDecision] {
        let updates = try PushUpdate.parse(lines)
        // Only what the remote itself says its ref holds (git's pre-push input) is taken as
        // gated already: a tracking ref (refs/remotes/…) is a local file anyone can move.
        var decisions: [GateDecision] = []
        for update in updates {
            guard isProtected(remoteRef: update.remoteRef) else {
                decisions.append(GateDecision(
                    update: update, isProtected: false, allowed: true, commitCount: 0, offenders: [], deletionRefused: false))
                continue
            }
            var decision: GateDecision
            if update.isDeletion {
                decision = GateDecision(
                    update: update, isProtected: true, allowed: config.allowProtectedDeletion, commitCount: 0,
                    offenders: [], deletionRefused: !config.allowProtectedDeletion)
            } else {
                var hiding: [ObjectID] = []
                if !update.remoteOid.isZero { hiding.append(update.remoteOid) }
                let (count, offenders) = try unclearedCommits(from: update.localOid, hiding: hiding)
                decision = GateDecision(
                    update: update, isProtected: true, allowed: offenders.isEmpty, commitCount: count,
                    offenders: offenders, deletionRefused: false)
            }
            try recordGateDecision(decision, remote: remote)
            decisions.append(decision)
        }
        return decisions
    }

    func recordGateDecision(_ decision: GateDecision, remote: String) throws {
        let shown = decision.offenders.prefix(100)
        let tasks = Set(decision.offenders.compactMap(\.task?.rawValue)).sorted()
        var detail: [String: JSONValue] = [
            "remote": .string(remote), "localRef": .string(decision.update.localRef),
            "remoteRef": .string(decision.update.remoteRef), "remoteOid": .string(decision.update.remoteOid.hex),
            "commits": .int(Int64(decision.commitCount)), "refusedCount": .int(Int64(decision.offenders.count)),
            "refused": .array(shown.map { .string($0.oid.hex) }), "tasks": .array(tasks.map(JSONValue.string)),
        ]
        if decision.update.isDeletion { detail["deletion"] = .bool(true) }
        try store.write { tx in
            try tx.appendAudit(NewAuditEvent(
                kind: decision.allowed ? .gatePassed : .gateRefused,
                task: tasks.count == 1 ? TaskID(tasks[0]) : nil,
                oid: decision.update.isDeletion ? nil : decision.update.localOid.hex, actor: actor, detail: detail))
        }
    }

    /// The commits reachable from `head` and not from `hiding` nor from the history the
    /// protected branches held at `init` (as the ledger records it; ids missing locally are
    /// ignored), and those among them that the ledger does not clear, oldest first. Rows of
    /// the database alone clear nothing: whoever can write a file could have written them.
    public func unclearedCommits(from head: ObjectID, hiding: [ObjectID]) throws -> (count: Int, offenders: [GateOffender]) {
        let state = try ledgerState()
        let present = try (hiding + state.baseline).filter { try repository.hasObject($0) }
        let commits = try repository.commits(from: [head], hiding: present)
        let trust = try ledgerTrust()
        let cleared = state.cleared(
            among: Set(commits), required: config.approvals.required, trusts: trust.approval, trustsLanding: trust.landing)
        let uncleared = commits.filter { !cleared.contains($0) }
        guard !uncleared.isEmpty else { return (commits.count, []) }
        let owners = try taskOwners(of: Set(uncleared))
        let offenders = try uncleared.map { oid in
            GateOffender(oid: oid, summary: try repository.commitInfo(oid).summary, task: owners[oid])
        }
        return (commits.count, offenders)
    }

    /// Which in-flight task branch each of `oids` is on (its commits beyond its base, which
    /// may already sit on the target when it was fast-forwarded by hand).
    func taskOwners(of oids: Set<ObjectID>) throws -> [ObjectID: TaskID] {
        let tasks = try store.read { try $0.tasks(in: TaskState.allCases.filter(\.isInFlight)) }
        let target = try repository.referenceTarget(targetRef)
        var owners: [ObjectID: TaskID] = [:]
        for task in tasks {
            guard let tip = try repository.referenceTarget("refs/heads/\(task.branch)") else { continue }
            let base = task.base.flatMap(ObjectID.init(hex:)) ?? target
            let hiding = base.map { [$0] } ?? []
            for oid in try repository.commits(from: [tip], hiding: hiding) where oids.contains(oid) {
                owners[oid] = owners[oid] ?? task.id
            }
        }
        return owners
    }
}
