import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// The task an entry describes, with its template (if any) filled in: the entry's own
    /// fields win over the template's defaults.
    public func resolve(_ entry: TaskFileEntry) throws -> NewTask {
        var title = entry.title
        var description = entry.description
        var priority = entry.priority
        var paths = entry.paths
        if let name = entry.template {
            guard let template = config.templates[name] else {
                let known = config.templates.keys.sorted()
                throw OrchestrateError.badInput(
                    "\(entry.label), field template: there is no template \(name) in \(Config.fileName) (\(known.isEmpty ? "none are configured" : "configured: " + known.joined(separator: ", ")))")
            }
            let filled = try template.fill(entry.params, for: entry.label)
            title = title ?? filled.title
            description = description ?? filled.description
            priority = priority ?? template.priority
            if paths.isEmpty { paths = template.paths }
        }
        return NewTask(
            title: title ?? "", id: entry.id, description: description, priority: priority ?? .normal,
            dependsOn: entry.dependsOn, paths: paths)
    }

    /// Queues every task of a task file in one transaction, after checking them as a whole:
    /// duplicate or taken ids, dependencies neither in the file nor in the database, and cycles
    /// through both are refused (exit 2 naming the entry and field) with nothing written.
    /// Entries without an id get the next default ids, in file order.
    /// The id of a task of a file: the one it gives (refused when taken), or the next free
    /// `T<n>` that the file itself does not claim (`T7` given explicitly).
    private func fileTaskID(
        _ text: String?, label: String, next: inout Int, explicit: [TaskID: String], tx: StoreTransaction
    ) throws -> TaskID {
        if let text {
            let id = try parseID(text)
            if try tx.task(id) != nil {
                throw OrchestrateError.badInput("\(label), field id: a task \(id) already exists; choose another id")
            }
            return id
        }
        while true {
            guard let made = TaskID("T\(next)") else { preconditionFailure("T<n> is a valid id") }
            next += 1
            if explicit[made] == nil { return made }
        }
    }

    public func addTasks(_ entries: [TaskFileEntry]) throws -> [TaskRecord] {
        let requests = try entries.map { try (entry: $0, task: resolve($0)) }
        for (entry, task) in requests {
            try TextInput.refuseNUL(task.title, "\(entry.label), field title,")
            try TextInput.refuseNUL(task.description, "\(entry.label), field description,")
            for path in task.paths { try TextInput.refuseNUL(path, "\(entry.label), field paths,") }
        }
        var explicit: [TaskID: String] = [:]
        for (entry, task) in requests {
            guard let text = task.id else { continue }
            let id = try parseID(text)
            if let first = explicit[id] {
                throw OrchestrateError.badInput("\(entry.label), field id: \(id) is already used by \(first); give each task its own id")
            }
            explicit[id] = entry.label
        }
        return try store.write { tx in
            var next = try tx.nextDefaultID().defaultNumber ?? 1
            var ids: [TaskID] = []
            var inFile = Set<TaskID>()
            for (entry, task) in requests {
                // One call, not a `let` set in two branches: Swift 6.3.1's release build
                // crashed on the latter (OSSACompleteLifetime, a compiler bug).
                let id = try fileTaskID(task.id, label: entry.label, next: &next, explicit: explicit, tx: tx)
                let branch = branchName(for: id)
                guard Repository.isValidReferenceName("refs/heads/\(branch)") else {
                    throw OrchestrateError.badInput("\(entry.label), field id: \(branch) is not a valid branch name; choose another id")
                }
                ids.append(id)
                inFile.insert(id)
            }
            var edges = Dictionary(uniqueKeysWithValues: try tx.allDependencies().compactMap { key, value in
                TaskID(key).map { ($0, value) }
            })
            var dependencies: [[TaskID]] = []
            for ((entry, task), id) in zip(requests, ids) {
                var unique: [TaskID] = []
                for text in task.dependsOn {
                    let dep = try parseID(text)
                    if unique.contains(dep) { continue }
                    if dep == id {
                        throw OrchestrateError.badInput("\(entry.label), field dependsOn: task \(id) cannot depend on itself")
                    }
                    if !inFile.contains(dep), try tx.task(dep) == nil {
                        throw OrchestrateError.badInput(
                            "\(entry.label), field dependsOn: there is no task \(dep) in the file or the queue; add it or remove the dependency")
                    }
                    unique.append(dep)
                }
                edges[id] = unique
                dependencies.append(unique)
            }
            if let cycle = DependencyGraph(edges: edges).findCycle() {
                let member = cycle.first { inFile.contains($0) }
                let label = member.flatMap { m in ids.firstIndex(of: m).map { requests[$0].entry.label } } ?? "the file"
                throw OrchestrateError.badInput(
                    "\(label), field dependsOn: the tasks would make a dependency cycle \(cycle.map(\.rawValue).joined(separator: " → ")); remove one of those dependencies")
            }
            var added: [TaskRecord] = []
            added.reserveCapacity(ids.count)
            let now = tx.now
            for (((entry, request), id), deps) in zip(zip(requests, ids), dependencies) {
                let title = request.title.trimmingCharacters(in: .whitespacesAndNewlines)
                let task = try tx.insertTask(TaskRecord(
                    id: id, title: title, description: request.description, priority: request.priority,
                    dependsOn: deps, branch: branchName(for: id), paths: request.paths, createdAt: now, updatedAt: now))
                var detail: [String: JSONValue] = [
                    "title": .string(title), "priority": .string(request.priority.name),
                    "dependsOn": .array(deps.map { .string($0.rawValue) }),
                    "paths": .array(request.paths.map(JSONValue.string)),
                ]
                if let template = entry.template {
                    detail["template"] = .string(template)
                    try tx.setTemplate(of: id, to: template)
                }
                try tx.appendAudit(NewAuditEvent(kind: .added, task: id, actor: actor, detail: detail))
                added.append(task)
            }
            return added
        }
    }
}
