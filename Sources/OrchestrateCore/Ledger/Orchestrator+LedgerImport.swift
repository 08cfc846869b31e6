import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// What an import of the ledger into the database brought in.
public struct LedgerImportReport: Sendable {
    public var tasksCreated: [String] = []
    public var approvals = 0
    public var landings = 0
    public var revocations = 0
}

extension Orchestrator {
    /// Brings the database up to date with ledger events it does not hold: approvals, landings,
    /// reverts and rejects made in another clone (after `sync`), or every event when the
    /// database was lost (`doctor --repair`). Tasks it does not know are created from what the
    /// ledger says of them (id, title, base, approved head; their branch when the commit is
    /// here). Each imported event gets an audit row naming its ledger commit, so an import is
    /// never repeated. Events this database wrote itself (anchored to its own chain) are skipped.
    @discardableResult
    public func importLedger() throws -> LedgerImportReport {
        try importLedger(dryRun: false).report
    }

    /// The ledger events the database lacks (`dryRun`: counted, nothing written).
    func importLedger(dryRun: Bool) throws -> (report: LedgerImportReport, pending: Int) {
        let events = try ledger.events()
        guard !events.isEmpty else { return (LedgerImportReport(), 0) }
        let trust = try ledgerTrust()
        let required = config.approvals.required
        var report = LedgerImportReport()
        var pending = 0
        let body = { (tx: StoreTransaction) throws -> Void in
            let imported = try tx.importedLedgerCommits()
            let chain = try tx.auditHash(ofSeq: 1)
            for event in events where !imported.contains(event.commit.hex) {
                if let anchor = event.anchor, let seq = anchor["seq"]?.intValue, anchor["chain"]?.stringValue == chain,
                    try tx.auditHash(ofSeq: seq) == anchor["hash"]?.stringValue
                {
                    continue  // written by this database
                }
                guard ["approved", "landed", "reverted", "rejected", "revoked"].contains(event.kind) else { continue }
                pending += 1
                if !dryRun { try self.importEvent(event, tx: tx, required: required, trusts: trust.approval, report: &report) }
            }
        }
        if dryRun { try store.read(body) } else { try store.write(body) }
        return (report, pending)
    }

    private func importEvent(
        _ event: LedgerEvent, tx: StoreTransaction, required: Int, trusts: (LedgerState.Approval) -> Bool,
        report: inout LedgerImportReport
    ) throws {
        let eventActor = event.payload["actor"]?.stringValue ?? "unknown"
        guard let idText = event.task, let id = TaskID(idText) else {
            if event.kind == "initialized" {
                try tx.appendAudit(NewAuditEvent(
                    kind: .repaired, actor: actor,
                    detail: ["ledger": .string(event.commit.hex), "imported": "initialized", "baseline": event.payload["baseline"] ?? .array([])]))
            }
            return
        }
        var task = try tx.task(id)
        let head = event.payload["oid"]?.stringValue
        if task == nil, event.kind == "approved" {
            // A task is created only once its approved commit is here (after a fetch of its
            // branch); until then the event waits, and the next sync or repair imports it.
            guard let head, let oid = ObjectID(hex: head), try repository.hasObject(oid) else { return }
        }
        if task == nil, event.kind == "approved" || event.kind == "landed" {
            let base = event.payload["base"]?.stringValue
            task = try tx.insertTask(TaskRecord(
                id: id, title: event.payload["title"]?.stringValue ?? "Task \(id) (from the ledger)", state: .submitted,
                branch: branchName(for: id), base: base, head: head, submittedHead: head, createdAt: tx.now, updatedAt: tx.now))
            report.tasksCreated.append(id.rawValue)
            if event.kind == "approved", let head, let oid = ObjectID(hex: head), try repository.hasObject(oid),
                try repository.referenceTarget("refs/heads/\(branchName(for: id))") == nil
            {
                try? repository.createBranch(branchName(for: id), at: oid)
            }
        }
        guard var current = task else { return }
        let detail: [String: JSONValue] = ["ledger": .string(event.commit.hex), "imported": .bool(true)]
        switch event.kind {
        case "approved":
            guard let head, let approver = event.approver else { return }
            var full = detail
            full["approver"] = .string(approver)
            full["signed"] = .bool(event.signature != nil)
            let audit = try tx.appendAudit(NewAuditEvent(kind: .approved, task: id, oid: head, actor: eventActor, detail: full))
            try tx.insertApproval(ApprovalRecord(
                oid: head, approver: approver, task: id, tree: event.payload["tree"]?.stringValue ?? "",
                patchId: event.payload["patchId"]?.stringValue ?? "", base: event.payload["base"]?.stringValue ?? "",
                time: Timestamp.parse(event.payload["time"]?.stringValue ?? "") ?? tx.now,
                comment: event.payload["comment"]?.stringValue), auditSeq: audit.seq)
            report.approvals += 1
            let state = try LedgerState(events: ledger.events(from: event.commit))
            if state.isApproved(task: id.rawValue, head: head, required: required, trusts: trusts) {
                try tx.insertClearedCommits(
                    event.oids("commits").map { ClearedCommit(oid: $0.hex, task: id, reason: .approved) }, auditSeq: audit.seq)
                if current.state == .submitted || current.state == .queued || current.state == .running, current.head == head {
                    current.state = .approved
                    current = try tx.updateTask(current)
                }
            }
        case "landed", "reverted":
            let landed = event.kind == "landed"
            let audit = try tx.appendAudit(NewAuditEvent(kind: landed ? .landed : .reverted, task: id, oid: head, actor: eventActor, detail: detail))
            let commits = event.oids("landed")
            let sources = (event.payload["sources"]?.arrayValue ?? []).map(\.stringValue)
            try tx.insertLanding(
                task: id, kind: event.kind, target: event.payload["target"]?.stringValue ?? config.target,
                oldTip: event.payload["oldTip"]?.stringValue ?? "", newTip: event.payload["newTip"]?.stringValue ?? "",
                commits: .array(commits.enumerated().map { i, c in
                    ["source": .optional(i < sources.count ? sources[i] : nil), "landed": .string(c.hex)]
                }))
            try tx.insertClearedCommits(
                commits.enumerated().map { i, c in
                    ClearedCommit(oid: c.hex, task: id, reason: landed ? .landed : .reverted, sourceOid: i < sources.count ? sources[i] : nil)
                }, auditSeq: audit.seq)
            current.state = landed ? .merged : .reverted
            if landed, let newTip = event.payload["newTip"]?.stringValue { current.head = newTip }
            current = try tx.updateTask(current)
            report.landings += 1
        case "rejected", "revoked":
            try tx.appendAudit(NewAuditEvent(kind: .rejected, task: id, oid: head, actor: eventActor, detail: detail))
            try tx.revokeApprovalClearance(of: id)
            if current.state == .approved || current.state == .submitted {
                current.state = .rejected
                current = try tx.updateTask(current)
            }
            report.revocations += 1
        default:
            return
        }
    }
}
