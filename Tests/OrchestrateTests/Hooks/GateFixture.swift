import Foundation
import OrchestrateTestSupport

/// Test fixtures for the hooks and the gate: a repository with a bare remote, and approval
/// through the real `submit` and `approve` commands.
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

    /// Submits and approves task `id` at its branch's current head with the real commands,
    /// as a reviewer other than the task's author.
    static func approve(_ repo: TestRepo, _ id: String) throws {
        try repo.orchestrateOK("submit", id)
        try repo.orchestrateOKAs("Rita Reviewer <rita@example.com>", "approve", id)
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
