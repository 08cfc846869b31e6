import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// What `init` did.
public struct InitReport: Sendable {
    public var mainWorktree: String
    public var target: String
    public var wroteConfig: Bool
    public var createdDatabase: Bool
    public var stateDir: String
}

extension Orchestrator {
    /// Idempotent set-up: writes the config if absent (never overwrites), creates the state
    /// folder and database. Hooks are installed by the caller (they need the open orchestrator).
    /// `newDatabase` allows starting an empty database where one is missing or empty although
    /// git still has task branches or refs (otherwise refused: that would drop their record).
    public static func initialize(_ context: Context, target requestedTarget: String?, newDatabase: Bool = false) throws -> Orchestrator {
        let repository = try discoverRepository(context.environment)
        let paths = try RepositoryPaths(repository)
        let main = try Repository.open(at: paths.mainWorktree)
        let fileManager = FileManager.default
        let configExists = fileManager.fileExists(atPath: paths.config)

        var target: String
        if let requestedTarget {
            guard Repository.isValidReferenceName("refs/heads/" + requestedTarget) else {
                throw OrchestrateError.badInput(
                    "--target \(requestedTarget.debugDescription) is not a valid branch name (see `git check-ref-format --branch`); pass the branch work should land on")
            }
            target = requestedTarget
        } else if configExists {
            target = try loadConfig(paths: paths).target
        } else {
            guard let head = try main.headReferenceName(), head.hasPrefix("refs/heads/") else {
                throw OrchestrateError.badInput(
                    "HEAD of \(paths.mainWorktree) is detached; check out the branch work should land on, or pass --target BRANCH")
            }
            target = String(head.dropFirst("refs/heads/".count))
        }
        guard Repository.isValidReferenceName("refs/heads/\(target)") else {
            throw OrchestrateError.badInput("\(target.debugDescription) is not a valid branch name; pass --target with an existing branch")
        }
        guard try main.referenceTarget("refs/heads/\(target)") != nil else {
            throw OrchestrateError.badInput(
                "the target branch \(target) has no commits yet; make a first commit on it, then run `git orchestrate init` again")
        }

        // Validate an existing config before touching anything else.
        if configExists {
            let existing = try loadConfig(paths: paths)
            if let requestedTarget, existing.target != requestedTarget {
                context.err(
                    "note: \(Config.fileName) already sets target \(existing.target); it was left unchanged (edit it to change the target)")
                target = existing.target
            }
        } else {
            try writeNewConfig(at: paths.config, target: target)
        }

        if !newDatabase {
            try refuseLostDatabase(paths: paths, config: try loadConfig(paths: paths), command: "`git orchestrate init`")
        } else {
            try setAsideUnsoundDatabase(paths: paths, context: context)
        }
        let createdDatabase = !fileManager.fileExists(atPath: paths.database) || Store.inspect(path: paths.database) == .empty
        try fileManager.createDirectory(atPath: paths.logsDir, withIntermediateDirectories: true)
        try fileManager.createDirectory(atPath: paths.locksDir, withIntermediateDirectories: true)
        let config = try loadConfig(paths: paths)
        let store = try Store(path: paths.database, clock: context.clock)
        let orchestrator = Orchestrator(
            context: context, repository: repository, paths: paths, config: config, store: store)
        if createdDatabase {
            try orchestrator.recordInitialization(main: main)
        }
        return orchestrator
    }

    /// Records the first `initialized` event. The history the protected branches hold now is
    /// taken as given only when the repository has no ledger yet: when one exists (here, or on
    /// `sync.remote`), approvals made before are the truth and are imported instead, so a new
    /// database can never bless unapproved commits by being created after them.
    func recordInitialization(main: Repository) throws {
        if try ledger.tip() == nil, let remote = config.syncRemote {
            _ = try? fetchLedger(remote).map(joinLedger)
        }
        let existing = try ledger.tip()
        let baseline = existing == nil ? try protectedBranchTips() : []
        try store.write { tx in
            var detail: [String: JSONValue] = [
                "target": .string(config.target), "worktree": .string(paths.mainWorktree),
                "baseline": .array(baseline.map { .string($0.hex) }),
            ]
            if let existing { detail["ledgerTip"] = .string(existing.hex) }
            // A database started again: the trail it begins is a new chain, and says so.
            if let previous = try repository.configString("orchestrate.auditChain") {
                detail["previousChain"] = .string(previous)
                _ = try repository.removeLocalConfig("orchestrate.auditChain")
            }
            let event = try tx.appendAudit(NewAuditEvent(
                kind: .initialized, oid: try main.referenceTarget("refs/heads/\(config.target)")?.hex, actor: actor,
                detail: detail))
            if existing == nil {
                try recordInLedger(
                    ledgerPayload(["kind": "initialized", "target": .string(config.target), "baseline": detail["baseline"] ?? []], now: tx.now),
                    audit: event, in: tx)
            }
        }
        if existing != nil {
            let report = try importLedger()
            context.err(
                "note: this repository already has an approvals ledger (\(Ledger.ref)); its history is checked against it, not taken as approved (\(report.approvals) approval\(report.approvals == 1 ? "" : "s") and \(report.landings) landing\(report.landings == 1 ? "" : "s") imported)")
        }
    }

    /// The commits the protected branches hold now, the target among them: recorded by `init`
    /// as the history the gate takes as given (it predates git-orchestrate, so no task could
    /// have approved it).
    func protectedBranchTips() throws -> [ObjectID] {
        let tips = try repository.references(matching: "refs/heads/*")
            .filter { isProtected(remoteRef: $0.name) }
            .map(\.target)
        return Array(Set(tips)).sorted { $0.hex < $1.hex }
    }

    /// Writes a fresh configuration file without ever replacing one: the file is written
    /// aside and linked into place, which fails if a file appeared meanwhile.
    static func writeNewConfig(at path: String, target: String) throws {
        let text = JSONValue.object([
            // Editors that understand JSON Schema pick the schema up from this key.
            "$schema": .string(Config.schemaURL),
            "target": .string(target),
            "branchPrefix": "orchestrate/",
            "protectedBranches": .array([.string(target)]),
            "approvals": ["required": 1, "allowSelfApproval": false],
            "checks": [],
            "merge": ["keepWorktrees": false, "maxRetries": 3, "onFailure": "requeue"],
        ]).prettyText + "\n"
        let temporary = path + ".tmp-\(getpid())"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        defer { unlink(temporary) }
        if link(temporary, path) != 0 && errno != EEXIST {
            throw OrchestrateError.failed("could not write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

extension Orchestrator {
    /// For `init --new-database`: a database that is not sound (empty, unreadable, damaged) is
    /// renamed, never deleted, with its write-ahead log, so that a new one can take its place.
    static func setAsideUnsoundDatabase(paths: RepositoryPaths, context: Context) throws {
        switch Store.inspect(path: paths.database) {
        case .missing, .sound: return
        case .empty, .unreadable, .damaged:
            let aside = paths.database + ".replaced-\(Int(context.now().timeIntervalSince1970))"
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: paths.database + suffix) {
                try FileManager.default.moveItem(atPath: paths.database + suffix, toPath: aside + suffix)
            }
            context.err("note: moved the old state database aside to \(aside); a new, empty one takes its place")
        }
    }
}
