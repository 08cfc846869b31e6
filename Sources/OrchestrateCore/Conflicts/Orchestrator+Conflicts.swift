import Foundation
import OrchestrateGit
import OrchestrateModel

extension Orchestrator {
    /// The states whose tasks `conflicts` compares: work that is waiting to land.
    public static let conflictCandidateStates: [TaskState] = [.submitted, .approved]

    /// Predicts which of the waiting tasks (submitted and approved; running too when asked)
    /// conflict with each other or with the target's tip. A read: nothing is recorded, no
    /// worktree or ref changes.
    public func predictConflicts(includeRunning: Bool = false) throws -> ConflictReport {
        let tip = try targetTip()
        let states = Orchestrator.conflictCandidateStates + (includeRunning ? [.running] : [])
        let tasks = try store.read { try $0.tasks(in: states) }
        let found = try predictConflicts(among: tasks, tip: tip)
        return ConflictReport(
            target: config.target, targetTip: tip.hex, tasks: found.compared, pairs: found.pairs,
            withTarget: found.withTarget, pairsMerged: found.merged)
    }

    /// `status` predicts conflicts itself up to this many waiting tasks; past it the pairs
    /// grow with the square of the queue and only `conflicts` computes them.
    public static let statusConflictLimit = 100

    /// The prediction for `tasks` on `tip`; `count` is what `status` shows.
    func predictConflicts(among tasks: [TaskRecord], tip: ObjectID) throws
        -> (compared: [TaskID], pairs: [PredictedConflict], withTarget: [TargetConflict], merged: Int, count: Int)
    {
        let predictor = ConflictPredictor(repository: repository, tip: tip)
        var changes: [ConflictPredictor.Change] = []
        for task in tasks {
            // The branch as it is now (an agent may have committed since the last record).
            guard let head = try repository.referenceTarget("refs/heads/" + task.branch)
                ?? task.head.flatMap(ObjectID.init(hex:))
            else { continue }
            changes.append(try predictor.change(of: task.id, head: head))
        }
        let found = try predictor.predict(changes)
        return (changes.map(\.id), found.pairs, found.withTarget, found.merged, found.pairs.count + found.withTarget.count)
    }
}
