import Foundation

/// A task as stored: the single source of truth for its state.
public struct TaskRecord: Sendable, Equatable {
    public var id: TaskID
    /// Creation order; breaks priority ties (older first) and numbers default ids.
    public var seq: Int64
    public var title: String
    public var description: String?
    public var priority: TaskPriority
    public var state: TaskState
    public var dependsOn: [TaskID]
    public var branch: String
    public var worktree: String?
    /// The commit the work started from.
    public var base: String?
    /// The branch tip as last recorded (by start, hooks, submit or a status scan).
    public var head: String?
    /// The head recorded by `submit`.
    public var submittedHead: String?
    public var attempts: Int
    public var paths: [String]
    /// Who claimed the task (`next --agent`), if anyone.
    public var claimedBy: String?
    /// The reason of the last rejection, kept for the next attempt.
    public var feedback: String?
    /// Whether the task's branch was based on a dependency's branch (`start --stack`).
    public var stacked: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: TaskID, seq: Int64 = 0, title: String, description: String? = nil,
        priority: TaskPriority = .normal, state: TaskState = .queued, dependsOn: [TaskID] = [],
        branch: String, worktree: String? = nil, base: String? = nil, head: String? = nil,
        submittedHead: String? = nil, attempts: Int = 0, paths: [String] = [],
        claimedBy: String? = nil, feedback: String? = nil, stacked: Bool = false,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.seq = seq
        self.title = title
        self.description = description
        self.priority = priority
        self.state = state
        self.dependsOn = dependsOn
        self.branch = branch
        self.worktree = worktree
        self.base = base
        self.head = head
        self.submittedHead = submittedHead
        self.attempts = attempts
        self.paths = paths
        self.claimedBy = claimedBy
        self.feedback = feedback
        self.stacked = stacked
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
