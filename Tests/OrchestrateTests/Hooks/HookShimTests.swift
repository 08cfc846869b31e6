import Foundation
import OrchestrateTestSupport
import Testing

/// The shims start git-orchestrate (and other programs) only when there is work for it: the
/// pre-commit shim only when the main work tree's configuration could turn `enforcePaths` on
/// (read on every commit), the reference-transaction shim only for a committed transaction.
@Suite("hook shims")
struct HookShimTests {
    func started(_ repo: TestRepo, paths: [String]) throws -> String {
        try repo.orchestrateOK(["add", "Work"] + paths.flatMap { ["--paths", $0] })
        return try repo.orchestrateOK("start", "T1")
    }

    /// Stages `file` with new content in `dir` and commits it; the whole result.
    func commit(_ repo: TestRepo, _ file: String, in dir: String) throws -> ProcessResult {
        try repo.write(file, UUID().uuidString + "\n", in: dir)
        try repo.git("add", "--", file, in: dir)
        return try repo.gitResult("commit", "-q", "-m", "change \(file)", in: dir)
    }

    @Test("with enforcePaths off, git-orchestrate is not started; once the file names it, it is")
    func notStartedWhenOff() throws {
        let repo = try TestRepo(initialize: true)
        let worktree = try started(repo, paths: ["src/**"])
        // The "binary" the shims find is /bin/false: a pre-commit that starts it fails the commit.
        try repo.git("config", "orchestrate.binary", "/bin/false")
        repo.setEnv("PATH", GateFixture.pathWithoutBinary(repo))
        #expect(try commit(repo, "outside.txt", in: worktree).status == 0)
        #expect(try commit(repo, "main.txt", in: repo.path).status == 0)
        // No configuration file at all: the defaults, enforcement off.
        try FileManager.default.removeItem(atPath: repo.path + "/.augment-orchestrator.json")
        #expect(try commit(repo, "outside.txt", in: worktree).status == 0)

        try repo.write(".augment-orchestrator.json", #"{"target": "main", "enforcePaths": false}"#)
        #expect(try commit(repo, "outside.txt", in: worktree).status == 1)
        // A \u escape can spell the key: the shim cannot tell, so git-orchestrate decides.
        try repo.write(".augment-orchestrator.json", #"{"target": "main", "enforce\u0050aths": true}"#)
        #expect(try commit(repo, "outside.txt", in: worktree).status == 1)
    }

    @Test("enforcePaths turned on later in the main work tree's file holds at the next commit in a task worktree")
    func turnedOnLater() throws {
        let repo = try TestRepo(initialize: true)
        let worktree = try started(repo, paths: ["src/**"])
        #expect(try commit(repo, "outside.txt", in: worktree).status == 0)

        // Only the main work tree's file changes (not committed): that is the one git-orchestrate
        // reads, whatever the task worktree's checkout of it says.
        try repo.write(".augment-orchestrator.json", #"{"target": "main", "enforcePaths": true}"#)
        let refused = try commit(repo, "outside.txt", in: worktree)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("task T1 may only change src/**"), "\(refused)")
        try repo.git("reset", "-q", in: worktree)
        #expect(try commit(repo, "src/inside.swift", in: worktree).status == 0)

        try repo.write(".augment-orchestrator.json", #"{"target": "main", "enforcePaths": false}"#)
        #expect(try commit(repo, "outside.txt", in: worktree).status == 0)
    }

    @Test("where the shim cannot place the configuration file (git dir not named .git), it leaves the decision to git-orchestrate")
    func separateGitDir() throws {
        let repo = try TestRepo(initialize: false)
        // Move the git dir out of the work tree (git writes a `.git` file pointing at it).
        try repo.git("init", "-q", "--separate-git-dir", repo.scratch + "/store.git")
        try repo.orchestrateOK("init")
        #expect(try commit(repo, "main.txt", in: repo.path).status == 0)
        try repo.git("config", "orchestrate.binary", "/bin/false")
        repo.setEnv("PATH", GateFixture.pathWithoutBinary(repo))
        #expect(try commit(repo, "main.txt", in: repo.path).status == 1)
    }

    @Test("a transaction larger than a pipe's buffer commits: the shim may leave the prepared phase's input unread")
    func largeTransaction() throws {
        let repo = try TestRepo(initialize: true)
        let head = try repo.revParse("HEAD")
        // 2,000 lines of about 100 bytes: more than the 64 KiB a pipe holds.
        let creates = (1...2000).map { "create refs/tags/bulk\($0) \(head)\n" }.joined()
        let result = try repo.gitResult("update-ref", "--stdin", stdin: "start\n" + creates + "prepare\ncommit\n")
        #expect(result.status == 0, "\(result)")
        #expect(try repo.git("tag", "-l", "bulk*").split(separator: "\n").count == 2000)
    }

    /// Makes the shims find `/bin/ls` as "git-orchestrate": a start shows on stderr as ls
    /// complaining about `hook`, and nothing else is touched.
    func recordStarts(_ repo: TestRepo) throws {
        try repo.git("config", "orchestrate.binary", "/bin/ls")
        repo.setEnv("PATH", GateFixture.pathWithoutBinary(repo))
    }

    @Test("reference-transaction starts git-orchestrate only for a branch under the configured task prefix")
    func referenceTransactionFilter() throws {
        let repo = try TestRepo(initialize: true)
        let worktree = try started(repo, paths: [])
        try recordStarts(repo)
        let onMain = try commit(repo, "main.txt", in: repo.path)
        #expect(onMain.status == 0 && onMain.stderr.isEmpty, "\(onMain)")
        #expect(try repo.gitResult("branch", "feature").stderr.isEmpty)
        let onTask = try commit(repo, "task.txt", in: worktree)
        #expect(onTask.status == 0 && onTask.stderr.contains("ls: cannot access"), "\(onTask)")

        // Another prefix in the main work tree's file: that one counts, the default does not.
        try repo.write(".augment-orchestrator.json", #"{"target": "main", "branchPrefix": "agents/"}"#)
        #expect(try repo.gitResult("branch", "orchestrate/other").stderr.isEmpty)
        #expect(try repo.gitResult("branch", "agents/T9").stderr.contains("ls: cannot access"))

        // A file the shim cannot read plainly (an env object could name the key): every branch counts.
        try repo.write(
            ".augment-orchestrator.json", #"{"target": "main", "agent": {"env": {"branchPrefix": "x/"}}}"#)
        #expect(try commit(repo, "main.txt", in: repo.path).stderr.contains("ls: cannot access"))
    }

    @Test("with a branchPrefix of its own, commits on task branches are still recorded")
    func customPrefixRecorded() throws {
        let repo = try TestRepo(initialize: true)
        try repo.write(".augment-orchestrator.json", #"{"target": "main", "branchPrefix": "agents/"}"#)
        try repo.orchestrateOK("add", "Work")
        let worktree = try repo.orchestrateOK("start", "T1")
        #expect(try repo.git("branch", "--show-current", in: worktree).hasPrefix("agents/T1"))
        let oid = try repo.commit("a.txt", "a\n", in: worktree)
        let progress = try GateFixture.events(repo, task: "T1").filter { $0["kind"] as? String == "progress" }
        #expect(progress.compactMap { $0["oid"] as? String } == [oid])
    }
}
