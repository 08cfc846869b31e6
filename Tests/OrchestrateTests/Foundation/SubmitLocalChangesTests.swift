import Foundation
import OrchestrateTestSupport
import Testing

/// `submit` looks at the task's worktree the way `git status` does (it asks git itself, which
/// is faster on large work trees): every kind of local change refuses the submission and is
/// named; ignored files and a clean tree do not.
@Suite("submit and local changes")
struct SubmitLocalChangesTests {
    /// A started task with one commit; returns its worktree.
    func startedTask(_ repo: TestRepo) throws -> String {
        try repo.write(".gitignore", "*.log\n")
        try repo.git("add", ".gitignore")
        try repo.git("commit", "-q", "-m", "ignore logs")
        try repo.orchestrateOK("add", "Local changes")
        let worktree = try repo.orchestrateOK("start", "T1")
        try repo.commit("work.txt", "work\n", in: worktree)
        return worktree
    }

    /// Runs `submit T1`, expects a refusal naming `names`, then lets `undo` clean up.
    func expectRefusal(_ repo: TestRepo, naming names: [String], worktree: String) throws {
        let result = try repo.orchestrate("submit", "T1")
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: task T1 has uncommitted changes in \(worktree) ("), "\(result.stderr)")
        for name in names { #expect(result.stderr.contains(name), "\(name) not named in: \(result.stderr)") }
        #expect(result.stdout.isEmpty)
        let task = try repo.taskJSON("T1")
        #expect(task["state"] as? String == "running")
    }

    @Test("unstaged, staged, deleted, untracked and oddly named files each refuse; ignored files do not")
    func eachKindRefuses() throws {
        let repo = try TestRepo(initialize: true)
        let worktree = try startedTask(repo)

        try repo.write("README.md", "edited, not staged\n", in: worktree)
        try expectRefusal(repo, naming: ["README.md"], worktree: worktree)
        try repo.git("checkout", "--", "README.md", in: worktree)

        try repo.write("staged.txt", "staged\n", in: worktree)
        try repo.git("add", "staged.txt", in: worktree)
        try expectRefusal(repo, naming: ["staged.txt"], worktree: worktree)
        try repo.git("rm", "-q", "--cached", "staged.txt", in: worktree)
        try FileManager.default.removeItem(atPath: worktree + "/staged.txt")

        try FileManager.default.removeItem(atPath: worktree + "/work.txt")
        try expectRefusal(repo, naming: ["work.txt"], worktree: worktree)
        try repo.git("checkout", "--", "work.txt", in: worktree)

        // Untracked files deep in a new folder are named one by one, as before.
        try repo.write("new/deeper/file with space é.txt", "untracked\n", in: worktree)
        try expectRefusal(repo, naming: ["new/deeper/file with space é.txt"], worktree: worktree)
        try FileManager.default.removeItem(atPath: worktree + "/new")

        // Ignored files are not local changes.
        try repo.write("agent.log", "noise\n", in: worktree)
        let submitted = try repo.orchestrate("submit", "T1")
        #expect(submitted.status == 0, "\(submitted.stderr)")
        #expect(try repo.taskJSON("T1")["state"] as? String == "submitted")
        // The status was read without rewriting the worktree's index (no optional locks).
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/worktrees/T1/index.lock"))
    }

    @Test("the same answer with git's own status unavailable (no git on PATH): libgit2 is asked")
    func withoutGitOnPath() throws {
        let repo = try TestRepo(initialize: true)
        let worktree = try startedTask(repo)
        try repo.write("README.md", "edited\n", in: worktree)
        let empty = repo.scratch + "/empty-bin"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let savedPath = ProcessInfo.processInfo.environment["PATH"]
        repo.setEnv("PATH", empty)
        let result = try repo.orchestrate("submit", "T1")
        repo.setEnv("PATH", savedPath)
        // Without git on PATH a command that needs the identity refuses; submit does not need
        // one, and must still see the edit.
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("uncommitted changes") && result.stderr.contains("README.md"), "\(result.stderr)")
    }
}
