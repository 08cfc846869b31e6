import OrchestrateGit
import OrchestrateModel

/// What one merge run knows about the target's history, so that replaying a task walks only
/// the task's own commits. Asking libgit2 for `head` minus the tip walks the tip's history
/// back to the task's base at every landing — the tip gains a commit per landing, so a run of
/// n landings did O(n²) commit reads. Instead, for each base the run has seen it keeps the
/// target's commits that the base lacks (`base..tip`), computed once and grown as the run
/// lands; a task's own commits are then `base..head` minus that set, which is exactly `head`
/// minus the tip.
struct TargetHistory {
    /// The tip this knowledge is about.
    private(set) var tip: ObjectID
    /// For each settled base: the commits of the target that are not in the base's history.
    private var missingFromBase: [ObjectID: Set<ObjectID>] = [:]

    init(tip: ObjectID) { self.tip = tip }

    /// The tip moved by a landing of this run: the new commits join every set.
    mutating func advance(to newTip: ObjectID, adding commits: [ObjectID]) {
        guard newTip != tip else { return }
        // Over a copy of the keys: iterating the dictionary's own key view while mutating it
        // copied every set at every landing.
        for base in Array(missingFromBase.keys) { missingFromBase[base]?.formUnion(commits) }
        tip = newTip
    }

    /// A task based on `base` just landed rewritten: its original commits are not on the
    /// target, but everything below them is, so a task stacked on any of them lacks exactly
    /// what `base` lacks (spares each stacked task a walk of the tip's history).
    mutating func landedRewritten(base: ObjectID?, sources: [ObjectID]) {
        guard let base, let missing = missingFromBase[base] else { return }
        for source in sources where missingFromBase[source] == nil { missingFromBase[source] = missing }
    }

    /// The tip is now `current` (someone else moved it, or a dry run replays in memory):
    /// keep what still holds — everything, when `current` descends from the known tip.
    mutating func follow(_ current: ObjectID, in repo: Repository) throws {
        guard current != tip else { return }
        if try repo.contains(current, ancestor: tip) {
            let added = try repo.commits(from: [current], hiding: [tip])
            advance(to: current, adding: added)
        } else {
            missingFromBase = [:]
            tip = current
        }
    }

    /// The commits a task must land: `head` minus the tip's history minus the original commits
    /// of its landed dependencies, oldest first; nil when the base is not settled (the base's
    /// own history holds commits that are neither on the target nor landed), in which case the
    /// caller walks the whole way. With `fastForward`, `head` already descends from the tip and
    /// the commits are those above the tip, to land as they are.
    mutating func ownCommits(
        head: ObjectID, base: ObjectID, landedSources: [ObjectID], in repo: Repository
    ) throws -> OwnCommits? {
        if missingFromBase[base] == nil {
            // Settled: nothing below the base still waits to land (once true, it stays true:
            // within a run the target and the landed sources only grow).
            guard try repo.commits(from: [base], hiding: [tip] + landedSources).isEmpty else { return nil }
            missingFromBase[base] = Set(try repo.commits(from: [tip], hiding: [base]))
        }
        let missing = missingFromBase[base] ?? []
        // A task's branch is a line of commits on its base (or on a landed dependency's commit):
        // follow it; anything else takes libgit2's walk.
        let line = try repo.linearCommits(from: head, to: Set([base] + landedSources), limit: 10_000)
        let walked = try line?.commits ?? repo.commits(from: [head], hiding: [base] + landedSources)
        // A fast-forward is decided by ancestry, never by the recorded base alone: a merge
        // killed between recording a rebased head's base and moving the branch leaves a base
        // equal to the tip under a head that does not contain it (issue 12, item 1).
        if base == tip, try line?.stop == base || repo.contains(head, ancestor: tip) {
            return OwnCommits(commits: walked, fastForward: true, wholeChange: false)
        }
        if let above = walked.firstIndex(of: tip) {
            return OwnCommits(commits: Array(walked[(above + 1)...]), fastForward: true, wholeChange: false)
        }
        let own = walked.filter { !missing.contains($0) }
        return OwnCommits(commits: own, fastForward: false, wholeChange: line?.stop == base && own.count == walked.count)
    }
}

/// A task's commits to land, as `TargetHistory` found them.
struct OwnCommits {
    /// Oldest first.
    var commits: [ObjectID]
    /// `head` descends from the tip: the commits land as they are.
    var fastForward: Bool
    /// The commits are exactly `base..head`, the change that was reviewed.
    var wholeChange: Bool
}

extension MergeOutcome {
    /// The commits this outcome put (or would put) on the target.
    var landedCommits: [ObjectID] { commits.compactMap { ObjectID(hex: $0.landed) } }
}
