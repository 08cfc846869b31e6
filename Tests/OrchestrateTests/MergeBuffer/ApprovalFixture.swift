import Foundation
import OrchestrateTestSupport

/// Approves a task with the real `approve` command, as a reviewer other than its author.
enum ApprovalFixture {
    static func approve(_ repo: TestRepo, _ id: String, by approver: String = "Rita Reviewer <rita@example.com>") throws {
        try repo.orchestrateOKAs(approver, ["approve", id])
    }
}

extension TestRepo {
    /// An initialised repository (no hooks) whose configuration file is committed, so that
    /// `git status` shows only what a test does.
    static func forMerge(files: [String: String] = ["README.md": "hello\n"]) throws -> TestRepo {
        let repo = try TestRepo(files: files)
        try repo.orchestrateOK("init", "--no-hooks")
        // The merge buffer on its own: a conflicted or failed task stays for a person (the
        // closed loop on top of it is tested in Loop/).
        let written = repo.read(".augment-orchestrator.json") ?? ""
        try repo.write(".augment-orchestrator.json", written.replacingOccurrences(of: "\"onFailure\": \"requeue\"", with: "\"onFailure\": \"stop\""))
        try repo.git("add", ".augment-orchestrator.json")
        try repo.git("commit", "-q", "-m", "config")
        return repo
    }

    /// Replaces the configuration file with `json` and commits it.
    func commitConfig(_ json: String, message: String) throws {
        try write(".augment-orchestrator.json", json)
        try git("add", ".augment-orchestrator.json")
        try git("commit", "-q", "-m", message)
    }

    /// Adds a task, starts it (optionally stacked), commits `files` in its worktree (one commit
    /// each), submits and approves it. Returns the worktree path.
    @discardableResult
    func approvedTask(
        _ title: String, files: [(String, String)], dependsOn: [String] = [], stack: Bool = false, approve: Bool = true
    ) throws -> (id: String, worktree: String) {
        let id = try orchestrateOK(["add", title] + dependsOn.flatMap { ["--depends-on", $0] })
        let worktree = try orchestrateOK(["start", id] + (stack ? ["--stack"] : []))
        for (file, content) in files { try commit(file, content, message: "\(title): \(file)", in: worktree) }
        try orchestrateOK("submit", id)
        if approve { try ApprovalFixture.approve(self, id) }
        return (id, worktree)
    }

    @discardableResult
    func orchestrateOK(_ args: [String], in dir: String? = nil) throws -> String {
        let result = try orchestrateArgs(args, in: dir)
        guard result.status == 0 else { throw TestFailure("git-orchestrate \(args.joined(separator: " ")) failed: \(result)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `git log --format=%s` of `rev`, oldest first.
    func subjects(_ rev: String = "main") throws -> [String] {
        try git("log", "--reverse", "--format=%s", rev).split(separator: "\n").map(String.init)
    }

    func auditKinds(task: String) throws -> [String] {
        let events = try TestRepo.json(orchestrateOK("log", "--task", task, "--format", "json")) as? [[String: Any]] ?? []
        return events.compactMap { $0["kind"] as? String }
    }
}
