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
        return ConflictReport(
            target: config.target, targetTip: tip.hex, tasks: changes.map(\.id), pairs: found.pairs,
            withTarget: found.withTarget, pairsMerged: found.merged)
    }
}
