import Foundation
import OrchestrateGit
import OrchestrateModel

extension HookRunner {
    /// The pre-push hook where git-orchestrate's database is missing: our hook is installed,
    /// so the repository is governed, and a lost database must not mean "everything is
    /// approved". Pushes to protected branches are refused with the repair to run; other
    /// pushes go through.
    static func prePushWithoutDatabase(_ context: Context, arguments: [String], input: String) throws -> Int32 {
        guard let repository = try? Repository.discover(), let paths = try? RepositoryPaths(repository) else { return 0 }
        let governed = FileManager.default.fileExists(atPath: paths.config)
            || (try? repository.referenceTarget(Ledger.ref)) != nil
        guard governed else { return 0 }
        let config = try Orchestrator.loadConfig(paths: paths)
        let remote = arguments.first ?? ""
        var refused = false
        for update in try PushUpdate.parse(input) {
            guard update.remoteRef.hasPrefix("refs/heads/") else { continue }
            let branch = String(update.remoteRef.dropFirst("refs/heads/".count))
            guard config.protectedBranches.contains(where: { Glob.matches($0, branch) }) else { continue }
            refused = true
            context.err(
                "error: push to \(remote.isEmpty ? "the remote" : remote) \(update.remoteRef) refused: the git-orchestrate database \(paths.database) is missing, so approvals cannot be checked; run `git orchestrate doctor`, then `git orchestrate init --new-database` to rebuild it from the ledger, and push again")
        }
        return refused ? 1 : 0
    }
}
