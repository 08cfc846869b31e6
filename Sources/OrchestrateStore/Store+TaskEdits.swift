import GRDB
import OrchestrateModel

extension StoreTransaction {
    /// Replaces the dependencies of an existing task (`edit --depends-on/--no-depends-on`).
    public func setDependencies(of id: TaskID, to dependencies: [TaskID]) throws {
        try db.execute(sql: "DELETE FROM task_dependencies WHERE task = ?", arguments: [id.rawValue])
        for dep in dependencies {
            try db.execute(
                sql: "INSERT INTO task_dependencies (task, dependsOn) VALUES (?, ?)", arguments: [id.rawValue, dep.rawValue])
        }
    }
}
