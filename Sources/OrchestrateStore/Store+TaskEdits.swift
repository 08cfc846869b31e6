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

extension StoreTransaction {
    /// Records the template a task was made from.
    public func setTemplate(of id: TaskID, to template: String) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO task_templates (task, template) VALUES (?, ?)", arguments: [id.rawValue, template])
    }

    /// The template a task was made from, if any.
    public func template(of id: TaskID) throws -> String? {
        try String.fetchOne(db, sql: "SELECT template FROM task_templates WHERE task = ?", arguments: [id.rawValue])
    }
}
