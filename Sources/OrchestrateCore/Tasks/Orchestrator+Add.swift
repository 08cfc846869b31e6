import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// What the user asked `add` to queue.
public struct NewTask: Sendable {
    public var title: String
    public var id: String?
    public var description: String?
    public var priority: TaskPriority
    public var dependsOn: [String]
    public var paths: [String]

    public init(
        title: String, id: String? = nil, description: String? = nil, priority: TaskPriority = .normal,
        dependsOn: [String] = [], paths: [String] = []
    ) {
        self.title = title
        self.id = id
        self.description = description
        self.priority = priority
        self.dependsOn = dependsOn
        self.paths = paths
    }
}

extension Orchestrator {
    /// Queues a task. Everything is validated before anything is written: a bad id, an unknown
    /// dependency or a cycle leaves the database as it was.
    public func addTask(_ request: NewTask) throws -> TaskRecord {
        let title = request.title.trimmingCharacters(in: .whitespacesAndNewlines)
        try TextInput.refuseNUL(request.title, "the title of the new task")
        try TextInput.refuseNUL(request.description, "the description of the new task")
        for path in request.paths { try TextInput.refuseNUL(path, "the --paths glob \(path.debugDescription)") }
        guard !title.isEmpty else { throw OrchestrateError.badInput("a task needs a title; pass it as the first argument") }
        let explicitID = try request.id.map(parseID)
        let dependencies = try request.dependsOn.map(parseID)
        for path in request.paths where path.isEmpty {
            throw OrchestrateError.badInput("--paths takes a non-empty glob such as 'Sources/Login/**'")
        }
        return try store.write { tx in
            let id = try explicitID ?? tx.nextDefaultID()
            if try tx.task(id) != nil {
                throw OrchestrateError.badInput("a task \(id) already exists; choose another --id")
            }
            let branch = branchName(for: id)
            guard Repository.isValidReferenceName("refs/heads/\(branch)") else {
                throw OrchestrateError.badInput("\(branch) is not a valid branch name; choose another --id or branchPrefix")
            }
            var unique: [TaskID] = []
            for dep in dependencies where !unique.contains(dep) {
                if dep == id { throw OrchestrateError.badInput("task \(id) cannot depend on itself (cycle \(id) → \(id))") }
                guard try tx.task(dep) != nil else {
                    throw OrchestrateError.badInput("--depends-on \(dep): there is no task \(dep); add it first")
                }
                unique.append(dep)
            }
            var edges = Dictionary(uniqueKeysWithValues: try tx.allDependencies().compactMap { key, value in
                TaskID(key).map { ($0, value) }
            })
            edges[id] = unique
            if let cycle = DependencyGraph(edges: edges).findCycle() {
                throw OrchestrateError.badInput(
                    "adding \(id) would make a dependency cycle \(cycle.map(\.rawValue).joined(separator: " → ")); remove one of those dependencies")
            }
            let now = tx.now
            let task = try tx.insertTask(
                TaskRecord(
                    id: id, title: title, description: request.description, priority: request.priority,
                    dependsOn: unique, branch: branch, paths: request.paths, createdAt: now, updatedAt: now))
            try tx.appendAudit(
                NewAuditEvent(
                    kind: .added, task: id, actor: actor,
                    detail: [
                        "title": .string(title), "priority": .string(request.priority.name),
                        "dependsOn": .array(unique.map { .string($0.rawValue) }),
                        "paths": .array(request.paths.map(JSONValue.string)),
                    ]))
            return task
        }
    }
}
