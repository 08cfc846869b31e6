import Foundation
import GRDB
import OrchestrateModel

extension StoreTransaction {
    /// Records an approval (one per commit and approver; a second by the same approver of the
    /// same commit replaces the comment). `auditSeq` is the `approved` event written with it.
    public func insertApproval(_ approval: ApprovalRecord, auditSeq: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO approvals (oid, approver, task, tree, patchId, base, time, comment, auditSeq)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (oid, approver) DO UPDATE SET comment = excluded.comment, time = excluded.time,
                    auditSeq = excluded.auditSeq
                """,
            arguments: [
                approval.oid, approval.approver, approval.task.rawValue, approval.tree, approval.patchId,
                approval.base, Timestamp.format(approval.time), approval.comment, auditSeq,
            ])
    }

    /// The approvals of commit `oid`.
    public func approvals(ofCommit oid: String) throws -> [ApprovalRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM approvals WHERE oid = ? ORDER BY time", arguments: [oid])
            .compactMap(ApprovalRecord.init(row:))
    }

    /// Every approval ever given on task `id`, oldest first.
    public func approvals(ofTask id: TaskID) throws -> [ApprovalRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM approvals WHERE task = ? ORDER BY time"), arguments: [id.rawValue])
            .compactMap(ApprovalRecord.init(row:))
    }

    /// The time of the newest approval of each of `ids` that has one, keyed by task: one query
    /// however many tasks (the merge order of `status` needs it for every approved task).
    public func latestApprovalTimes(ofTasks ids: [TaskID]) throws -> [TaskID: Date] {
        guard !ids.isEmpty else { return [:] }
        let json = JSONValue.array(ids.map { .string($0.rawValue) }).canonicalText
        var result: [TaskID: Date] = [:]
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT task, max(time) FROM approvals
                WHERE task IN (SELECT value FROM json_each(?)) GROUP BY task
                """,
            arguments: [json])
        while let row = try rows.next() {
            guard let task = TaskID(row[0] as String) else { continue }
            // As `approvals(ofTask:).last`: the text order of `time` is its time order.
            result[task] = Timestamp.parse(row[1]) ?? Date(timeIntervalSince1970: 0)
        }
        return result
    }

    /// Marks commits as cleared for the gate (idempotent: a commit keeps its first reason).
    public func insertClearedCommits(_ commits: [ClearedCommit], auditSeq: Int64) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO cleared_commits (oid, task, reason, sourceOid, auditSeq) VALUES (?, ?, ?, ?, ?)")
        for c in commits {
            try statement.execute(arguments: [c.oid, c.task.rawValue, c.reason.rawValue, c.sourceOid, auditSeq])
        }
    }

    /// Which of `oids` are cleared, keyed by oid: one query however many (the pre-push gate
    /// checks thousands at once).
    public func clearedCommits(among oids: [String]) throws -> [String: ClearedCommit] {
        guard !oids.isEmpty else { return [:] }
        let json = JSONValue.array(oids.map(JSONValue.string)).canonicalText
        var result: [String: ClearedCommit] = [:]
        let rows = try Row.fetchCursor(
            db, sql: "SELECT * FROM cleared_commits WHERE oid IN (SELECT value FROM json_each(?))", arguments: [json])
        while let row = try rows.next() {
            guard let task = TaskID(row["task"] as String), let reason = ClearanceReason(rawValue: row["reason"]) else { continue }
            let oid: String = row["oid"]
            result[oid] = ClearedCommit(oid: oid, task: task, reason: reason, sourceOid: row["sourceOid"])
        }
        return result
    }
}

extension ApprovalRecord {
    init?(row: Row) {
        guard let task = TaskID(row["task"] as String) else { return nil }
        self.init(
            oid: row["oid"], approver: row["approver"], task: task, tree: row["tree"], patchId: row["patchId"],
            base: row["base"], time: Timestamp.parse(row["time"]) ?? Date(timeIntervalSince1970: 0),
            comment: row["comment"])
    }
}
