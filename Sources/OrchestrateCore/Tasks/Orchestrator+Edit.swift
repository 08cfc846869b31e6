import Foundation
import OrchestrateModel
import OrchestrateStore

/// What `edit` changes; nil or empty leaves a field as it is.
public struct TaskEdit: Sendable {
    public var title: String?
    public var description: String?
    public var priority: TaskPriority?
    public var addDependencies: [String] = []
    public var removeDependencies: [String] = []
    /// The new path globs, replacing the old ones.
    public var paths: [String]?

    public init(
        title: String? = nil, description: String? = nil, priority: TaskPriority? = nil,
        addDependencies: [String] = [], removeDependencies: [String] = [], paths: [String]? = nil
    ) {
        self.title = title
        self.description = description
        self.priority = priority
        self.addDependencies = addDependencies
        self.removeDependencies = removeDependencies
        self.paths = paths
    }

    public var isEmpty: Bool {
        title == nil && description == nil && priority == nil && addDependencies.isEmpty
            && removeDependencies.isEmpty && paths == nil
    }
}

extension Orchestrator {
    /// Changes a task that has not landed, in one transaction: each changed field is an `edited`
    /// event with its old and new value; dependency changes are checked for unknown ids and
    /// cycles first (exit 2, nothing written). A running task's prompt file is rewritten when
    /// its title or description changes, so a restarted agent reads the new text.
    public func editTask(_ idText: String, _ edit: TaskEdit) throws -> TaskRecord {
        let id = try parseID(idText)
        try TextInput.refuseNUL(edit.title, "the new title of \(id)")
        try TextInput.refuseNUL(edit.description, "the new description of \(id)")
        for path in edit.paths ?? [] { try TextInput.refuseNUL(path, "the --paths glob \(path.debugDescription) of \(id)") }
        guard !edit.isEmpty else {
            throw OrchestrateError.badInput(
                "nothing to change for task \(id); pass --title, --description, --priority, --depends-on, --no-depends-on or --paths")
        }
        if let title = edit.title, title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw OrchestrateError.badInput("--title must not be empty; give task \(id) a title")
        }
        if let paths = edit.paths, paths.contains(where: \.isEmpty) {
            throw OrchestrateError.badInput("--paths takes a non-empty glob such as 'Sources/Login/**'")
        }
        let adding = try edit.addDependencies.map(parseID)
        let removing = try edit.removeDependencies.map(parseID)
        let (task, promptChanged) = try store.write { tx -> (TaskRecord, Bool) in
            var task = try requireTask(id, in: tx)
            guard !task.state.isFinished else {
                throw OrchestrateError.badInput(
                    "task \(id) is \(task.state.rawValue) and can no longer be edited; add a new task instead")
            }
            var changes: [(field: String, old: JSONValue, new: JSONValue)] = []
            if let title = edit.title?.trimmingCharacters(in: .whitespacesAndNewlines), title != task.title {
                changes.append(("title", .string(task.title), .string(title)))
                task.title = title
            }
            if let description = edit.description, description != task.description {
                changes.append(("description", .optional(task.description), .string(description)))
                task.description = description
            }
            if let priority = edit.priority, priority != task.priority {
                changes.append(("priority", .string(task.priority.name), .string(priority.name)))
                task.priority = priority
            }
            if let paths = edit.paths, paths != task.paths {
                changes.append(("paths", .array(task.paths.map(JSONValue.string)), .array(paths.map(JSONValue.string))))
                task.paths = paths
            }
            var dependencies = task.dependsOn
            for dep in removing {
                guard dependencies.contains(dep) else {
                    throw OrchestrateError.badInput(
                        "--no-depends-on \(dep): task \(id) does not depend on \(dep) (it depends on \(dependencies.isEmpty ? "nothing" : dependencies.map(\.rawValue).joined(separator: ", ")))")
                }
                dependencies.removeAll { $0 == dep }
            }
            for dep in adding where !dependencies.contains(dep) {
                if dep == id { throw OrchestrateError.badInput("task \(id) cannot depend on itself (cycle \(id) → \(id))") }
                guard try tx.task(dep) != nil else {
                    throw OrchestrateError.badInput("--depends-on \(dep): there is no task \(dep); add it first")
                }
                dependencies.append(dep)
            }
            if dependencies != task.dependsOn {
                var edges = Dictionary(uniqueKeysWithValues: try tx.allDependencies().compactMap { key, value in
                    TaskID(key).map { ($0, value) }
                })
                edges[id] = dependencies
                if let cycle = DependencyGraph(edges: edges).findCycle() {
                    throw OrchestrateError.badInput(
                        "depending on \(adding.map(\.rawValue).joined(separator: ", ")) would make a dependency cycle \(cycle.map(\.rawValue).joined(separator: " → ")); remove one of those dependencies")
                }
                changes.append((
                    "dependsOn", .array(task.dependsOn.map { .string($0.rawValue) }),
                    .array(dependencies.map { .string($0.rawValue) })))
                try tx.setDependencies(of: id, to: dependencies)
                task.dependsOn = dependencies
            }
            // A running task's prompt is rewritten whenever a title or description is given, even
            // unchanged: repeating an `edit` killed before the file was written puts it right.
            let rewrite = task.state == .running && (edit.title != nil || edit.description != nil)
            guard !changes.isEmpty else { return (task, rewrite) }
            for change in changes {
                try tx.appendAudit(NewAuditEvent(
                    kind: .edited, task: id, actor: actor,
                    detail: ["field": .string(change.field), "old": change.old, "new": change.new]))
            }
            return (try tx.updateTask(task), rewrite)
        }
        if promptChanged {
            faultInjectionPause("edit-before-prompt")
            try rewritePrompt(of: task)
        }
        return task
    }

    /// Rewrites the prompt file of the task's newest attempt, if there is one.
    func rewritePrompt(of task: TaskRecord) throws {
        let runs = try store.read { try $0.runs(of: task.id) }
        guard let attempt = runs.map(\.attempt).max() else { return }
        let path = promptPath(for: task.id, attempt: attempt)
        guard FileManager.default.fileExists(atPath: path) else { return }
        let text = prompt(for: task, previous: runs.filter { $0.attempt < attempt })
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
