import GRDB
import OrchestrateModel

extension StoreTransaction {
    /// Queued tasks whose dependencies are satisfied, best first (priority, then age).
    /// Satisfied means merged; with `allowInFlightDependencies` (stacking), a dependency that
    /// is running, submitted or approved counts too.
    public func readyTasks(allowInFlightDependencies: Bool) throws -> [TaskRecord] {
        let satisfied = allowInFlightDependencies
            ? "('merged', 'running', 'submitted', 'approved')" : "('merged')"
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM tasks t
                WHERE t.state = 'queued' AND NOT EXISTS (
                    SELECT 1 FROM task_dependencies d JOIN tasks u ON u.id = d.dependsOn
                    WHERE d.task = t.id AND u.state NOT IN \(satisfied))
                ORDER BY t.priority DESC, t.seq
                """)
        return try rows.map { row in
            let id: String = row["id"]
            return try TaskRecord(row: row, dependsOn: TaskID(id).map(dependencies(of:)) ?? [])
        }
    }
}
