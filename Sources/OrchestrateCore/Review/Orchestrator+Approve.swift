import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// What `approve` recorded.
public struct ApprovalOutcome: Sendable {
    public var task: TaskRecord
    public var approval: ApprovalRecord
    /// Distinct approvers of the current head, this one included.
    public var approvals: Int
    public var required: Int
    /// Whether this approval completed the policy (the task is now `approved`).
    public var satisfied: Bool
}

extension Orchestrator {
    /// Approves the task's current branch head as `by` (default: the acting git identity).
    /// Only a submitted (or approved) task whose branch still points at the submitted head;
    /// refused, naming the rule, when the `approvals` policy forbids this approver. When enough
    /// distinct approvers have approved this head the task becomes `approved` and every commit
    /// of base..head is cleared for the pre-push gate — all in one transaction.
    public func approveTask(_ idText: String, by: String?, comment: String?) throws -> ApprovalOutcome {
        let id = try parseID(idText)
        try TextInput.refuseNUL(comment, "the --comment on approving \(id)")
        try TextInput.refuseNUL(by, "the --by identity approving \(id)")
        if let by, !PersonIdentity.isGitIdentity(by) {
            throw OrchestrateError.badInput(
                "--by \(by.debugDescription) is not an identity; write it as git does, such as \"Rita Reviewer <rita@example.com>\"")
        }
        let approver = PersonIdentity(try by ?? requireIdentity())
        var task = try store.read { try requireTask(id, in: $0) }
        guard let branchHead = try mainRepository.referenceTarget("refs/heads/\(task.branch)") else {
            throw OrchestrateError.badInput(
                "task \(id) is \(task.state.rawValue) and has no branch \(task.branch); only a submitted task can be approved")
        }
        // A branch moved since the last look is recorded first (voiding an approval if any).
        task = try observeHead(of: id, newHead: branchHead, source: "approve")
        guard task.state == .submitted || task.state == .approved else {
            throw OrchestrateError.badInput(
                "task \(id) is \(task.state.rawValue); only a submitted task can be approved (run `git orchestrate submit \(id)` first)")
        }
        guard let base = task.base.flatMap(ObjectID.init(hex:)) else {
            throw OrchestrateError.badInput("task \(id) has no recorded base; run `git orchestrate doctor`")
        }
        if let submitted = task.submittedHead, submitted != branchHead.hex {
            throw OrchestrateError.badInput(
                "task \(id) moved since it was submitted (submitted at \(submitted.prefix(8)), now at \(branchHead.short())); review it and run `git orchestrate submit \(id)` again before approving")
        }
        // Facts gathered outside the write lock: the commits, their authors, the patch id.
        let commits = try mainRepository.commits(from: [branchHead], hiding: [base])
        var authors: [PersonIdentity] = []
        for oid in commits {
            let info = try mainRepository.commitInfo(oid)
            authors.append(PersonIdentity(info.author.identity))
            authors.append(PersonIdentity(info.committer.identity))
        }
        if let agent = task.claimedBy { authors.append(PersonIdentity(agent)) }
        if let rule = config.approvals.refusal(of: approver, authors: authors) {
            throw refusalError(rule, approver: approver, task: id)
        }
        var approval = ApprovalRecord(
            oid: branchHead.hex, approver: approver.text, task: id,
            tree: try mainRepository.treeOf(branchHead).hex,
            patchId: try mainRepository.patchID(from: base, to: branchHead), base: base.hex,
            time: context.now(), comment: comment)
        let required = config.approvals.required
        let recorder = actor
        return try store.write { tx in
            var current = try requireTask(id, in: tx)
            guard current.head == branchHead.hex, current.state == .submitted || current.state == .approved else {
                throw OrchestrateError.failed(
                    "task \(id) changed while it was being approved (now \(current.state.rawValue) at \(current.head.map { String($0.prefix(8)) } ?? "no head")); review it again")
            }
            let existing = try tx.approvals(ofCommit: branchHead.hex).filter { $0.task == id }
            // One person is one approver however they spell their identity: a second approval by
            // the same e-mail updates the first row instead of counting twice.
            let same = existing.filter { PersonIdentity($0.approver).matches(approver) }
            if let first = same.first { approval.approver = first.approver }
            let count = existing.count - same.count + 1
            let satisfied = count >= required
            var detail: [String: JSONValue] = [
                "approver": .string(approver.text), "tree": .string(approval.tree),
                "patchId": .string(approval.patchId), "base": .string(base.hex),
                "approvals": .int(Int64(count)), "required": .int(Int64(required)),
                "satisfied": .bool(satisfied), "comment": .optional(comment),
            ]
            if recorder != approver.text { detail["recordedBy"] = .string(recorder) }
            let event = try tx.appendAudit(NewAuditEvent(
                kind: .approved, task: id, oid: branchHead.hex, actor: approver.text, detail: detail))
            try tx.insertApproval(approval, auditSeq: event.seq)
            if satisfied {
                if current.state != .approved {
                    current.state = .approved
                    current = try tx.updateTask(current)
                }
                try tx.insertClearedCommits(
                    commits.map { ClearedCommit(oid: $0.hex, task: id, reason: .approved) }, auditSeq: event.seq)
            }
            return ApprovalOutcome(
                task: current, approval: approval, approvals: count, required: required,
                satisfied: satisfied)
        }
    }

    private func refusalError(_ rule: ApprovalRule, approver: PersonIdentity, task id: TaskID) -> OrchestrateError {
        switch rule {
        case .notAnApprover(let allowed):
            return .badInput(
                "\(approver) may not approve \(id): refused by the rule `approvals.approvers` in \(Config.fileName), which allows only \(allowed.joined(separator: ", ")); ask one of them to approve")
        case .selfApproval(let author):
            return .badInput(
                "\(approver) may not approve \(id): refused by the rule `approvals.allowSelfApproval` (false), because \(author) wrote or claimed this task; ask another reviewer (`--by`)")
        }
    }
}
