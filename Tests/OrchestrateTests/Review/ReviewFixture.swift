import Foundation
import OrchestrateTestSupport
import Testing

/// Shared set-up for the review suites: a task with work in its worktree, submitted.
enum ReviewFixture {
    static let rita = "Rita Reviewer <rita@example.com>"
    static let bob = "Bob Builder <bob@example.com>"

    /// An initialised repository with `approvals` written into the configuration.
    static func repo(approvals: String? = nil) throws -> TestRepo {
        let repo = try TestRepo(initialize: true)
        if let approvals {
            try repo.write(".augment-orchestrator.json", #"{"target": "main", "approvals": \#(approvals)}"#)
        }
        return repo
    }

    /// Adds and starts a task, commits `file` in its worktree with the git CLI, submits it.
    /// Returns the worktree path.
    @discardableResult
    static func submittedTask(_ repo: TestRepo, id: String = "T1", file: String = "f.txt", content: String = "one\ntwo\n") throws -> String {
        try repo.orchestrateOK("add", "Work on \(file)", "--id", id)
        let worktree = try repo.orchestrateOK("start", id)
        try repo.commit(file, content, in: worktree)
        try repo.orchestrateOK("submit", id)
        return worktree
    }

    /// The task as `show --format json` prints it.
    static func show(_ repo: TestRepo, _ id: String = "T1") throws -> [String: Any] {
        try #require(try TestRepo.json(repo.orchestrateOK("show", id, "--format", "json")) as? [String: Any])
    }

    /// `review --format json`.
    static func review(_ repo: TestRepo, _ id: String = "T1", patch: Bool = false) throws -> [String: Any] {
        let args = ["review", id, "--format", "json"] + (patch ? ["--patch"] : [])
        let result = try repo.orchestrateArgs(args)
        guard result.status == 0 else { throw TestFailure("review failed: \(result)") }
        return try #require(try TestRepo.json(result.stdout) as? [String: Any])
    }

    /// The audit events of a task, oldest first.
    static func events(_ repo: TestRepo, _ id: String = "T1") throws -> [[String: Any]] {
        try #require(try TestRepo.json(repo.orchestrateOK("log", "--task", id, "--format", "json")) as? [[String: Any]])
    }

    /// The state database file.
    static func database(_ repo: TestRepo) -> String { repo.path + "/.git/orchestrate/orchestrate.sqlite" }

    /// Runs the sqlite3 CLI on the real database file; returns stdout.
    @discardableResult
    static func sqlite(_ repo: TestRepo, _ sql: String) throws -> String {
        let result = try runProcess(["sqlite3", database(repo), sql], cwd: repo.path, environment: repo.environment)
        guard result.status == 0 else { throw TestFailure("sqlite3 failed: \(result)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
