import Foundation
import OrchestrateGit
import OrchestrateModel

/// Two tasks whose changes do not merge with each other, and where.
public struct PredictedConflict: Sendable, Equatable {
    public var first: TaskID
    public var second: TaskID
    public var paths: [String]
}

/// A task whose change does not merge with the target's tip, and where.
public struct TargetConflict: Sendable, Equatable {
    public var task: TaskID
    public var paths: [String]
}

/// What `conflicts` found: which tasks were compared, on which tip, and the conflicts.
public struct ConflictReport: Sendable {
    public var target: String
    public var targetTip: String
    /// The tasks compared, in creation order.
    public var tasks: [TaskID]
    /// Pairs of tasks that conflict with each other, in task order.
    public var pairs: [PredictedConflict]
    /// Tasks that conflict with the target's tip on their own.
    public var withTarget: [TargetConflict]
    /// Pairs that touch a common path and so needed a real three-way merge (the others
    /// cannot conflict and were settled by comparing path sets).
    public var pairsMerged: Int
}

/// Predicts conflicts between tasks' changes in memory: no worktree, index or ref is touched,
/// only objects may be written (merged blobs and trees, which git's gc collects).
///
/// A task's change is its branch head against the merge base with the target tip. Two changes
/// can only conflict where their paths meet (the same path, or a file on one side where the
/// other has a folder), so the pairs are first sorted by comparing path sets — one tree
/// comparison per task, cost in proportion to the change — and only pairs that meet are merged
/// three ways, path by path where both sides edited plain files (`conflictingPaths`), else with
/// the merge buffer's own full merge. For 50 tasks that is 50 tree comparisons and a handful of
/// file merges instead of 1,225 merges of whole trees.
struct ConflictPredictor {
    let repository: Repository
    let tip: ObjectID

    /// One task's side of the comparison.
    struct Change {
        var id: TaskID
        var head: ObjectID
        var base: ObjectID
        var paths: Set<String>
    }

    /// The change of a task whose branch is at `head`.
    func change(of id: TaskID, head: ObjectID) throws -> Change {
        let base = try repository.mergeBase(head, tip) ?? head
        let paths = try repository.treeChanges(from: base, to: head).map(\.path)
        return Change(id: id, head: head, base: base, paths: Set(paths))
    }

    /// The paths where `second`'s change fails to apply on top of `first`'s head; empty when
    /// they merge cleanly.
    func conflictPaths(_ first: Change, _ second: Change) throws -> [String] {
        let ancestor = try repository.mergeBase(first.head, second.head) ?? second.base
        return try repository.conflictingPaths(ancestor: ancestor, ours: first.head, theirs: second.head)
    }

    /// The paths where the change fails to apply on the tip; empty when it applies.
    func conflictPathsWithTip(_ change: Change) throws -> [String] {
        guard change.base != tip, !change.paths.isEmpty else { return [] }
        if case .conflict(let paths) = try repository.applyChange(ancestor: change.base, theirs: change.head, onto: tip) {
            return paths
        }
        return []
    }

    /// Compares every pair of `changes` (in the order given) and each with the tip.
    func predict(_ changes: [Change]) throws -> (pairs: [PredictedConflict], withTarget: [TargetConflict], merged: Int) {
        var pairs: [PredictedConflict] = []
        var merged = 0
        for i in changes.indices {
            for j in changes.indices where j > i && Repository.pathsMeet(changes[i].paths, changes[j].paths) {
                merged += 1
                let paths = try conflictPaths(changes[i], changes[j])
                if !paths.isEmpty { pairs.append(PredictedConflict(first: changes[i].id, second: changes[j].id, paths: paths)) }
            }
        }
        let withTarget = try changes.compactMap { change -> TargetConflict? in
            let paths = try conflictPathsWithTip(change)
            return paths.isEmpty ? nil : TargetConflict(task: change.id, paths: paths)
        }
        return (pairs, withTarget, merged)
    }
}
