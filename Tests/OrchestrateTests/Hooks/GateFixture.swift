import Foundation
import OrchestrateModel
import OrchestrateStore
import OrchestrateTestSupport

/// Test fixtures for the hooks and the gate. Approvals are built elsewhere; until they are
/// merged, `approve` marks a task approved the way `git orchestrate approve` will: the task's
/// commits (base..head) go into `cleared_commits` under an `approved` audit event.
enum GateFixture {
    /// The package root (where `hooks/` lives).
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// A repository with `main` already pushed to a bare remote `origin` (before the gate
    /// existed), then initialised with the hooks installed.
    static func repoWithRemote() throws -> TestRepo {
        let repo = try TestRepo()
        try repo.git("init", "-q", "--bare", remote(repo))
        try repo.git("remote", "add", "origin", remote(repo))
        try repo.git("push", "-q", "origin", "main")
        try repo.orchestrateOK("init")
        return repo
    }

    /// The bare remote's path.
    static func remote(_ repo: TestRepo) -> String { repo.scratch + "/remote.git" }

    /// The commit a branch of the remote points at (`git --git-dir=remote rev-parse`).
    static func remoteTip(_ repo: TestRepo, _ branch: String) throws -> String? {
        let result = try repo.gitResult("--git-dir=\(remote(repo))", "rev-parse", "--verify", "-q", "refs/heads/\(branch)")
        return result.status == 0 ? result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    static func store(_ repo: TestRepo) throws -> Store {
        try Store(path: repo.path + "/.git/orchestrate/orchestrate.sqlite")
    }

    /// Approves task `id` at its branch's current head, as `approve` will.
    static func approve(_ repo: TestRepo, _ idText: String) throws {
        guard let id = TaskID(idText) else { throw TestFailure("bad id \(idText)") }
        let store = try store(repo)
        guard let task = try store.read({ try $0.task(id) }), let base = task.base else {
            throw TestFailure("task \(idText) is not started")
        }
        let head = try repo.revParse("refs/heads/\(task.branch)")
        let commits = try repo.git("rev-list", "\(base)..\(head)").split(separator: "\n").map(String.init)
        try store.write { tx in
            var current = task
            current.head = head
            current.state = .approved
            try tx.updateTask(current)
            let event = try tx.appendAudit(NewAuditEvent(
                kind: .approved, task: id, oid: head, actor: "Rita Reviewer <rita@example.com>"))
            try tx.insertClearedCommits(
                commits.map { ClearedCommit(oid: $0, task: id, reason: .approved) }, auditSeq: event.seq)
        }
    }

    /// The audit events of task `id` (`log --task --format json`).
    static func events(_ repo: TestRepo, task: String) throws -> [[String: Any]] {
        let log = try repo.orchestrateOK("log", "--task", task, "--format", "json")
        return try TestRepo.json(log) as? [[String: Any]] ?? []
    }

    /// Every audit event (`log --format json`).
    static func allEvents(_ repo: TestRepo) throws -> [[String: Any]] {
        try TestRepo.json(try repo.orchestrateOK("log", "--format", "json")) as? [[String: Any]] ?? []
    }

    /// The environment's PATH without the folder holding the built binary.
    static func pathWithoutBinary(_ repo: TestRepo) -> String {
        let binDir = URL(fileURLWithPath: orchestrateBinary).deletingLastPathComponent().path
        return (repo.environment["PATH"] ?? "").split(separator: ":").filter { $0 != binDir }.joined(separator: ":")
    }
}
