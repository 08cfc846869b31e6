import Foundation
import OrchestrateTestSupport
import Testing

/// Work is kept whenever any trace of it is left, even when its branch is gone.
@Suite("kept work without a branch")
struct KeptWorkTraceTests {
    @Test("reject keeps the commits of a task whose branch was deleted, found at the worktree's HEAD")
    func rejectDetachedWorktree() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Work")
        let worktree = try repo.orchestrateOK("start", "T1")
        let commit = try repo.commit("work.txt", "precious\n", in: worktree)
        try repo.git("checkout", "-q", "--detach", in: worktree)
        try repo.git("branch", "-D", "orchestrate/T1")
        let reject = try repo.orchestrate("reject", "T1", "--reason", "not this way")
        #expect(reject.status == 0, "\(reject)")
        #expect(reject.stderr.contains("kept the work of T1 at refs/orchestrate/rejected/T1/1"), "\(reject)")
        #expect(reject.stderr.contains("found in the worktree HEAD: its branch was gone"), "\(reject)")
        #expect(try repo.revParse("refs/orchestrate/rejected/T1/1") == commit)
        // The task is back at its base, on its branch, as after any reject.
        let base = try #require(try repo.taskJSON("T1")["base"] as? String)
        #expect(try repo.revParse("orchestrate/T1") == base)
        #expect(try repo.git("symbolic-ref", "HEAD", in: worktree).trimmingCharacters(in: .whitespacesAndNewlines) == "refs/heads/orchestrate/T1")
        #expect(try repo.git("status", "--porcelain", in: worktree).isEmpty)
        #expect(try repo.orchestrate("doctor").status == 0)
    }

    @Test("cancel keeps the commits of a task whose branch was deleted under its checkout, found in the worktree's reflog")
    func cancelFromReflog() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Work")
        let worktree = try repo.orchestrateOK("start", "T1")
        try repo.commit("a.txt", "a\n", in: worktree)
        let last = try repo.commit("b.txt", "b\n", in: worktree)
        // HEAD now names a branch that does not exist: only the reflog knows the commits.
        try repo.git("update-ref", "-d", "refs/heads/orchestrate/T1")
        let cancel = try repo.orchestrate("cancel", "T1")
        #expect(cancel.status == 0, "\(cancel)")
        #expect(cancel.stderr.contains("kept the work of T1 at refs/orchestrate/rejected/T1/1"), "\(cancel)")
        #expect(cancel.stderr.contains("found in the worktree reflog"), "\(cancel)")
        #expect(try repo.revParse("refs/orchestrate/rejected/T1/1") == last)
        #expect(try repo.git("show", "refs/orchestrate/rejected/T1/1:a.txt") == "a\n")
    }

    @Test("an agent that commits and deletes its own branch is not recorded as noChanges: its branch is put back")
    func agentDeletesItsBranch() throws {
        let repo = try TestRepo(initialize: true)
        let script = repo.scratch + "/agent.sh"
        try Data("""
            #!/bin/sh
            echo done > result.txt
            git add result.txt
            git commit -q -m "the agent's work"
            git checkout -q --detach
            git branch -q -D orchestrate/T1
            """.utf8).write(to: URL(fileURLWithPath: script))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        try repo.orchestrateOK("add", "Work")
        let run = try repo.orchestrate("run", "T1", "--", script)
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("the branch orchestrate/T1 of T1 had been deleted; restored it at"), "\(run)")
        let task = try repo.taskJSON("T1")
        let runs = task["runs"] as? [[String: Any]] ?? []
        #expect(runs.last?["outcome"] as? String == "completed", "\(runs)")
        #expect(task["state"] as? String == "submitted")
        #expect(try repo.git("show", "orchestrate/T1:result.txt") == "done\n")
    }
}
