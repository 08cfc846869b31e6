import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// One commit of a task's change, for `review`.
public struct ReviewCommit: Sendable {
    public var oid: String
    public var author: String
    public var date: Date
    public var summary: String
}

/// One file of a task's change with its line counts, for `review`.
public struct ReviewFile: Sendable {
    public var path: String
    public var oldPath: String?
    /// `added`, `modified`, `deleted`, `renamed`, `typechange`.
    public var status: String
    public var insertions: Int
    public var deletions: Int
    public var isBinary: Bool
}

/// Everything a reviewer needs to judge a task, for `review`.
public struct ReviewReport: Sendable {
    public var task: TaskRecord
    public var base: String
    public var head: String
    public var commits: [ReviewCommit]
    public var files: [ReviewFile]
    /// The unified diff base..head, when asked for.
    public var patch: String?
    /// Approvals of the current head.
    public var approvals: [ApprovalRecord]
    /// Approvals given to earlier heads of this task (they no longer count).
    public var earlierApprovals: [ApprovalRecord]
    public var approvalsRequired: Int
    /// Approval rows of the database that the ledger does not hold (or, with
    /// `approvals.requireSigned`, whose signature does not verify): shown, never counted.
    public var untrustedApprovals: [ApprovalRecord] = []
    /// `approvalVoided` events of this task, oldest first.
    public var voided: [AuditEvent]
    /// Whether the latest approval was voided and none has been given since.
    public var approvalVoided: Bool
    /// `conflicted` events (written by the merge buffer), oldest first.
    public var conflicts: [AuditEvent]
    /// `checkFailed` (and other check) events, oldest first.
    public var checks: [AuditEvent]
}

extension Orchestrator {
    /// Gathers the commits, files, approvals and check results of a task's change base..head.
    /// A branch that moved since it was last seen is recorded first (as `approve` does).
    public func reviewTask(_ idText: String, includePatch: Bool) throws -> ReviewReport {
        let id = try parseID(idText)
        var task = try store.read { try requireTask(id, in: $0) }
        if task.state.isInFlight, let branchHead = try mainRepository.referenceTarget("refs/heads/\(task.branch)") {
            task = try observeHead(of: id, newHead: branchHead, source: "review")
        }
        guard let baseHex = task.base, let base = ObjectID(hex: baseHex),
            let headHex = task.head, let head = ObjectID(hex: headHex)
        else {
            throw OrchestrateError.badInput(
                "task \(id) is \(task.state.rawValue) and has not been started, so there is nothing to review; run `git orchestrate start \(id)` first")
        }
        let commits = try mainRepository.commits(from: [head], hiding: [base]).map { oid in
            let info = try mainRepository.commitInfo(oid)
            return ReviewCommit(oid: oid.hex, author: info.author.identity, date: info.author.time, summary: info.summary)
        }
        let files = try mainRepository.changedFiles(from: base, to: head).map { change in
            ReviewFile(
                path: change.path, oldPath: change.oldPath, status: ReviewFile.statusName(change.status),
                insertions: change.insertions, deletions: change.deletions, isBinary: change.isBinary)
        }
        let patch = includePatch ? try mainRepository.patchText(from: base, to: head) : nil
        let (approvals, events) = try store.read { tx in
            (try tx.approvals(ofTask: id), try tx.auditEvents(task: id))
        }
        // Only what the ledger holds counts (docs/security.md); other rows are shown apart.
        let state = try ledgerState()
        let trust = try ledgerTrust()
        let held = Set(state.approvals.filter { $0.task == id.rawValue && trust.approval($0) }.map { "\($0.head) \($0.approver.email ?? $0.approver.text)" })
        func isHeld(_ a: ApprovalRecord) -> Bool {
            let person = PersonIdentity(a.approver)
            return held.contains("\(a.oid) \(person.email ?? person.text)")
        }
        let lastApproved = events.last { $0.kind == AuditKind.approved.rawValue }?.seq ?? 0
        let voided = events.filter { $0.kind == AuditKind.approvalVoided.rawValue }
        return ReviewReport(
            task: task, base: baseHex, head: headHex, commits: commits, files: files, patch: patch,
            approvals: approvals.filter { $0.oid == headHex && isHeld($0) },
            earlierApprovals: approvals.filter { $0.oid != headHex && isHeld($0) },
            approvalsRequired: config.approvals.required, untrustedApprovals: approvals.filter { !isHeld($0) }, voided: voided,
            approvalVoided: (voided.last?.seq ?? 0) > lastApproved,
            conflicts: events.filter { $0.kind == AuditKind.conflicted.rawValue },
            checks: events.filter { $0.kind.hasPrefix("check") })
    }
}

extension ReviewFile {
    static func statusName(_ code: Character) -> String {
        switch code {
        case "A": return "added"
        case "D": return "deleted"
        case "R": return "renamed"
        case "T": return "typechange"
        default: return "modified"
        }
    }
}
