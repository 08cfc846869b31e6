import Foundation

/// One approval of one commit by one approver.
public struct ApprovalRecord: Sendable, Equatable {
    /// The approved head commit.
    public var oid: String
    public var approver: String
    public var task: TaskID
    public var tree: String
    /// The stable patch id of base..oid: follows the change across a clean rebase.
    public var patchId: String
    /// The base the change was reviewed against.
    public var base: String
    public var time: Date
    public var comment: String?

    public init(
        oid: String, approver: String, task: TaskID, tree: String, patchId: String, base: String,
        time: Date, comment: String?
    ) {
        self.oid = oid
        self.approver = approver
        self.task = task
        self.tree = tree
        self.patchId = patchId
        self.base = base
        self.time = time
        self.comment = comment
    }
}

/// Why the gate lets a commit through.
public enum ClearanceReason: String, Sendable {
    /// Part of an approved change (base..approved head).
    case approved
    /// Written by the merge buffer when it landed an approved change.
    case landed
    /// Written by `reject` when it reverted a landed task.
    case reverted
}

/// A commit the gate lets through, and why.
public struct ClearedCommit: Sendable, Equatable {
    public var oid: String
    public var task: TaskID
    public var reason: ClearanceReason
    /// For landed commits, the approved commit it was replayed from.
    public var sourceOid: String?

    public init(oid: String, task: TaskID, reason: ClearanceReason, sourceOid: String? = nil) {
        self.oid = oid
        self.task = task
        self.reason = reason
        self.sourceOid = sourceOid
    }
}
