import Foundation

/// The contents of `.augment-orchestrator.json`, with every default filled in.
public struct Config: Sendable, Equatable {
    /// The file name at the work tree root.
    public static let fileName = ".augment-orchestrator.json"

    public struct Approvals: Sendable, Equatable {
        public var required = 1
        public var allowSelfApproval = false
        /// Who may approve (identities or e-mail addresses); empty: anyone.
        public var approvers: [String] = []
        /// Whether an approval counts only when SSH-signed by an allowed signer for its
        /// approver (docs/security.md).
        public var requireSigned = false
    }

    public struct Check: Sendable, Equatable {
        public var name: String
        public var command: [String]
        public var timeoutSeconds: Int = 1800
        /// How many times a failing run is repeated before the check counts as failed (a
        /// flaky test suite); the audit trail says when a retry passed.
        public var retries: Int = 0
        /// A bound on `retries`: past a few reruns a check is not flaky but failing.
        public static let maxRetries = 10
    }

    public struct Merge: Sendable, Equatable {
        public var keepWorktrees = false
        public var maxRetries = 3
        /// What happens to a task the merge buffer finds conflicted or failing a check.
        public var onFailure: OnFailure = .stop
        /// With checks: how many landable tasks one check run covers (`merge.batchSize`);
        /// 1 checks and lands one task at a time.
        public var batchSize = 20
        /// With checks: how many candidates are checked at once, each in a check slot of its
        /// own (`merge.parallelChecks`); the machine's active processors by default.
        public var parallelChecks = max(1, ProcessInfo.processInfo.activeProcessorCount)
        /// `merge.cleanup`: who empties the trash of landed worktrees (docs/merge-buffer.md).
        public var cleanup: Cleanup = .background
    }

    /// `merge.cleanup`: a detached process after the run, or `merge` itself before it returns.
    public enum Cleanup: String, Sendable, Equatable, CaseIterable {
        case background, foreground
    }

    /// `merge.onFailure`: stop there for a person, or go back to the agent with the evidence.
    public enum OnFailure: String, Sendable, Equatable, CaseIterable {
        case stop, requeue
    }

    /// `agent.onStall`: only report a stalled agent, or stop it and run the task again.
    public enum OnStall: String, Sendable, Equatable, CaseIterable {
        case report, restart
    }

    public struct AgentSetup: Sendable, Equatable {
        public var copy: [String] = []
        public var command: [String]? = nil
    }

    public struct Agent: Sendable, Equatable {
        public var command: [String]? = nil
        public var env: [String: String] = [:]
        public var heartbeatSeconds = 10
        public var timeoutSeconds = 3600
        public var maxConcurrent = 2
        public var maxAttempts = 3
        public var autoSubmit = true
        public var setup = AgentSetup()
        /// Seconds without a commit, a worktree change or reported progress after which a
        /// live agent counts as stalled; nil: never.
        public var stallSeconds: Int? = nil
        public var onStall: OnStall = .report
        /// An agent log growing past this is cut back to its most recent part (the tail).
        public var maxLogBytes = 4_194_304
    }

    /// The branch work lands on; nil in the file means the branch checked out in the main
    /// work tree.
    public var target: String
    public var branchPrefix = "orchestrate/"
    /// Where task worktrees go, as written (relative to the main work tree root, or absolute).
    public var worktreeRoot: String
    /// Globs of branch names the pre-push gate protects.
    public var protectedBranches: [String]
    public var approvals = Approvals()
    public var checks: [Check] = []
    public var merge = Merge()
    public var stacking = false
    public var enforcePaths = false
    public var agent = Agent()
    /// What the gate does when git-orchestrate cannot be found by the hook: refuse (default)
    /// or let the push through.
    public var gateFailClosed = true
    /// Whether the gate lets a push delete a protected branch.
    public var allowProtectedDeletion = false
    /// The remote `approve`, `merge` and `reject` publish the ledger to (`sync.remote`); nil:
    /// the ledger stays local until `git orchestrate sync`.
    public var syncRemote: String? = nil
    /// Named task blueprints (`add --template`), by name.
    public var templates: [String: TaskTemplate] = [:]

    /// The defaults for a repository whose main work tree folder is named `repoName`.
    public init(target: String, repoName: String) {
        self.target = target
        self.worktreeRoot = "../\(repoName).worktrees"
        self.protectedBranches = [target]
    }
}
