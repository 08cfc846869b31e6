import Foundation
import OrchestrateGit

/// What git itself says about tasks, whatever the database says: task branches, refs under
/// `refs/orchestrate/`, worktrees under the worktree root. A database that is missing, empty or
/// replaced is told apart from a fresh start by these.
struct TaskTraces {
    /// Local branches named with the task prefix (short names).
    var branches: [String] = []
    /// Refs under `refs/orchestrate/` (kept work, replicated approvals and landings).
    var refs: [String] = []
    /// Linked worktrees under the worktree root (paths).
    var worktrees: [String] = []

    /// Reads the traces from the main repository.
    init(repository: Repository, branchPrefix: String, worktreeRoot: String) throws {
        branches = try repository.references(matching: "refs/heads/\(branchPrefix)*").map {
            String($0.name.dropFirst("refs/heads/".count))
        }
        // The approvals ledger is not a trace of lost rows: `init` imports it into a new database.
        refs = try repository.references(matching: "refs/orchestrate/*").map(\.name)
            .filter { $0 != Ledger.ref && !$0.hasPrefix("refs/orchestrate/remotes/") }
        worktrees = try repository.worktrees().map(\.path).filter { $0.hasPrefix(worktreeRoot + "/") }
    }

    /// Whether nothing says tasks ever existed.
    var isEmpty: Bool { branches.isEmpty && refs.isEmpty && worktrees.isEmpty }

    /// "2 task branches (orchestrate/T1, orchestrate/T2), 1 ref under refs/orchestrate/".
    var summary: String {
        func some(_ items: [String], _ one: String, _ many: String) -> String? {
            guard !items.isEmpty else { return nil }
            let shown = items.prefix(3).joined(separator: ", ") + (items.count > 3 ? ", …" : "")
            return "\(items.count) \(items.count == 1 ? one : many) (\(shown))"
        }
        return [
            some(branches, "task branch", "task branches"),
            some(refs, "ref under refs/orchestrate/", "refs under refs/orchestrate/"),
            some(worktrees, "task worktree", "task worktrees"),
        ].compactMap { $0 }.joined(separator: ", ")
    }
}
