import Foundation
import OrchestrateModel
import OrchestrateStore
import OrchestrateTestSupport
import Testing

@Suite("review")
struct ReviewTests {
    @Test("JSON lists commits, files with counts as git sees them, the patch, approvals and merge-buffer events")
    func reviewJSON() throws {
        let repo = try TestRepo(files: ["README.md": "hello\n", "old.txt": "a\nb\nc\n"], initialize: true)
        try repo.orchestrateOK("add", "Two commits")
        let worktree = try repo.orchestrateOK("start", "T1")
        try repo.commit("f.txt", "one\ntwo\n", message: "add f", in: worktree)
        try repo.write("old.txt", "a\nB\n", in: worktree)
        try repo.git("rm", "-q", "README.md", in: worktree)
        try repo.git("commit", "-q", "-a", "-m", "edit old, drop readme", in: worktree)
        try repo.orchestrateOK("submit", "T1")
        let base = try repo.revParse("main")
        let head = try repo.revParse("HEAD", in: worktree)

        // A conflict recorded by the merge buffer is read back from the audit trail.
        let store = try Store(path: ReviewFixture.database(repo))
        try store.write { tx in
            try tx.appendAudit(NewAuditEvent(
                kind: .conflicted, task: TaskID("T1"), oid: head, actor: "merge", detail: ["paths": ["old.txt"]]))
        }

        let review = try ReviewFixture.review(repo, patch: true)
        for key in ["id", "state", "base", "head", "commits", "files", "approvals", "approvalsRequired", "patch"] {
            #expect(review[key] != nil, "missing \(key)")
        }
        #expect(review["id"] as? String == "T1")
        #expect(review["state"] as? String == "submitted")
        #expect(review["base"] as? String == base)
        #expect(review["head"] as? String == head)
        let commits = try #require(review["commits"] as? [[String: Any]])
        let expectedOids = try repo.git("rev-list", "--reverse", "\(base)..\(head)").split(separator: "\n").map(String.init)
        #expect(commits.map { $0["oid"] as? String } == expectedOids)
        #expect(commits.map { $0["summary"] as? String } == ["add f", "edit old, drop readme"])
        #expect(commits.first?["author"] as? String == "Ada Author <ada@example.com>")
        #expect(commits.first?["date"] as? String == "2026-01-01T00:00:00.000Z")
        // The git CLI is the oracle for the per-file counts.
        let numstat = try repo.git("diff", "--numstat", base, head).split(separator: "\n").map { line in
            line.split(separator: "\t").map(String.init)
        }
        let files = try #require(review["files"] as? [[String: Any]])
        #expect(files.count == numstat.count)
        for row in numstat {
            let file = try #require(files.first { $0["path"] as? String == row[2] })
            #expect(file["insertions"] as? Int == Int(row[0]))
            #expect(file["deletions"] as? Int == Int(row[1]))
        }
        #expect(files.first { $0["path"] as? String == "README.md" }?["status"] as? String == "deleted")
        #expect(files.first { $0["path"] as? String == "f.txt" }?["status"] as? String == "added")
        let patch = try #require(review["patch"] as? String)
        #expect(patch.contains("diff --git a/old.txt b/old.txt"))
        #expect(patch.contains("-b\n-c\n+B\n"))
        #expect(review["approvalsRequired"] as? Int == 1)
        #expect(review["approvalVoided"] as? Bool == false)
        let conflicts = try #require(review["conflicts"] as? [[String: Any]])
        #expect((conflicts.first?["detail"] as? [String: Any])?["paths"] as? [String] == ["old.txt"])

        // Without --patch there is no patch; the table names the counts and the approvals.
        #expect(try ReviewFixture.review(repo)["patch"] == nil)
        let table = try repo.orchestrateOK("review", "T1")
        #expect(table.contains("approvals: 0/1"))
        #expect(table.contains("files (3, +3 -3)"))
        #expect(table.contains("conflict at \(head.prefix(8))"))
    }

    @Test("a task that was never started has nothing to review")
    func notStarted() throws {
        let repo = try ReviewFixture.repo()
        try repo.orchestrateOK("add", "Later")
        let result = try repo.orchestrate("review", "T1")
        #expect(result.status == 2)
        #expect(result.stderr.contains("has not been started"))
    }
}
