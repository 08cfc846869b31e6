import OrchestrateModel

/// The dependency edges between tasks: cycle detection and ordering.
public struct DependencyGraph: Sendable {
    /// For each task, the tasks it depends on.
    public let edges: [TaskID: [TaskID]]

    public init(edges: [TaskID: [TaskID]]) { self.edges = edges }

    /// A cycle through the graph, as the ids along it with the first repeated at the end
    /// (`T1 → T2 → T1`), or nil when there is none.
    public func findCycle() -> [TaskID]? {
        enum Mark { case visiting, done }
        var marks: [TaskID: Mark] = [:]
        var stack: [TaskID] = []
        func visit(_ node: TaskID) -> [TaskID]? {
            if marks[node] == .done { return nil }
            if marks[node] == .visiting {
                guard let start = stack.firstIndex(of: node) else { return [node, node] }
                return Array(stack[start...]) + [node]
            }
            marks[node] = .visiting
            stack.append(node)
            for next in edges[node] ?? [] {
                if let cycle = visit(next) { return cycle }
            }
            stack.removeLast()
            marks[node] = .done
            return nil
        }
        for node in edges.keys.sorted() {
            if let cycle = visit(node) { return cycle }
        }
        return nil
    }

    /// All tasks `id` depends on, directly or not.
    public func ancestors(of id: TaskID) -> Set<TaskID> {
        var seen = Set<TaskID>()
        var pending = edges[id] ?? []
        while let next = pending.popLast() {
            if seen.insert(next).inserted { pending.append(contentsOf: edges[next] ?? []) }
        }
        return seen
    }

    /// Orders `ids` so that each comes after every one of its dependencies that is also in
    /// `ids`; among those ready at the same point, `before` decides. Kahn's algorithm: each
    /// step takes the best ready task, so the cost grows with ids × ready, not ids² log ids
    /// (`status` computes this for every approved task).
    public func order(_ ids: [TaskID], by before: (TaskID, TaskID) -> Bool) -> [TaskID] {
        let members = Set(ids)
        var unmet: [TaskID: Int] = [:]
        var dependents: [TaskID: [TaskID]] = [:]
        for id in members {
            let dependencies = Set(edges[id] ?? []).filter { members.contains($0) && $0 != id }
            unmet[id] = dependencies.count
            for dependency in dependencies { dependents[dependency, default: []].append(id) }
        }
        var ready = members.filter { unmet[$0] == 0 }
        var result: [TaskID] = []
        result.reserveCapacity(members.count)
        while let best = ready.min(by: before) {
            ready.remove(best)
            result.append(best)
            for dependent in dependents[best] ?? [] {
                let left = (unmet[dependent] ?? 1) - 1
                unmet[dependent] = left
                if left == 0 { ready.insert(dependent) }
            }
        }
        if result.count < members.count {
            // A cycle: cannot happen for tasks added through `add`; keep the rest stable.
            let placed = Set(result)
            result.append(contentsOf: members.filter { !placed.contains($0) }.sorted(by: before))
        }
        return result
    }
}
