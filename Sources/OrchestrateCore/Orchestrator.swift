import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// An initialised repository: its git handle, configuration and state database, and the
/// context the command runs in. Every Core operation is a method on it (one file per concern).
/// Not `Sendable`: it owns a libgit2 handle.
public final class Orchestrator {
    public let context: Context
    /// The repository as discovered from the current directory (a task worktree or the main
    /// checkout).
    public let repository: Repository
    public let paths: RepositoryPaths
    public let config: Config
    public let store: Store
    /// How often each crash-test pause point was reached (see `faultInjectionPause`).
    var faultInjectionHits: [String: Int] = [:]
    /// The trash entries this process set aside (landed worktrees), for `merge` to dispose of.
    var trashedThisRun: [String] = []
    /// git's committer identity, asked of git on first use (see `GitIdentity`): in the
    /// repository's work tree, or where we are when git set GIT_DIR (inside a hook), since that
    /// may be relative to here.
    lazy var gitIdentity: Result<GitIdentity, OrchestrateError> = GitIdentity.resolve(
        environment: context.environment,
        directory: context.environment["GIT_DIR"] == nil
            ? (repository.workdir ?? FileManager.default.currentDirectoryPath) : FileManager.default.currentDirectoryPath)

    init(context: Context, repository: Repository, paths: RepositoryPaths, config: Config, store: Store) {
        self.context = context
        self.repository = repository
        self.paths = paths
        self.config = config
        self.store = store
    }

    /// Opens the repository around the current directory; requires `git orchestrate init`.
    public static func open(_ context: Context) throws -> Orchestrator {
        try open(context, repository: discoverRepository(context.environment))
    }

    /// Opens an initialised repository from its handle.
    static func open(_ context: Context, repository: Repository) throws -> Orchestrator {
        let paths = try RepositoryPaths(repository)
        var status = stat()
        guard stat(paths.database, &status) == 0 else {
            // A missing database is "not initialised" only when git holds no trace of tasks.
            try refuseLostDatabase(paths: paths, config: try loadConfig(paths: paths), command: "this command")
            throw OrchestrateError.badInput(
                "git-orchestrate is not initialised in \(paths.mainWorktree); run `git orchestrate init` first")
        }
        let config = try loadConfig(paths: paths)
        if status.st_size == 0 { try refuseLostDatabase(paths: paths, config: config, command: "this command") }
        let store = try Store(path: paths.database, clock: context.clock)
        return Orchestrator(context: context, repository: repository, paths: paths, config: config, store: store)
    }

    static func discoverRepository(_ environment: [String: String]) throws -> Repository {
        do {
            let repository = try Repository.discover()
            try Ownership.check(repository, environment: environment)
            return repository
        } catch let error as GitError where error.code == .notFound {
            let cwd = FileManager.default.currentDirectoryPath
            throw OrchestrateError.badInput(
                "\(cwd) is not inside a git repository; run this in a repository or pass -C <path>")
        }
    }

    static func loadConfig(paths: RepositoryPaths) throws -> Config {
        try Config.load(path: paths.config, repoName: URL(fileURLWithPath: paths.mainWorktree).lastPathComponent) {
            // Only when the file names no target: the branch checked out in the main work tree.
            let main = try Repository.open(at: paths.mainWorktree)
            if let head = try main.headReferenceName(), head.hasPrefix("refs/heads/") {
                return String(head.dropFirst("refs/heads/".count))
            }
            return "main"
        }
    }

    /// A handle on the main work tree's repository (the one that owns the worktrees), opened
    /// on first use.
    public lazy var mainRepository: Repository = {
        if !repository.isLinkedWorktree { return repository }
        return (try? Repository.open(at: paths.mainWorktree)) ?? repository
    }()

    /// The full ref name of the target branch.
    public var targetRef: String { "refs/heads/\(config.target)" }

    /// The target branch's tip; an error naming the branch when it does not exist.
    public func targetTip() throws -> ObjectID {
        guard let tip = try repository.referenceTarget(targetRef) else {
            throw OrchestrateError.badInput(
                "the target branch \(config.target) does not exist or has no commits; create it or set `target` in \(Config.fileName)")
        }
        return tip
    }

    /// The task's branch name (short form).
    public func branchName(for id: TaskID) -> String { config.branchPrefix + id.rawValue }

    /// The folder that holds the task worktrees (`worktreeRoot`, resolved against the main
    /// work tree).
    public var worktreeRootPath: String { Orchestrator.resolveWorktreeRoot(config, mainWorktree: paths.mainWorktree) }

    /// Where the task's worktree goes.
    public func worktreePath(for id: TaskID) -> String { worktreeRootPath + "/" + id.rawValue }

    /// Parses and validates a task id given by the user (exit 2 when malformed).
    public func parseID(_ text: String) throws -> TaskID {
        if let problem = TaskID.problem(with: text) {
            throw OrchestrateError.badInput(
                "\(text.debugDescription) is not a valid task id: \(problem) (ids match [A-Za-z0-9][A-Za-z0-9._-]{0,63})")
        }
        guard let id = TaskID(text) else { preconditionFailure("validated above") }
        return id
    }

    /// The task with this id; exit 2 naming it when there is none.
    public func requireTask(_ id: TaskID, in tx: StoreTransaction) throws -> TaskRecord {
        guard let task = try tx.task(id) else {
            throw OrchestrateError.badInput("there is no task \(id); run `git orchestrate list` to see the tasks")
        }
        return task
    }

    /// Reads a task by id text (validated), exit 2 when unknown.
    public func task(_ idText: String) throws -> TaskRecord {
        let id = try parseID(idText)
        return try store.read { try requireTask(id, in: $0) }
    }
}

/// Where things are for one repository.
public struct RepositoryPaths: Sendable {
    /// The git dir shared by every worktree.
    public let commonDir: String
    /// The main work tree's root (where the config file lives).
    public let mainWorktree: String
    /// `<common dir>/orchestrate`: database, logs, locks.
    public let stateDir: String
    public var database: String { stateDir + "/orchestrate.sqlite" }
    public var config: String { mainWorktree + "/" + Config.fileName }
    public var logsDir: String { stateDir + "/logs" }
    public var locksDir: String { stateDir + "/locks" }

    public init(_ repository: Repository) throws {
        commonDir = repository.commonDir
        stateDir = commonDir + "/orchestrate"
        if repository.isBare && !repository.isLinkedWorktree {
            throw OrchestrateError.badInput(
                "\(commonDir) is a bare repository; git-orchestrate needs a work tree, run it in a clone with one")
        }
        // The main work tree is the one the common dir belongs to.
        if repository.isLinkedWorktree {
            let main = try Repository.open(at: repository.commonDir)
            guard let workdir = main.workdir else {
                throw OrchestrateError.badInput(
                    "\(commonDir) is a bare repository; git-orchestrate needs a main work tree")
            }
            mainWorktree = workdir
        } else {
            guard let workdir = repository.workdir else { preconditionFailure("non-bare has a workdir") }
            mainWorktree = workdir
        }
    }
}
