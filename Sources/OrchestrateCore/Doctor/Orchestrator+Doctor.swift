import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// One thing `doctor` looked at.
public struct DoctorFinding: Sendable, Equatable {
    public enum Severity: String, Sendable { case ok, warning, problem }
    public var severity: Severity
    /// What was checked, or what is wrong and what to do about it.
    public var message: String
    /// Whether `--repair` fixed it.
    public var repaired: Bool = false
}

extension Orchestrator {
    /// Checks the database, the configuration, hooks and worktrees against the recorded state;
    /// with `repair`, fixes what is safe (never anything that could lose work).
    public func doctor(repair: Bool) throws -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        func ok(_ m: String) { findings.append(DoctorFinding(severity: .ok, message: m)) }
        func problem(_ m: String, repaired: Bool = false) {
            findings.append(DoctorFinding(severity: .problem, message: m, repaired: repaired))
        }
        func warning(_ m: String) { findings.append(DoctorFinding(severity: .warning, message: m)) }

        let migrations = try store.appliedMigrations()
        if try store.isFullyMigrated() {
            ok("database \(paths.database) is reachable and migrated (\(migrations.count) migration\(migrations.count == 1 ? "" : "s"))")
        } else {
            problem("database \(paths.database) is not fully migrated; run any git-orchestrate command to migrate it")
        }
        ok("configuration \(paths.config) is valid (target \(config.target))")
        if try repository.referenceTarget(targetRef) == nil {
            problem("the target branch \(config.target) does not exist; create it or set `target` in \(Config.fileName)")
        }
        let chain = try store.read { try $0.verifyAuditChain() }
        if chain.isIntact {
            ok("audit trail intact (\(chain.rowsChecked) events)")
        } else {
            problem("audit trail broken at row \(chain.firstBadSeq ?? 0): \(chain.problem ?? ""); run `git orchestrate audit verify`")
        }
        switch gitIdentity {
        case .success(let identity): ok("git identity here: \(identity) (as `git var GIT_COMMITTER_IDENT` says)")
        case .failure(let refusal): warning("approve, reject and merge will refuse: \(refusal.message)")
        }
        findings += try doctorHooks()
        findings += try doctorRuns()
        findings += try doctorWorktrees(repair: repair)
        findings += try doctorMergeJournal(repair: repair)
        findings += try doctorTrash(repair: repair)
        findings += try doctorLedger(repair: repair)
        return findings
    }

    /// Hook checks: each hook installed and current (see Hooks/Orchestrator+HookDoctor.swift).
    func doctorHooks() throws -> [DoctorFinding] { try hookFindings() }

    func doctorWorktrees(repair: Bool) throws -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        let tasks = try store.read { try $0.tasks() }
        let worktrees = try mainRepository.worktrees()
        let byName = Dictionary(worktrees.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var known = Set<String>()
        // Every branch in one pass over the refs: a look-up per task read the refs again each
        // time (100,000 tasks took minutes).
        let branchHeads = try mainRepository.referenceTargets(under: "refs/heads/")
        for task in tasks {
            known.insert(task.id.rawValue)
            let branchHead = branchHeads["refs/heads/\(task.branch)"]
            if task.state.isInFlight {
                guard let path = task.worktree else {
                    if task.state == .running && branchHead == nil {
                        if repair {
                            try requeueOrphanedClaim(task.id)
                            findings.append(DoctorFinding(
                                severity: .problem,
                                message: "task \(task.id) was claimed but never got a worktree (a start was interrupted); queued it again",
                                repaired: true))
                        } else {
                            findings.append(DoctorFinding(
                                severity: .problem,
                                message: "task \(task.id) is running but has no worktree or branch (a start was interrupted); run `git orchestrate doctor --repair` to queue it again"))
                        }
                    }
                    continue
                }
                if !FileManager.default.fileExists(atPath: path) {
                    findings.append(DoctorFinding(
                        severity: .problem,
                        message: "the worktree \(path) of \(task.id) is missing; its branch \(task.branch) is \(branchHead == nil ? "gone too" : "still there") — run `git orchestrate cancel \(task.id)` to keep its work and close it"))
                    if repair, let entry = byName[task.id.rawValue], !entry.isValid {
                        try? mainRepository.removeWorktree(name: entry.name, removeFolder: false)
                    }
                    continue
                }
                let onBranch = Repository.checkedOutBranch(atWorktree: path)
                if onBranch != task.branch {
                    findings.append(DoctorFinding(
                        severity: .problem,
                        message: "the worktree \(path) of \(task.id) has \(onBranch ?? "a detached HEAD") checked out instead of \(task.branch); run `git -C \(path) switch \(task.branch)`"))
                }
                if branchHead == nil {
                    findings.append(DoctorFinding(
                        severity: .problem, message: "the branch \(task.branch) of \(task.id) is missing; its worktree is \(path)"))
                }
            }
        }
        for entry in worktrees where !known.contains(entry.name) && entry.path.hasPrefix(worktreeRootPath + "/") {
            findings.append(DoctorFinding(
                severity: .warning,
                message: "the worktree \(entry.path) (\(entry.name)) is not a task git-orchestrate knows; remove it with `git worktree remove \(entry.path)` if it is not needed"))
        }
        let taskBranches = Set(tasks.map(\.branch))
        for branch in try mainRepository.references(matching: "refs/heads/\(config.branchPrefix)*") {
            let short = String(branch.name.dropFirst("refs/heads/".count))
            if !taskBranches.contains(short) {
                findings.append(DoctorFinding(
                    severity: .warning,
                    message: "the branch \(short) matches the task prefix but belongs to no task; rename or delete it if it is not needed"))
            }
        }
        let problems = findings.filter { $0.severity == .problem }.count
        if problems == 0 { findings.insert(DoctorFinding(severity: .ok, message: "\(tasks.count) tasks and \(worktrees.count) worktrees agree with the recorded state"), at: 0) }
        return findings
    }

    func requeueOrphanedClaim(_ id: TaskID) throws {
        try store.write { tx in
            var task = try requireTask(id, in: tx)
            guard task.state == .running, task.worktree == nil else { return }
            task.state = .queued
            task.claimedBy = nil
            try tx.updateTask(task)
            try tx.appendAudit(NewAuditEvent(
                kind: .repaired, task: id, actor: actor,
                detail: ["what": "claim without worktree put back in the queue"]))
        }
    }
}
