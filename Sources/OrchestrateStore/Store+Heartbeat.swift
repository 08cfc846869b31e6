import Foundation
import GRDB
import OrchestrateModel

extension StoreTransaction {
    /// Marks the task's open run (if any) as alive now: a commit counts as a heartbeat.
    /// Returns whether there was an open run.
    @discardableResult
    public func touchOpenRun(of id: TaskID) throws -> Bool {
        try db.execute(
            sql: "UPDATE runs SET heartbeatAt = ? WHERE task = ? AND endedAt IS NULL",
            arguments: [Timestamp.format(now), id.rawValue])
        return db.changesCount > 0
    }
}
