import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// Opens the repository for `doctor`. A database that is missing or cannot be opened is a
    /// problem; with `repair` a corrupt one is kept aside, a new one is created and everything
    /// the ledger holds is imported (tasks it names, approvals, landings, reverts, rejects).
    /// With `repair`, ledger events the database lacks are imported in any case.
    public static func openForDoctor(_ context: Context, repair: Bool) throws -> (Orchestrator, [DoctorFinding]) {
        let repository = try discoverRepository()
        let paths = try RepositoryPaths(repository)
        var findings: [DoctorFinding] = []
        var problem: String?
        if !FileManager.default.fileExists(atPath: paths.database) {
            problem = "the database \(paths.database) is missing"
        } else {
            do {
                let store = try Store(path: paths.database, clock: context.clock)
                _ = try store.read { try $0.auditHash(ofSeq: 1) }
            } catch {
                problem = "the database \(paths.database) cannot be read (\(error))"
            }
        }
        let hasLedger = try repository.referenceTarget(Ledger.ref) != nil
        if let problem {
            guard repair, hasLedger || FileManager.default.fileExists(atPath: paths.config) else {
                throw OrchestrateError.failed(
                    "\(problem); run `git orchestrate doctor --repair` to rebuild it from the ledger (\(Ledger.ref))")
            }
            if FileManager.default.fileExists(atPath: paths.database) {
                let aside = paths.database + ".corrupt-\(Int(context.now().timeIntervalSince1970))"
                for suffix in ["", "-wal", "-shm"] { _ = rename(paths.database + suffix, aside + suffix) }
                findings.append(DoctorFinding(severity: .problem, message: "\(problem): kept aside as \(aside)", repaired: true))
            }
            try FileManager.default.createDirectory(atPath: paths.logsDir, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: paths.locksDir, withIntermediateDirectories: true)
            let orchestrator = try Orchestrator(
                context: context, repository: repository, paths: paths, config: loadConfig(paths: paths),
                store: Store(path: paths.database, clock: context.clock))
            let main = try Repository.open(at: paths.mainWorktree)
            try orchestrator.recordInitialization(main: main)
            let tasks = try orchestrator.store.read { try $0.tasks() }.count
            findings.append(DoctorFinding(
                severity: .problem,
                message: "\(problem): rebuilt from the ledger (\(tasks) task\(tasks == 1 ? "" : "s"), approvals, landings and a new audit trail)",
                repaired: true))
            return (orchestrator, findings)
        }
        let orchestrator = try open(context, repository: repository)
        if repair, hasLedger {
            let report = try orchestrator.importLedger()
            let count = report.approvals + report.landings + report.revocations
            if count > 0 {
                findings.append(DoctorFinding(
                    severity: .problem,
                    message: "\(count) ledger event\(count == 1 ? " was" : "s were") missing from the database: imported", repaired: true))
            }
        }
        return (orchestrator, findings)
    }
}
