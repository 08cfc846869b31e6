import GRDB
import OrchestrateModel

extension StoreTransaction {
    /// The sequence number of the newest audit event (0 when the trail is empty). One lookup of
    /// the primary key's last row: the dashboard and `watch` ask it four times a second to
    /// learn that something changed, without reading any state.
    public func latestAuditSeq() throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM audit_events ORDER BY seq DESC LIMIT 1")) ?? 0
    }
}
