import Foundation
import OrchestrateModel

/// What the merge buffer did (or, with `--dry-run`, would do) with one task.
public struct MergeOutcome: Sendable, Equatable {
    /// The verdict, in the words the CLI prints.
    public enum Result: String, Sendable {
        /// Landed on the target (dry run: would land).
        case landed
        /// Its change conflicts with the target; the target is untouched.
        case conflicted
        /// A configured check failed on the rebased result.
        case failed
        /// A dependency has not landed (yet).
        case waiting
        /// Not landed this time for a reason the user can fix (a dirty checkout, a lost race).
        case blocked
        /// The approval no longer holds (head moved, or the rebase changed the patch).
        case needsApproval
    }

    public var task: TaskID
    public var result: Result
    /// One sentence for the user.
    public var message: String
    public var oldTip: String?
    public var newTip: String?
    /// Source commit → landed commit, oldest first.
    public var commits: [CommitMapping] = []
    public var conflicts: [String] = []
    public var waitingOn: [TaskID] = []
    public var fastForward = false
    /// Checks run, with their exit status.
    public var checks: [CheckResult] = []
    /// The branch head the plan replayed (a batch lands it only if the branch still holds it).
    var sourceHead: String?
}

/// One commit of a task and the commit it became on the target.
public struct CommitMapping: Sendable, Equatable {
    public var source: String
    public var landed: String
}

/// The whole run of the merge buffer.
public struct MergeReport: Sendable {
    public var target: String
    public var dryRun: Bool
    /// The target tip before and after.
    public var startTip: String
    public var endTip: String
    public var outcomes: [MergeOutcome]
    /// With checks: the batches checked (dry run: the batches it would form), in order.
    public var batches: [MergeBatch] = []
    /// The landed worktrees set aside, and who empties them (nil: none, or a dry run).
    public var trash: TrashStatus? = nil

    /// Whether every considered task landed (or would land).
    public var allLanded: Bool { outcomes.allSatisfy { $0.result == .landed } }
}

extension CommitMapping {
    var json: JSONValue { ["source": .string(source), "landed": .string(landed)] }

    init?(json: JSONValue) {
        guard let o = json.objectValue, let s = o["source"]?.stringValue, let l = o["landed"]?.stringValue else { return nil }
        self.init(source: s, landed: l)
    }
}
