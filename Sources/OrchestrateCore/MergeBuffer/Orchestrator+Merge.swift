import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// The merge buffer: lands approved tasks on the target in dependency order (dependencies
    /// first, then higher priority, then earlier approval). With `ids`, only those tasks and the
    /// approved tasks they depend on. With `dryRun`, replays in memory and moves no ref.
    public func merge(ids: [String] = [], dryRun: Bool = false, runChecks: Bool = true) throws -> MergeReport {
        let requested = try ids.map(parseID)
        // Who commits the replayed commits: git's identity, or a refusal as git would (a dry
        // run commits nothing anyone keeps).
        let committer = dryRun ? snapshotSignature : try requireCommitter()
        let lock = dryRun ? nil : try MergeLock.acquire(directory: paths.locksDir, wait: 2)
        defer { withExtendedLifetime(lock) {} }
        if !dryRun { try reconcileMergeJournal() }
        let (order, graph) = try mergeOrder(requested)
        let startTip = try targetTip()
        var run = MergeRun(tip: startTip, committer: committer, findCheckouts: targetCheckouts)
        do {
            // With checks: batches (one check run for many tasks). Without (or with
            // `merge.batchSize` 1): one by one — without checks that is fast already.
            let batched = !dryRun && runChecks && !config.checks.isEmpty && config.merge.batchSize > 1
            if batched { try mergeBatched(order, graph: graph, run: &run) }
            for (i, id) in order.enumerated() where !batched {
                progress(i, order.count, id)
                var outcome = try mergeOne(id, graph: graph, run: &run, dryRun: dryRun, runChecks: runChecks)
                if !dryRun { try settleMergeOutcome(&outcome) }  // the closed loop (docs/agents.md)
                if outcome.result == .landed { run.landed.insert(id) }
                run.outcomes.append(outcome)
            }
        } catch {
            // What landed stays landed: the user's checkout must show it even when a later
            // task failed unexpectedly.
            try? catchUpCheckouts(&run)
            if !dryRun { _ = disposeOfTrashAfterMerge() }
            throw error
        }
        try catchUpCheckouts(&run)
        let trash = dryRun ? nil : disposeOfTrashAfterMerge()
        if context.stderrIsTerminal && !order.isEmpty { context.errRaw("\r\u{1B}[2K") }
        var report = MergeReport(
            target: config.target, dryRun: dryRun, startTip: startTip.hex,
            endTip: dryRun ? run.tip.hex : try targetTip().hex, outcomes: run.outcomes, trash: trash)
        report.batches = dryRun && runChecks && !config.checks.isEmpty ? try plannedBatches(run.outcomes) : run.batches
        return report
    }

    /// The order in which `merge` would consider tasks (for `status` and `--dry-run`): the
    /// approved tasks (or `requested` plus the approved tasks they depend on), dependencies
    /// first, then priority, then the earlier approval, then the older task. No git work.
    public func plannedMergeOrder(_ requested: [TaskID] = []) throws -> [TaskID] {
        try mergeOrder(requested).order
    }

    func mergeOrder(_ requested: [TaskID]) throws -> (order: [TaskID], graph: DependencyGraph) {
        let all = try store.read { try $0.tasks() }
        let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
        for id in requested where byID[id] == nil {
            throw OrchestrateError.badInput("there is no task \(id); run `git orchestrate list` to see the tasks")
        }
        let graph = DependencyGraph(edges: Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.dependsOn) }))
        var selected: Set<TaskID>
        if requested.isEmpty {
            selected = Set(all.filter { $0.state == .approved }.map(\.id))
        } else {
            selected = Set(requested)
            for id in requested {
                selected.formUnion(graph.ancestors(of: id).filter { byID[$0]?.state == .approved })
            }
        }
        let approvalTimes = try store.read { try $0.latestApprovalTimes(ofTasks: Array(selected)) }
        let order = Orchestrator.mergeOrder(of: selected, tasks: byID, graph: graph, approvalTimes: approvalTimes)
        return (order, graph)
    }

    /// Orders `selected` as `merge` lands them: dependencies first, then higher priority, then
    /// the earlier time of the task's newest approval, then the older task. `tasks` holds at least `selected`.
    static func mergeOrder(
        of selected: Set<TaskID>, tasks byID: [TaskID: TaskRecord], graph: DependencyGraph,
        approvalTimes: [TaskID: Date]
    ) -> [TaskID] {
        graph.order(Array(selected)) { a, b in
            guard let x = byID[a], let y = byID[b] else { return a < b }
            if x.priority != y.priority { return x.priority > y.priority }
            let (tx, ty) = (approvalTimes[a] ?? .distantFuture, approvalTimes[b] ?? .distantFuture)
            if tx != ty { return tx < ty }
            return x.seq < y.seq
        }
    }

    /// Progress on stderr: a bar on a terminal, a plain line otherwise.
    private func progress(_ done: Int, _ total: Int, _ id: TaskID) {
        if context.stderrIsTerminal {
            let width = 24
            let filled = total == 0 ? width : done * width / total
            context.errRaw("\r\u{1B}[2K[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(done)/\(total) \(id)")
        } else {
            context.err("merge: [\(done + 1)/\(total)] \(id)")
        }
    }
}

/// The state of one merge run: the tip as it is (or, in a dry run, as it would be).
struct MergeRun {
    var tip: ObjectID
    var history: TargetHistory
    /// The landings the checkouts of the target have not caught up with yet.
    var owed: OwedCheckouts
    /// Who commits the replayed commits.
    let committer: Signature
    var landed: Set<TaskID> = []
    var outcomes: [MergeOutcome] = []
    /// With checks: the batches checked so far.
    var batches: [MergeBatch] = []
    let findCheckouts: () throws -> [TargetCheckout]
    private var found: [TargetCheckout]?

    init(tip: ObjectID, committer: Signature, findCheckouts: @escaping () throws -> [TargetCheckout]) {
        self.tip = tip
        self.committer = committer
        self.history = TargetHistory(tip: tip)
        self.owed = OwedCheckouts(tip: tip)
        self.findCheckouts = findCheckouts
    }

    /// The checkouts of the target, looked up once per run.
    mutating func checkouts() throws -> [TargetCheckout] {
        if let found { return found }
        let result = try findCheckouts()
        found = result
        return result
    }
}
