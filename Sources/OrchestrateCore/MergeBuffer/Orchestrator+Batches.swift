import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// A task of a batch: where its replayed commits sit in the chain.
struct ChainEntry {
    var task: TaskRecord
    /// The plan's outcome (oldTip/newTip are this task's stretch of the chain).
    var outcome: MergeOutcome
    /// The branch head that was replayed.
    var head: ObjectID
    var oldTip: ObjectID
    var newTip: ObjectID
}

extension Orchestrator {
    /// The merge buffer with checks: rounds of plan → check → land until every task of `order`
    /// has its outcome. Each round replays the ready tasks in order onto the tip in memory (a
    /// chain, as `--dry-run` does), takes up to `merge.batchSize` landable ones, checks the
    /// chain's last commit once (and, in spare slots, shorter prefixes), bisects a failure to
    /// its first failing task, and lands the passing prefix with one compare-and-swap. A task
    /// that cannot land drops out with its outcome exactly as in a one-by-one run — decided
    /// on the real tip only: one that drops out behind a pending chain waits for the next round.
    func mergeBatched(_ order: [TaskID], graph: DependencyGraph, run: inout MergeRun) throws {
        var remaining = order
        var lostRaces = 0
        var batchNumber = 0
        let total = order.count
        planning: while !remaining.isEmpty {
            var plan = run
            plan.tip = try targetTip()
            var chain: [ChainEntry] = []
            for id in remaining where chain.count < config.merge.batchSize {
                let planned = try mergeOne(id, graph: graph, run: &plan, dryRun: true, runChecks: false)
                if planned.result == .landed, let tip = planned.newTip.flatMap(ObjectID.init(hex:)),
                    let old = planned.oldTip.flatMap(ObjectID.init(hex:)), let head = planned.sourceHead.flatMap(ObjectID.init(hex:))
                {
                    let task = try store.read { try requireTask(id, in: $0) }
                    chain.append(ChainEntry(task: task, outcome: planned, head: head, oldTip: old, newTip: tip))
                    plan.landed.insert(id)
                    continue
                }
                guard chain.isEmpty else { continue }  // decided once the chain before it is settled
                // On the real tip: its verdict for real (records a conflict, voids an approval…).
                var outcome = try mergeOne(id, graph: graph, run: &run, dryRun: false, runChecks: true)
                try settleMergeOutcome(&outcome)
                if outcome.result == .landed { run.landed.insert(id) }
                run.outcomes.append(outcome)
                remaining.removeAll { $0 == id }
                continue planning
            }
            guard !chain.isEmpty else { break }
            // The user's checkout must take the landed paths without losing work: the first task
            // that would overwrite a local change is blocked, and the chain ends before it.
            let checkouts = try run.checkouts()
            for (i, entry) in chain.enumerated() where entry.newTip != entry.oldTip {
                let landedPaths = try pathsChanged(from: entry.oldTip, to: entry.newTip)
                if let (checkout, files) = try overlappingLocalChanges(landedPaths, in: checkouts, shown: run.owed.shownTip) {
                    var outcome = entry.outcome
                    outcome.result = .blocked
                    outcome.message = "\(entry.task.id) was not landed: \(checkout) has local changes to \(files.joined(separator: ", ")), which it changes; commit or stash them, then run `git orchestrate merge` again"
                    run.outcomes.append(outcome)
                    remaining.removeAll { $0 == entry.task.id }
                    chain.removeSubrange(i...)
                    break
                }
            }
            guard !chain.isEmpty else { continue planning }
            batchNumber += 1
            let landedBefore = total - remaining.count
            var batch = MergeBatch(number: batchNumber, tasks: chain.map(\.task.id), candidate: chain[chain.count - 1].newTip.hex)
            let verdict = try checkBatch(chain, batch: &batch, landedBefore: landedBefore, total: total)
            if let culprit = verdict.culprit {
                let entry = chain[culprit - 1]
                var outcome = entry.outcome
                outcome.newTip = nil
                outcome.result = .failed
                outcome.checks = verdict.culpritResults
                let failed = verdict.culpritResults.first { !$0.passed } ?? CheckResult(name: "?", exitStatus: 1, timedOut: false, outputTail: "")
                outcome.message = "\(entry.task.id) failed the check \(failed.name) (\(failed.timedOut ? "timed out" : "exit status \(failed.exitStatus)")) on top of the \(culprit - 1) task\(culprit == 2 ? "" : "s") before it in batch \(batchNumber); see `git orchestrate show \(entry.task.id)`"
                try recordCheckFailure(entry.task.id, failed, commit: entry.newTip)
                try settleMergeOutcome(&outcome)
                batch.culprit = entry.task.id
                run.outcomes.append(outcome)
                remaining.removeAll { $0 == entry.task.id }
            }
            if verdict.passing > 0 {
                // Every task of the passing prefix carries the checks of the tree that landed it.
                for i in 0..<verdict.passing { chain[i].outcome.checks = verdict.passingResults }
                let landed = try landBatch(Array(chain.prefix(verdict.passing)), run: &run)
                switch landed {
                case .landed(let ids):
                    batch.landed = ids
                    remaining.removeAll { ids.contains($0) }
                case .stopped(let ids, let outcome):
                    batch.landed = ids
                    remaining.removeAll { ids.contains($0) || $0 == outcome.task }
                    run.outcomes.append(outcome)
                case .lostRace:
                    lostRaces += 1
                    if lostRaces > config.merge.maxRetries {
                        for id in remaining {
                            run.outcomes.append(MergeOutcome(
                                task: id, result: .blocked,
                                message: "\(config.target) kept moving while \(id) was landing (\(lostRaces) tries); run `git orchestrate merge` again"))
                        }
                        run.batches.append(batch)
                        break planning
                    }
                    context.err("merge: \(config.target) moved while batch \(batchNumber) was checked; re-planning on the new tip")
                }
            }
            run.batches.append(batch)
        }
        // What never came to a verdict (a chain cut short) is planned again by the next run;
        // nothing is left here without an outcome.
        for id in remaining where !run.outcomes.contains(where: { $0.task == id }) {
            run.outcomes.append(MergeOutcome(task: id, result: .blocked, message: "\(id) was not reached; run `git orchestrate merge` again"))
        }
    }
}

