import GRDB
import OrchestrateModel

extension StoreTransaction {
    /// The sequence number of the task's newest audit event of one of `kinds` (0 when none):
    /// a cheap way to notice a new `progress` event.
    public func latestAuditSeq(task: TaskID, kinds: [AuditKind]) throws -> Int64 {
        guard !kinds.isEmpty else { return 0 }
        return try Int64.fetchOne(
            db, sql: "SELECT max(seq) FROM audit_events WHERE task = ? AND kind IN (\(databaseQuestionMarks(count: kinds.count)))",
            arguments: StatementArguments([task.rawValue] + kinds.map(\.rawValue))) ?? 0
    }

    /// Sets (or, with `.null`, removes) keys of an open run's detail: what the stall watch
    /// learns about the run (`lastActivityAt`, `stalledAt`, …). Ended runs are left alone.
    public func mergeRunDetail(id: Int64, _ fields: [String: JSONValue]) throws {
        guard let current = try run(id: id), current.isOpen else { return }
        var detail = current.detailObject
        for (key, value) in fields {
            if value == .null { detail.removeValue(forKey: key) } else { detail[key] = value }
        }
        try db.execute(
            sql: "UPDATE runs SET detail = ? WHERE id = ? AND endedAt IS NULL",
            arguments: [JSONValue.object(detail).canonicalText, id])
    }
}
