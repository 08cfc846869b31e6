/// The life of a task. Names are part of the user-facing contract.
public enum TaskState: String, CaseIterable, Sendable, Codable {
    case queued, running, submitted, approved, merged, conflicted, failed, rejected, cancelled,
        reverted

    /// States in which the task has a worktree and branch in flight (work exists that has not
    /// landed).
    public var isInFlight: Bool {
        switch self {
        case .running, .submitted, .approved, .conflicted, .failed: return true
        case .queued, .merged, .rejected, .cancelled, .reverted: return false
        }
    }

    /// States from which nothing further happens without a user reopening the task.
    public var isFinished: Bool {
        switch self {
        case .merged, .rejected, .cancelled, .reverted: return true
        default: return false
        }
    }
}

/// How urgent a task is; higher raw values are handed out first.
public enum TaskPriority: Int, CaseIterable, Sendable, Comparable {
    case low = 0, normal = 1, high = 2, urgent = 3

    /// The contract's name of the priority.
    public var name: String {
        switch self {
        case .low: return "low"
        case .normal: return "normal"
        case .high: return "high"
        case .urgent: return "urgent"
        }
    }

    /// Parses a priority name.
    public init?(name: String) {
        guard let p = TaskPriority.allCases.first(where: { $0.name == name }) else { return nil }
        self = p
    }

    public static func < (lhs: TaskPriority, rhs: TaskPriority) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