extension Orchestrator {
    /// `merge --dry-run` with checks: the batches the run would check, from the tasks that would
    /// land, in order, with the predicted conflicts touching each batch. A task that conflicts
    /// with one ahead of it never sinks a batch: replaying the chain in memory finds it, and it
    /// drops out (as the dry run's outcomes show) before any check runs.
    func plannedBatches(_ outcomes: [MergeOutcome]) throws -> [MergeBatch] {
        let landing = outcomes.filter { $0.result == .landed }
        guard !landing.isEmpty else { return [] }
        let tasks = try store.read { try $0.tasks(in: [.approved]) }
        // Pairs grow with the square of the queue: past `status`'s limit, `conflicts` computes them.
        let predicted = tasks.count > Orchestrator.statusConflictLimit ? [] : try predictConflicts(among: tasks, tip: targetTip()).pairs
        var batches: [MergeBatch] = []
        let size = config.merge.batchSize
        for start in stride(from: 0, to: landing.count, by: size) {
            let part = Array(landing[start..<min(start + size, landing.count)])
            let ids = Set(part.map(\.task))
            var batch = MergeBatch(number: batches.count + 1, tasks: part.map(\.task), candidate: part.last?.newTip ?? "")
            batch.predictedConflicts = predicted.filter { ids.contains($0.first) || ids.contains($0.second) }
                .map { "\($0.first) ↔ \($0.second): \($0.paths.joined(separator: ", "))" }
            batches.append(batch)
        }
        return batches
    }
}
