import GRDB
import OrchestrateModel

extension StoreTransaction {
    /// Withdraws the gate clearance that approving task `id` gave (reason `approved`); used
    /// when the task is rejected. Landed and reverted commits keep theirs. Returns how many.
    @discardableResult
    public func revokeApprovalClearance(of id: TaskID) throws -> Int {
        try db.execute(
            sql: "DELETE FROM cleared_commits WHERE task = ? AND reason = 'approved'", arguments: [id.rawValue])
        return db.changesCount
    }
}
