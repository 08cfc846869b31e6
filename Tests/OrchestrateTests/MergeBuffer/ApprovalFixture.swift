import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore
import OrchestrateTestSupport

/// Approves a task the way `git orchestrate approve` records it, through the real Store and Git
/// layers on the repository's own database (until `approve` lands, after which the lead
/// switches this to the real command): task `approved` at its branch head, an approval row
/// (oid = head, patch id of base..head), the `approved` event and the cleared commits.
enum ApprovalFixture {
    static func approve(_ repo: TestRepo, _ idText: String, by approver: String = "Rita Reviewer <rita@example.com>") throws {
        let store = try Store(path: repo.path + "/.git/orchestrate/orchestrate.sqlite")
        let git = try Repository.open(at: repo.path)
        guard let id = TaskID(idText) else { throw TestFailure("bad id \(idText)") }
        try store.write { tx in
            guard var task = try tx.task(id), let baseHex = task.base, let base = ObjectID(hex: baseHex),
                let head = try git.referenceTarget("refs/heads/\(task.branch)")
            else { throw TestFailure("task \(idText) is not started") }
            let patch = try git.patchID(from: base, to: head)
            let event = try tx.appendAudit(NewAuditEvent(
                kind: .approved, task: id, oid: head.hex, actor: approver,
                detail: ["patchId": .string(patch), "base": .string(base.hex)]))
            try tx.insertApproval(
                ApprovalRecord(
                    oid: head.hex, approver: approver, task: id, tree: try git.treeOf(head).hex, patchId: patch,
                    base: base.hex, time: tx.now, comment: nil),
                auditSeq: event.seq)
            let commits = try git.commits(from: [head], hiding: [base])
            try tx.insertClearedCommits(commits.map { ClearedCommit(oid: $0.hex, task: id, reason: .approved) }, auditSeq: event.seq)
            task.state = .approved
            task.head = head.hex
            try tx.updateTask(task)
        }
    }
}

extension TestRepo {
    /// An initialised repository (no hooks) whose configuration file is committed, so that
    /// `git status` shows only what a test does.
    static func forMerge(files: [String: String] = ["README.md": "hello\n"]) throws -> TestRepo {
        let repo = try TestRepo(files: files)
        try repo.orchestrateOK("init", "--no-hooks")
        try repo.git("add", ".augment-orchestrator.json")
        try repo.git("commit", "-q", "-m", "config")
        return repo
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

    /// The task object from `show --format json`... via `list`.
    func taskJSON(_ id: String) throws -> [String: Any] {
        let list = try TestRepo.json(orchestrateOK("list", "--format", "json")) as? [[String: Any]] ?? []
        guard let task = list.first(where: { $0["id"] as? String == id }) else { throw TestFailure("no task \(id)") }
        return task
    }

    func auditKinds(task: String) throws -> [String] {
        let events = try TestRepo.json(orchestrateOK("log", "--task", task, "--format", "json")) as? [[String: Any]] ?? []
        return events.compactMap { $0["kind"] as? String }
    }
}
