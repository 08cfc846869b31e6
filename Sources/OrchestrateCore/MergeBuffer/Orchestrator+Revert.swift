import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// What reverting a landed task did.
public struct RevertReport: Sendable {
    /// The tasks reverted, newest landing first.
    public var reverted: [TaskID]
    public var oldTip: String
    public var newTip: String
}

extension Orchestrator {
    /// Reverts a landed (`merged`) task on the target branch as new commits, through the merge
    /// buffer's compare-and-swap landing path; with `cascade`, reverts the landed tasks that
    /// depend on it first, newest first. Refused without `cascade` when such tasks exist.
    public func revertLandedTask(_ id: TaskID, reason: String, cascade: Bool) throws -> RevertReport {
        // Filled in by the merge buffer (issue 4), which owns the landing primitive.
        throw OrchestrateError.failed("reverting a landed task is not available yet")
    }
}
