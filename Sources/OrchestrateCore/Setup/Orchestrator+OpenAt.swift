import Foundation
import OrchestrateGit
import OrchestrateStore

extension Orchestrator {
    /// Opens the repository whose work tree (or git dir) is exactly `path`, without looking at
    /// the current directory: for embedding and for tests that run in parallel.
    public static func open(_ context: Context, repositoryAt path: String) throws -> Orchestrator {
        try open(context, repository: Repository.open(at: path))
    }
}
