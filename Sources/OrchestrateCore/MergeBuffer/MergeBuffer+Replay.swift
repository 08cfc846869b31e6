import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// The result of replaying a task's commits onto a tip, in memory (objects only, no refs).
enum Replay: Equatable {
    /// The branch already sits on the tip: it lands as is.
    case fastForward(head: ObjectID, commits: [CommitMapping])
    /// Rewritten onto the tip. `samePatch`: every commit of the reviewed change (`base..head`)
    /// was applied by replacing only its own paths with its own versions, so the landed change
    /// is the reviewed one path for path, and so is its patch id.
    case rewritten(head: ObjectID, commits: [CommitMapping], samePatch: Bool)
    /// Replaying `commit` conflicts at `paths`.
    case conflict(commit: ObjectID, paths: [String])
    /// Every commit of the task is already on the target.
    case empty
    /// The task holds a merge commit: refused (the merge buffer lands linear work only).
    case mergeCommit(ObjectID)
}

extension Orchestrator {
    /// The original commits of every landed task `task` depends on (directly or not): a stacked
    /// branch contains them, and they must not be replayed a second time.
    func landedDependencySources(of task: TaskRecord, graph: DependencyGraph) throws -> [ObjectID] {
        let ancestors = graph.ancestors(of: task.id)
        guard !ancestors.isEmpty else { return [] }
        return try store.read { tx in
            try ancestors.flatMap { id in
                try tx.landings(ofTask: id).filter { $0.kind == "landed" }.flatMap { landing in
                    (landing.commits.arrayValue ?? []).compactMap(CommitMapping.init(json:)).compactMap { ObjectID(hex: $0.source) }
                }
            }
        }
    }

    /// Replays the task's own commits (head minus the tip minus landed dependencies' commits)
    /// onto `tip`, preserving author, date and message; the committer is the user running the
    /// merge. `history` (the run's knowledge of the target) lets a settled `base` spare the walk
    /// of the tip's history.
    func replay(
        head: ObjectID, onto tip: ObjectID, base: ObjectID?, hiding landedSources: [ObjectID],
        committer: Signature, history: inout TargetHistory
    ) throws -> Replay {
        let repo = mainRepository
        if head == tip { return .empty }
        try history.follow(tip, in: repo)
        let own: [ObjectID]
        var samePatch = false
        if let base, let known = try history.ownCommits(head: head, base: base, landedSources: landedSources, in: repo) {
            if known.fastForward {
                if let merge = try firstMergeCommit(known.commits) { return .mergeCommit(merge) }
                return .fastForward(head: head, commits: known.commits.map { CommitMapping(source: $0.hex, landed: $0.hex) })
            }
            own = known.commits
            samePatch = known.wholeChange
        } else {
            if try repo.contains(head, ancestor: tip) {
                let commits = try repo.commits(from: [head], hiding: [tip])
                if let merge = try firstMergeCommit(commits) { return .mergeCommit(merge) }
                return .fastForward(head: head, commits: commits.map { CommitMapping(source: $0.hex, landed: $0.hex) })
            }
            own = try repo.commits(from: [head], hiding: [tip] + landedSources)
        }
        if own.isEmpty { return .empty }
        if let merge = try firstMergeCommit(own) { return .mergeCommit(merge) }
        var current = tip
        var currentTree = try repo.treeOf(tip)
        var mapping: [CommitMapping] = []
        for source in own {
            let info = try repo.commitInfo(source)
            guard let parent = info.parents.first else { return .mergeCommit(source) }
            // A commit that starts empty (its tree is its parent's) is kept, as `git rebase`
            // keeps it; only a commit that becomes empty on the tip is dropped.
            if try repo.treeOf(parent) == info.tree {
                current = try repo.replayCommit(info, tree: currentTree, onto: current, committer: committer)
                mapping.append(CommitMapping(source: source.hex, landed: current.hex))
                continue
            }
            switch try repo.applyChange(ancestor: parent, theirs: source, onto: current) {
            case .conflict(let paths):
                return .conflict(commit: source, paths: paths)
            case .clean(let tree, let method):
                if method != .paths { samePatch = false }
                // A change already on the target becomes empty: dropped, as `git rebase` does.
                if tree == currentTree {
                    samePatch = false
                    continue
                }
                current = try repo.replayCommit(info, tree: tree, onto: current, committer: committer)
                currentTree = tree
                mapping.append(CommitMapping(source: source.hex, landed: current.hex))
            }
        }
        if mapping.isEmpty { return .empty }
        return .rewritten(head: current, commits: mapping, samePatch: samePatch)
    }

    /// The first commit with more than one parent (or none) among `commits`, which the merge
    /// buffer refuses to land (docs/merge-buffer.md: linear work only).
    private func firstMergeCommit(_ commits: [ObjectID]) throws -> ObjectID? {
        try commits.first { try mainRepository.commitInfo($0).parents.count != 1 }
    }
}
