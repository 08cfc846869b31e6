import Foundation
import OrchestrateGit
import OrchestrateStore

/// Looks at the state database before anything trusts it: missing, 0 bytes, not a database,
/// damaged pages, or sound but empty while git says tasks existed. Needs only the paths, the
/// configuration and the main repository (it runs when the database cannot be opened at all).
struct DatabaseDoctor {
    let paths: RepositoryPaths
    let config: Config
    let repository: Repository
    let worktreeRoot: String

    /// The findings, and whether the database can be opened for the rest of `doctor`.
    func check() throws -> (findings: [DoctorFinding], usable: Bool) {
        let db = paths.database
        let condition = Store.inspect(path: db)
        switch condition {
        case .sound:
            var findings = [DoctorFinding(severity: .ok, message: "database \(db) passes SQLite's integrity check")]
            let stateDir = URL(fileURLWithPath: db).deletingLastPathComponent().path
            let name = URL(fileURLWithPath: db).lastPathComponent
            let aside = ((try? FileManager.default.contentsOfDirectory(atPath: stateDir)) ?? [])
                .filter { $0.hasPrefix(name + ".replaced-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }.sorted()
            for file in aside {
                findings.append(DoctorFinding(
                    severity: .warning,
                    message: "an earlier state database was set aside at \(stateDir)/\(file) (`init --new-database`); tasks, approvals and audit events recorded only there are not in the current one — inspect it with sqlite3, and delete it once nothing in it is needed"))
            }
            return (findings, true)
        case .missing, .empty:
            let traces = try self.traces()
            if traces.isEmpty {
                if condition == .missing { return ([], false) }
                return ([DoctorFinding(
                    severity: .warning,
                    message: "the state database \(db) is empty (0 bytes) and git holds no trace of tasks; the next command creates its tables afresh")], true)
            }
            let what = condition == .missing ? "is missing" : "is empty (0 bytes)"
            return ([DoctorFinding(
                severity: .problem,
                message: "the state database \(db) \(what), but git still has \(traces.summary): the record of those tasks (states, approvals, audit trail) is gone, and commands refuse to start over silently. Restore \(db) from a backup; or, to start an empty database, run `git orchestrate init --new-database` (the work stays in those branches and refs)")], false)
        case .unreadable(let message):
            // A file this user may not open is not damaged: replacing it would lose it all.
            if access(db, R_OK | W_OK) != 0 && errno == EACCES
                || access((db as NSString).deletingLastPathComponent, W_OK | X_OK) != 0 && errno == EACCES
            {
                return ([DoctorFinding(
                    severity: .problem,
                    message: "permission denied: \(db) (or its folder) cannot be read and written by this user; fix the permissions (`ls -l \(db)`) or run as its owner — the database itself is not damaged")], false)
            }
            return ([DoctorFinding(
                severity: .problem,
                message: "the state database \(db) cannot be read as a database (\(message)): it was overwritten or truncated. Restore it from a backup; or run `git orchestrate init --new-database` to start an empty one — it keeps this file aside as \(db).replaced-<time>, and task branches and refs under refs/orchestrate/ keep the work")], false)
        case .damaged(let messages):
            let shown = messages.prefix(3).joined(separator: "; ")
            return ([DoctorFinding(
                severity: .problem,
                message: "the state database \(db) is damaged: SQLite's integrity check reports \(shown)\(messages.count > 3 ? "; …" : ""). Its rows, audit trail included, can no longer be trusted. Restore it from a backup; or run `git orchestrate init --new-database` to start an empty one — it keeps this file aside as \(db).replaced-<time> for inspection with sqlite3, and task branches and refs under refs/orchestrate/ keep the work")], false)
        }
    }

    /// A sound database with no history while git has task branches or refs: it was replaced.
    func checkNotReplaced(_ store: Store) throws -> [DoctorFinding] {
        guard try store.isEmptyOfHistory() else { return [] }
        let traces = try self.traces()
        guard !traces.isEmpty else { return [] }
        return [DoctorFinding(
            severity: .problem,
            message: "the state database \(paths.database) records no task, but git has \(traces.summary): the database was probably replaced by a new one. Restore the old one from a backup; the work itself is safe in those branches and refs")]
    }

    func traces() throws -> TaskTraces {
        try TaskTraces(repository: repository, branchPrefix: config.branchPrefix, worktreeRoot: worktreeRoot)
    }
}

extension Orchestrator {
    /// `doctor` from the outside: the database and lock files are checked before the database
    /// is trusted, so that a missing, empty or damaged one is described (with what to do)
    /// rather than failing the way every other command fails on it.
    public static func doctor(_ context: Context, repair: Bool) throws -> [DoctorFinding] {
        let repository = try discoverRepository(context.environment)
        let paths = try RepositoryPaths(repository)
        let config = try loadConfig(paths: paths)
        let main = try Repository.open(at: paths.mainWorktree)
        let databaseDoctor = DatabaseDoctor(
            paths: paths, config: config, repository: main,
            worktreeRoot: resolveWorktreeRoot(config, mainWorktree: paths.mainWorktree))
        var (findings, usable) = try databaseDoctor.check()
        findings += LockDoctor(paths: paths, repository: main, target: config.target).check(repair: repair)
        guard usable else {
            // A database that is lost or damaged (not one this user may not open) can be rebuilt.
            if !findings.isEmpty, !findings.contains(where: { $0.message.contains("permission denied") }),
                let hint = ledgerRebuildHint(main)
            {
                guard repair else {
                    findings.append(hint)
                    return findings
                }
                // The ledger holds every approval, landing and reject: `--repair` rebuilds from
                // it, as `init --new-database` does (the unsound file is set aside, never
                // deleted), then checks the new database like any other.
                _ = try initialize(context, target: nil, newDatabase: true)
                findings = findings.map { finding in
                    var finding = finding
                    if finding.severity == .problem { finding.repaired = true }
                    return finding
                }
                findings.append(DoctorFinding(
                    severity: .problem, message: "rebuilt the state database from the approvals ledger \(Ledger.ref)", repaired: true))
                let orchestrator = try open(context, repository: repository)
                return findings + (try orchestrator.doctor(repair: repair))
            }
            if findings.isEmpty {
                throw OrchestrateError.badInput(
                    "git-orchestrate is not initialised in \(paths.mainWorktree); run `git orchestrate init` first")
            }
            return findings
        }
        let orchestrator = try open(context, repository: repository)
        findings += try databaseDoctor.checkNotReplaced(orchestrator.store)
        findings += try orchestrator.doctor(repair: repair)
        return findings
    }

    /// Refuses to go on with a database that is missing or empty while git says tasks existed:
    /// creating it afresh would silently drop the record of them.
    static func refuseLostDatabase(paths: RepositoryPaths, config: Config, command: String) throws {
        let condition = Store.inspect(path: paths.database)
        guard condition == .missing || condition == .empty else { return }
        let main = try Repository.open(at: paths.mainWorktree)
        let traces = try TaskTraces(
            repository: main, branchPrefix: config.branchPrefix,
            worktreeRoot: resolveWorktreeRoot(config, mainWorktree: paths.mainWorktree))
        guard !traces.isEmpty else { return }
        throw OrchestrateError.failed(
            "the state database \(paths.database) \(condition == .missing ? "is missing" : "is empty (0 bytes)") but git still has \(traces.summary); \(command) will not start an empty one over them — run `git orchestrate doctor` for how to recover")
    }

    /// `worktreeRoot` resolved against the main work tree.
    static func resolveWorktreeRoot(_ config: Config, mainWorktree: String) -> String {
        let root = config.worktreeRoot.hasPrefix("/") ? config.worktreeRoot : mainWorktree + "/" + config.worktreeRoot
        return URL(fileURLWithPath: root).standardizedFileURL.path
    }
}
