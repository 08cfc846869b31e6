import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// Runs a git hook inside git (`git-orchestrate hook <name>`). Hooks run on every commit, so
/// each decides as early and as cheaply as it can whether it has anything to do: the branch
/// name is checked against the task prefix before the database is opened.
public enum HookRunner {
    /// Runs hook `name` with git's `arguments` and `input` (its stdin); returns the exit status
    /// for git. Progress hooks never fail git: a problem is a warning on stderr.
    public static func run(_ context: Context, name: String, arguments: [String], input: String) -> Int32 {
        if name == "pre-receive" { return ServerHook.run(context, input: input) }  // the server gate
        guard let hook = HookName(rawValue: name) else {
            context.err("error: \(name.debugDescription) is not a hook git-orchestrate handles (\(HookName.allCases.map(\.rawValue).joined(separator: ", ")))")
            return 2
        }
        do {
            switch hook {
            case .postCommit: return try postCommit(context)
            case .referenceTransaction: return try referenceTransaction(context, arguments: arguments, input: input)
            case .preCommit: return try preCommit(context)
            case .prePush: return try prePush(context, arguments: arguments, input: input)
            }
        } catch {
            let message = (error as? OrchestrateError)?.message ?? "\(error)"
            if hook == .prePush {
                context.err("error: the approval gate could not check this push: \(message); fix that and push again")
                return 1
            }
            context.err("warning: git-orchestrate \(hook.rawValue) hook: \(message)")
            return 0
        }
    }

    /// The repository the hook runs in, when git-orchestrate is initialised there.
    struct Session {
        let repository: Repository
        let paths: RepositoryPaths
        let config: Config
    }

    static func session(_ context: Context) throws -> Session? {
        guard let repository = try? Repository.discover(), !repository.isBare || repository.isLinkedWorktree,
            let paths = try? RepositoryPaths(repository),
            FileManager.default.fileExists(atPath: paths.database)
        else { return nil }
        return Session(repository: repository, paths: paths, config: try Orchestrator.loadConfig(paths: paths))
    }

    /// The task whose branch `refName` (`refs/heads/…`) is, by name alone.
    static func taskID(ofRef refName: String, prefix: String) -> TaskID? {
        let branchPrefix = "refs/heads/" + prefix
        guard refName.hasPrefix(branchPrefix) else { return nil }
        return TaskID(String(refName.dropFirst(branchPrefix.count)))
    }

    /// The task checked out in this worktree, if it is one; cheap (no database).
    static func currentTask(_ repository: Repository, prefix: String) -> TaskID? {
        guard let head = try? repository.headReferenceName() else { return nil }
        return taskID(ofRef: head, prefix: prefix)
    }

    static func orchestrator(_ context: Context, _ session: Session) throws -> Orchestrator {
        // A 0-byte database is not filled with empty tables by a commit while tasks existed.
        var status = stat()
        if stat(session.paths.database, &status) == 0, status.st_size == 0 {
            try Orchestrator.refuseLostDatabase(paths: session.paths, config: session.config, command: "the hook")
        }
        // A hook makes a few accesses one after the other: one connection is enough.
        let store = try Store(path: session.paths.database, clock: context.clock, leaveLogOnClose: true)
        return Orchestrator(
            context: context, repository: session.repository, paths: session.paths, config: session.config,
            store: store)
    }

    static func postCommit(_ context: Context) throws -> Int32 {
        // Fast exit for every commit that is not on a task branch: no config, no database.
        guard let head = try? Repository.discover().headReferenceName(), head.hasPrefix("refs/heads/") else { return 0 }
        guard let session = try session(context),
            let id = taskID(ofRef: head, prefix: session.config.branchPrefix)
        else { return 0 }
        guard let tip = try session.repository.referenceTarget(head) else { return 0 }
        let orchestrator = try orchestrator(context, session)
        try orchestrator.recordProgress(of: id, head: tip, source: "post-commit")
        return 0
    }

    static func referenceTransaction(_ context: Context, arguments: [String], input: String) throws -> Int32 {
        guard arguments.first == "committed", let session = try session(context) else { return 0 }
        var moves: [(TaskID, ObjectID)] = []
        for line in input.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count == 3, let new = ObjectID(hex: String(fields[1])), !new.isZero,
                let id = taskID(ofRef: String(fields[2]), prefix: session.config.branchPrefix)
            else { continue }
            moves.append((id, new))
        }
        guard !moves.isEmpty else { return 0 }
        let orchestrator = try orchestrator(context, session)
        for (id, new) in moves { try orchestrator.recordProgress(of: id, head: new, source: "reference-transaction") }
        return 0
    }

    static func preCommit(_ context: Context) throws -> Int32 {
        guard let session = try session(context), session.config.enforcePaths,
            let id = currentTask(session.repository, prefix: session.config.branchPrefix)
        else { return 0 }
        let orchestrator = try orchestrator(context, session)
        guard let task = try orchestrator.store.read({ try $0.task(id) }), !task.paths.isEmpty else { return 0 }
        let outside = try session.repository.stagedPaths().filter { path in
            !task.paths.contains { Glob.covers($0, path: path) }
        }
        guard !outside.isEmpty else { return 0 }
        context.err(
            "error: task \(id) may only change \(task.paths.joined(separator: ", ")) (enforcePaths), but this commit touches \(outside.count == 1 ? "" : "\(outside.count) files outside them: ")\(outside.joined(separator: ", "))\(outside.count == 1 ? ", which is outside them" : ""); unstage \(outside.count == 1 ? "it" : "them") (`git restore --staged <file>`) or widen the task's paths")
        return 1
    }

    static func prePush(_ context: Context, arguments: [String], input: String) throws -> Int32 {
        guard let session = try session(context) else { return try prePushWithoutDatabase(context, arguments: arguments, input: input) }
        let orchestrator = try orchestrator(context, session)
        let remote = arguments.first ?? ""
        let decisions = try orchestrator.gatePush(remote: remote, lines: input)
        var refused = false
        for decision in decisions where !decision.allowed {
            refused = true
            context.err(decision.refusalText(remote: remote))
        }
        return refused ? 1 : 0
    }
}

extension Orchestrator {
    /// Records a task branch's new head seen by a hook (progress, and a voided approval when
    /// it moved after one), and counts it as a heartbeat of the task's running agent.
    func recordProgress(of id: TaskID, head: ObjectID, source: String) throws {
        guard let task = try store.read({ try $0.task(id) }), task.state.isInFlight else { return }
        try observeHead(of: id, newHead: head, source: source)
        try touchOpenRun(id)
    }
}
