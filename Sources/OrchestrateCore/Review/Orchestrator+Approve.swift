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
    /// Whether the approval is SSH-signed (its approver proven by the signature).
    public var signed: Bool = false
    /// The identity `--by` named when nothing proved it: kept as a claim only.
    public var claimedFor: String? = nil
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
        // Who acts is git's identity (refused when there is none); `--by` only names a claim
        // until a signature proves it (see `signApproval`).
        let recorder = try requireIdentity()
        let named = PersonIdentity(by ?? recorder)
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
        let tree = try mainRepository.treeOf(branchHead).hex
        let patchId = try mainRepository.patchID(from: base, to: branchHead)
        let now = context.now()
        // Who approves is what a signature proves: the named identity when a key the allowed
        // signers list for that e-mail signed the payload; otherwise the acting identity, and
        // `--by` is kept only as a claim (typing a name proves nothing).
        let signed = try signApproval(
            named: named, recorder: recorder, task: id, head: branchHead, base: base, tree: tree, patchId: patchId,
            commits: commits, comment: comment, now: now)
        let approver = signed.approver
        if let rule = config.approvals.refusal(of: approver, authors: authors) {
            throw refusalError(rule, approver: approver, task: id)
        }
        var approval = ApprovalRecord(
            oid: branchHead.hex, approver: approver.text, task: id, tree: tree, patchId: patchId, base: base.hex,
            time: now, comment: comment)
        let required = config.approvals.required
        let outcome = try store.write { tx in
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
                "signed": .bool(signed.signature != nil),
            ]
            if let claim = signed.claimed { detail["claimedFor"] = .string(claim) }
            let event = try tx.appendAudit(NewAuditEvent(
                kind: .approved, task: id, oid: branchHead.hex, actor: recorder, detail: detail))
            try tx.insertApproval(approval, auditSeq: event.seq)
            try recordInLedger(signed.payload, signature: signed.signature, audit: event, in: tx)
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
                satisfied: satisfied, signed: signed.signature != nil, claimedFor: signed.claimed)
        }
        syncAfterChange()
        return outcome
    }

    /// The ledger payload of an approval, signed when git's signing configuration allows, and
    /// who it proves approved: `named` when the signature verifies for it against the allowed
    /// signers, else the acting identity `recorder` (with `named` kept as a claim). Refuses
    /// when `approvals.requireSigned` and the signature does not prove `named`.
    private func signApproval(
        named: PersonIdentity, recorder: String, task id: TaskID, head: ObjectID, base: ObjectID, tree: String,
        patchId: String, commits: [ObjectID], comment: String?, now: Date
    ) throws -> (payload: [String: JSONValue], signature: String?, approver: PersonIdentity, claimed: String?) {
        let signing = try signingConfig()
        let requireSigned = config.approvals.requireSigned
        if requireSigned && !signing.canSign {
            throw OrchestrateError.badInput(
                "\(id) was not approved: `approvals.requireSigned` is true and git has no SSH signing key here; set `git config gpg.format ssh` and `git config user.signingKey <key>` (docs/security.md), then approve again")
        }
        let policy: JSONValue = [
            "required": .int(Int64(config.approvals.required)), "allowSelfApproval": .bool(config.approvals.allowSelfApproval),
            "approvers": .array(config.approvals.approvers.map(JSONValue.string)), "requireSigned": .bool(requireSigned),
        ]
        func payload(approver: String, claimed: String?) -> [String: JSONValue] {
            var fields: [String: JSONValue] = [
                "kind": "approved", "task": .string(id.rawValue), "oid": .string(head.hex), "base": .string(base.hex),
                "tree": .string(tree), "patchId": .string(patchId), "approver": .string(approver),
                "actor": .string(recorder), "time": .string(Timestamp.format(now)), "policy": policy,
                "commits": .array(commits.map { .string($0.hex) }), "comment": .optional(comment),
            ]
            if let claimed { fields["claimedFor"] = .string(claimed) }
            return ledgerPayload(fields, now: now)
        }
        let ssh = SSHSignatures(environment: context.environment)
        if signing.canSign, let key = signing.keyPath {
            let proposed = payload(approver: named.text, claimed: nil)
            let text = Data(JSONValue.object(proposed).canonicalText.utf8)
            let signature = try ssh.sign(text, keyPath: key)
            if let email = named.email, let allowed = signing.allowedSigners,
                ssh.verify(text, signature: signature, principal: email, allowedSigners: allowed)
            {
                return (proposed, signature, named, nil)
            }
            if requireSigned {
                throw OrchestrateError.badInput(
                    "\(id) was not approved: the signature made with user.signingKey does not verify for \(named) against gpg.ssh.allowedSignersFile (\(signing.allowedSigners ?? "not set")); add that key for \(named.email ?? named.text) to the allowed signers or approve as yourself")
            }
        } else if requireSigned {
            preconditionFailure("refused above when no key is configured")
        }
        let claimed = named.matches(PersonIdentity(recorder)) ? nil : named.text
        return (payload(approver: recorder, claimed: claimed), nil, PersonIdentity(recorder), claimed)
    }

    private func refusalError(_ rule: ApprovalRule, approver: PersonIdentity, task id: TaskID) -> OrchestrateError {
        switch rule {
        case .notAnApprover(let allowed):
            return .badInput(
                "\(approver) may not approve \(id): refused by the rule `approvals.approvers` in \(Config.fileName), which allows only \(allowed.joined(separator: ", ")); ask one of them to approve")
        case .selfApproval(let author):
            return .badInput(
                "\(approver) may not approve \(id): refused by the rule `approvals.allowSelfApproval` (false), because \(author) wrote or claimed this task; ask another reviewer to approve it")
        }
    }
}
