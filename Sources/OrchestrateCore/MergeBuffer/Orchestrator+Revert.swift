import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// What reverting a landed task did.
public struct RevertReport: Sendable {
    /// The tasks reverted, newest landing first.
    public var reverted: [TaskID]
    public var oldTip: String
    public var newTip: String
}

extension Orchestrator {
    /// Reverts a landed (`merged`) task on the target branch as new commits, through the merge
    /// buffer's compare-and-swap landing path; with `cascade`, reverts the landed tasks that
    /// depend on it first, newest first. Refused without `cascade` when such tasks exist.
    public func revertLandedTask(_ id: TaskID, reason: String, cascade: Bool) throws -> RevertReport {
        let lock = try MergeLock.acquire(
            directory: paths.locksDir, wait: 2, then: "git orchestrate reject \(id)")
        defer { withExtendedLifetime(lock) {} }
        try reconcileMergeJournal()
        let all = try store.read { try $0.tasks() }
        guard let task = all.first(where: { $0.id == id }) else {
            throw OrchestrateError.badInput("there is no task \(id); run `git orchestrate list` to see the tasks")
        }
        guard task.state == .merged else {
            throw OrchestrateError.badInput("task \(id) is \(task.state.rawValue), not merged; only a landed task can be reverted")
        }
        let graph = DependencyGraph(edges: Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.dependsOn) }))
        let dependents = all.filter { $0.state == .merged && graph.ancestors(of: $0.id).contains(id) }
        if !dependents.isEmpty && !cascade {
            let names = dependents.map(\.id.rawValue).joined(separator: ", ")
            throw OrchestrateError.badInput(
                "landed tasks depend on \(id) (\(names)); revert them first, or pass --cascade to revert them too")
        }
        // Newest landing first, so each revert applies to the tree its landing produced.
        let landingOrder = try store.read { tx in
            try Dictionary(uniqueKeysWithValues: (dependents + [task]).map { t in
                (t.id, try tx.landings(ofTask: t.id).last(where: { $0.kind == "landed" })?.id ?? 0)
            })
        }
        let order = (dependents + [task]).map(\.id).sorted { (landingOrder[$0] ?? 0) > (landingOrder[$1] ?? 0) }
        let start = try targetTip()
        for target in order { try revertOne(target, reason: reason, cascadedFrom: target == id ? nil : id) }
        return RevertReport(reverted: order, oldTip: start.hex, newTip: try targetTip().hex)
    }

    /// Reverts one task's landed commits (newest first) on the current tip, with retries when
    /// the target moves meanwhile.
    private func revertOne(_ id: TaskID, reason: String, cascadedFrom: TaskID?) throws {
        guard let landing = try store.read({ try $0.landings(ofTask: id).last(where: { $0.kind == "landed" }) }) else {
            throw OrchestrateError.failed("task \(id) is merged but has no recorded landing; run `git orchestrate doctor`")
        }
        let landed = (landing.commits.arrayValue ?? []).compactMap(CommitMapping.init(json:)).compactMap { ObjectID(hex: $0.landed) }
        let signature = try requireCommitter()
        for attempt in 0...config.merge.maxRetries {
            let oldTip = try targetTip()
            var current = oldTip
            var mapping: [CommitMapping] = []
            for commit in landed.reversed() {
                let info = try mainRepository.commitInfo(commit)
                guard let parent = info.parents.first else { continue }
                switch try mainRepository.applyChange(ancestor: commit, theirs: parent, onto: current) {
                case .conflict(let paths):
                    throw OrchestrateError.failed(
                        "reverting \(id) conflicts with later work on \(config.target) in \(paths.joined(separator: ", ")); revert commit \(commit.short()) by hand (`git revert`)")
                case .clean(let tree, _):
                    let message = "Revert \"\(info.summary)\"\n\nThis reverts commit \(commit.hex).\nTask \(id): \(reason)\n"
                    current = try mainRepository.createCommit(tree: tree, parents: [current], author: signature, committer: signature, message: message)
                    mapping.append(CommitMapping(source: commit.hex, landed: current.hex))
                }
            }
            let paths = try pathsChanged(from: oldTip, to: current)
            let checkouts = try targetCheckouts()
            if let (checkout, files) = try overlappingLocalChanges(paths, in: checkouts) {
                throw OrchestrateError.failed(
                    "\(checkout) has local changes to \(files.joined(separator: ", ")), which reverting \(id) changes; commit or stash them, then try again")
            }
            var payload: [String: JSONValue] = [
                "kind": "revert", "reason": .string(reason), "commits": .array(mapping.map(\.json)),
            ]
            if let cascadedFrom { payload["cascadedFrom"] = .string(cascadedFrom.rawValue) }
            if let journal = try moveTarget(for: id, from: oldTip, to: current, payload: .object(payload), paths: paths, checkouts: checkouts) {
                try finishRevert(task: id, oldTip: oldTip, newTip: current, journal: journal, payload: .object(payload))
                return
            }
            context.err("revert: \(config.target) moved while reverting \(id); retrying on the new tip (\(attempt + 1))")
        }
        throw OrchestrateError.failed("\(config.target) kept moving while \(id) was being reverted; try again")
    }
}
