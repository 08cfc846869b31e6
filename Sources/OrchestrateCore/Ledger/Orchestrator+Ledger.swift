import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// The governance ledger of this repository (shared by every worktree).
    public var ledger: Ledger { Ledger(repository: repository) }

    /// git's signing configuration as git reads it here.
    func signingConfig() throws -> SigningConfig {
        try SigningConfig.read(repositoryDir: repository.workdir ?? repository.commonDir, environment: context.environment)
    }

    /// The audit anchor to store beside a ledger event: this database's chain (the hash of its
    /// first row, also kept in git config `orchestrate.auditChain`) and the row written with it.
    func auditAnchor(for event: AuditEvent, in tx: StoreTransaction) throws -> [String: JSONValue] {
        let chain = try tx.auditHash(ofSeq: 1) ?? event.hash
        if try repository.configString("orchestrate.auditChain") == nil {
            try repository.setLocalConfig("orchestrate.auditChain", to: chain)
        }
        return ["chain": .string(chain), "seq": .int(event.seq), "hash": .string(event.hash)]
    }

    /// Writes a governance event to the ledger inside the store transaction `tx` that wrote its
    /// audit row `audit`: should the ledger write fail, the transaction rolls back; should the
    /// process die after it, the ledger holds the event and `doctor --repair` brings it back.
    /// `payload` is complete (see `ledgerPayload`) and `signature`, when given, signs it.
    @discardableResult
    func recordInLedger(
        _ payload: [String: JSONValue], signature: String? = nil, audit: AuditEvent, in tx: StoreTransaction
    ) throws -> ObjectID {
        let commit = try ledger.append(
            payload: payload, signature: signature, anchor: try auditAnchor(for: audit, in: tx), author: ledgerSignature())
        // A kill here leaves the event in the ledger and not in the database: `doctor --repair`
        // (or the next `sync`) imports it.
        faultInjectionPause("after-ledger-write")
        return commit
    }

    /// `fields` with what every ledger event carries: format version, actor and time.
    func ledgerPayload(_ fields: [String: JSONValue], now: Date) -> [String: JSONValue] {
        var payload = fields
        payload["v"] = .int(1)
        payload["actor"] = payload["actor"] ?? .string(actor)
        payload["time"] = payload["time"] ?? .string(Timestamp.format(now))
        return payload
    }

    /// Who the ledger commits are written by: the acting git identity.
    func ledgerSignature() -> Signature {
        let identity = PersonIdentity(actor)
        return Signature(
            name: identity.name.isEmpty ? "git-orchestrate" : identity.name,
            email: identity.email ?? "git-orchestrate@localhost", time: context.now())
    }

    /// The ledger folded into what it lets through.
    func ledgerState() throws -> LedgerState { LedgerState(events: try ledger.events()) }

    /// The trust rules of this repository's policy: with `approvals.requireSigned`, an
    /// approval counts only when its signature verifies for its approver against
    /// `gpg.ssh.allowedSignersFile`, and a landing only when signed by an allowed signer.
    func ledgerTrust() throws -> (approval: (LedgerState.Approval) -> Bool, landing: (LedgerEvent) -> Bool) {
        guard config.approvals.requireSigned else { return ({ _ in true }, { _ in true }) }
        let signing = try signingConfig()
        let ssh = SSHSignatures(environment: context.environment)
        let allowed = signing.allowedSigners ?? ""
        return (
            { approval in
                guard let sig = approval.event.signature, let email = approval.approver.email else { return false }
                return ssh.verify(approval.event.payloadText, signature: sig, principal: email, allowedSigners: allowed)
            },
            { event in
                guard let sig = event.signature else { return false }
                return !ssh.principals(of: event.payloadText, signature: sig, allowedSigners: allowed).isEmpty
            }
        )
    }

    /// Which of `commits` the ledger clears under this repository's policy.
    func ledgerCleared(_ commits: [ObjectID]) throws -> Set<ObjectID> {
        guard !commits.isEmpty else { return [] }
        let state = try ledgerState()
        let trust = try ledgerTrust()
        return state.cleared(
            among: Set(commits), required: config.approvals.required, trusts: trust.approval, trustsLanding: trust.landing)
    }

    /// Whether the ledger holds enough trusted approvals of `approval`'s commit for its task:
    /// the merge buffer lands nothing the ledger does not back (a row only in SQLite is not).
    func ledgerHolds(_ approval: ApprovalRecord) throws -> Bool {
        let trust = try ledgerTrust()
        return try ledgerState().isApproved(
            task: approval.task.rawValue, head: approval.oid, required: config.approvals.required, trusts: trust.approval)
    }

    /// Records a landing or revert in the ledger (called where the merge buffer records it).
    func recordLandingInLedger(
        _ kind: String, task id: TaskID, oldTip: ObjectID, newTip: ObjectID, commits: [CommitMapping],
        audit: AuditEvent, in tx: StoreTransaction
    ) throws {
        let payload = ledgerPayload([
            "kind": .string(kind), "task": .string(id.rawValue), "oid": .string(newTip.hex),
            "target": .string(config.target), "oldTip": .string(oldTip.hex), "newTip": .string(newTip.hex),
            "landed": .array(commits.map { .string($0.landed) }),
            "sources": .array(commits.map { .string($0.source) }),
        ], now: tx.now)
        let signature = try signIfConfigured(payload)
        try recordInLedger(payload, signature: signature, audit: audit, in: tx)
    }

    /// Signs `payload` (as the ledger will store it) when an SSH signing key is configured.
    func signIfConfigured(_ payload: [String: JSONValue]) throws -> String? {
        let signing = try signingConfig()
        guard signing.canSign, let key = signing.keyPath else { return nil }
        return try SSHSignatures(environment: context.environment).sign(Data(JSONValue.object(payload).canonicalText.utf8), keyPath: key)
    }
}
