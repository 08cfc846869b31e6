import Foundation
import OrchestrateGit
import OrchestrateStore

extension Orchestrator {
    /// Opens the repository whose work tree (or git dir) is exactly `path`, without looking at
    /// the current directory: for embedding and for tests that run in parallel.
    public static func open(_ context: Context, repositoryAt path: String) throws -> Orchestrator {
        let repository = try Repository.open(at: path)
        let paths = try RepositoryPaths(repository)
        guard FileManager.default.fileExists(atPath: paths.database) else {
            throw OrchestrateError.badInput(
                "git-orchestrate is not initialised in \(paths.mainWorktree); run `git orchestrate init` first")
        }
        let config = try loadConfig(paths: paths)
        let store = try Store(path: paths.database, clock: context.clock)
        return Orchestrator(context: context, repository: repository, paths: paths, config: config, store: store)
    }
}
