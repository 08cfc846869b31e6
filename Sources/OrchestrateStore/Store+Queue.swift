import GRDB
import OrchestrateModel

extension StoreTransaction {
    /// Queued tasks whose dependencies are satisfied, best first (priority, then age).
    /// Satisfied means merged; with `allowInFlightDependencies` (stacking), a dependency that
    /// is running, submitted or approved counts too.
    public func readyTasks(allowInFlightDependencies: Bool) throws -> [TaskRecord] {
        var result: [TaskRecord] = []
        var columns: TaskColumns?
        let rows = try Row.fetchCursor(db, sql: Self.readySQL(allowInFlightDependencies, select: "t.*"))
        while let row = try rows.next() {
            let c = try columns ?? TaskColumns(row)
            columns = c
            let id: String = row[c.id]
            result.append(try TaskRecord(row: row, columns: c, dependsOn: TaskID(id).map(dependencies(of:)) ?? []))
        }
        return result
    }

    /// The ids of `readyTasks`, in the same order, without loading the tasks (for `status`).
    public func readyTaskIDs(allowInFlightDependencies: Bool) throws -> [TaskID] {
        try String.fetchAll(db, sql: Self.readySQL(allowInFlightDependencies, select: "t.id")).compactMap(TaskID.init)
    }

    private static func readySQL(_ allowInFlightDependencies: Bool, select: String) -> String {
        let satisfied = allowInFlightDependencies
            ? "('merged', 'running', 'submitted', 'approved')" : "('merged')"
        return """
            SELECT \(select) FROM tasks t
            WHERE t.state = 'queued' AND NOT EXISTS (
                SELECT 1 FROM task_dependencies d JOIN tasks u ON u.id = d.dependsOn
                WHERE d.task = t.id AND u.state NOT IN \(satisfied))
            ORDER BY t.priority DESC, t.seq
            """
    }
}
