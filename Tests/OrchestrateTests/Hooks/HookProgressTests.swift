import Foundation
import OrchestrateTestSupport
import Testing

@Suite("hooks progress")
struct HookProgressTests {
    func started(_ repo: TestRepo, paths: [String] = []) throws -> String {
        try repo.orchestrateArgs(["add", "Work"] + paths.flatMap { ["--paths", $0] }).status == 0
            ? try repo.orchestrateOK("start", "T1") : { throw TestFailure("add failed") }()
    }

    @Test("a commit in a task worktree is progress in the log; one in the main checkout is not")
    func postCommitProgress() throws {
        let repo = try TestRepo(initialize: true)
        let worktree = try started(repo)
        let base = try repo.revParse("HEAD", in: worktree)
        let oid = try repo.commit("src/a.swift", "one\ntwo\n", in: worktree)
        let progress = try GateFixture.events(repo, task: "T1").filter { $0["kind"] as? String == "progress" }
        #expect(progress.count == 1)
        let event = try #require(progress.first)
        #expect(event["oid"] as? String == oid)
        let detail = try #require(event["detail"] as? [String: Any])
        #expect(detail["commits"] as? [String] == [oid])
        #expect(detail["files"] as? [String] == ["src/a.swift"])
        #expect(detail["insertions"] as? Int == 2)
        #expect(detail["deletions"] as? Int == 0)
        #expect(detail["from"] as? String == base)
        let show = try TestRepo.json(try repo.orchestrateOK("show", "T1", "--format", "json")) as? [String: Any]
        #expect((show?["task"] as? [String: Any] ?? show)?["head"] as? String == oid)

        let before = try GateFixture.allEvents(repo).count
        try repo.commit("main.txt", "main\n")
        #expect(try GateFixture.allEvents(repo).count == before)
    }

    @Test("a commit counts as a heartbeat of the task's open run")
    func heartbeat() throws {
        let repo = try TestRepo(initialize: true)
        let worktree = try started(repo)
        let db = repo.path + "/.git/orchestrate/orchestrate.sqlite"
        let old = "2000-01-01T00:00:00.000Z"
        _ = try runProcess(
            ["sqlite3", db, "INSERT INTO runs (task, attempt, startedAt, heartbeatAt) VALUES ('T1', 1, '\(old)', '\(old)')"],
            cwd: repo.path, environment: repo.environment)
        try repo.commit("a.txt", "a\n", in: worktree)
        let beat = try runProcess(["sqlite3", db, "SELECT heartbeatAt FROM runs WHERE task = 'T1'"], cwd: repo.path, environment: repo.environment)
        #expect(!beat.stdout.isEmpty && !beat.stdout.hasPrefix("2000"), "\(beat)")
    }

    @Test("amending or resetting an approved task branch voids the approval")
    func forceMoveVoidsApproval() throws {
        let repo = try TestRepo(initialize: true)
        let worktree = try started(repo)
        try repo.commit("a.txt", "a\n", in: worktree)
        try GateFixture.approve(repo, "T1")
        try repo.write("a.txt", "amended\n", in: worktree)
        try repo.git("commit", "-q", "-a", "--amend", "-m", "amended", in: worktree)
        let amended = try repo.revParse("HEAD", in: worktree)
        let events = try GateFixture.events(repo, task: "T1")
        let voided = try #require(events.last { $0["kind"] as? String == "approvalVoided" })
        #expect(voided["oid"] as? String == amended)
        let list = try TestRepo.json(try repo.orchestrateOK("list", "--format", "json")) as? [[String: Any]]
        #expect(list?.first?["state"] as? String == "submitted")

        // A plain `git reset` moves the branch with no commit at all: seen all the same.
        try GateFixture.approve(repo, "T1")
        try repo.git("reset", "-q", "--hard", "HEAD~1", in: worktree)
        let after = try GateFixture.events(repo, task: "T1").filter { $0["kind"] as? String == "approvalVoided" }
        #expect(after.count == 2)
        let detail = after.last?["detail"] as? [String: Any]
        #expect(detail?["source"] as? String == "reference-transaction")
    }

    @Test("status notices commits made where no hook ran")
    func statusScan() throws {
        let repo = try TestRepo(initialize: true)
        let worktree = try started(repo)
        let oid = try repo.git(
            "-c", "core.hooksPath=/nonexistent", "commit", "-q", "--allow-empty", "-m", "quiet", in: worktree)
        _ = oid
        let head = try repo.revParse("HEAD", in: worktree)
        #expect(try GateFixture.events(repo, task: "T1").filter { $0["kind"] as? String == "progress" }.isEmpty)
        try repo.orchestrateOK("status")
        let progress = try GateFixture.events(repo, task: "T1").filter { $0["kind"] as? String == "progress" }
        #expect(progress.map { $0["oid"] as? String } == [head])
        #expect((progress.first?["detail"] as? [String: Any])?["source"] as? String == "scan")
    }

    @Test("enforcePaths refuses a commit touching files outside the task's paths, naming them")
    func enforcePaths() throws {
        let repo = try TestRepo(initialize: true)
        try repo.write(".augment-orchestrator.json", #"{"target": "main", "enforcePaths": true}"#)
        try repo.git("add", ".augment-orchestrator.json")
        try repo.git("commit", "-q", "-m", "config")
        let worktree = try started(repo, paths: ["src/**", "docs"])
        try repo.write("src/deep/a.swift", "a\n", in: worktree)
        try repo.write("docs/b.md", "b\n", in: worktree)
        try repo.git("add", "-A", in: worktree)
        let inside = try repo.gitResult("commit", "-q", "-m", "inside", in: worktree)
        #expect(inside.status == 0, "\(inside)")

        try repo.write("README.md", "changed\n", in: worktree)
        try repo.write("src/c.swift", "c\n", in: worktree)
        try repo.git("add", "src/c.swift", in: worktree)
        // `commit -a` stages README.md in a temporary index (GIT_INDEX_FILE): still caught.
        let outside = try repo.gitResult("commit", "-a", "-m", "outside", in: worktree)
        #expect(outside.status == 1)
        #expect(outside.stderr.contains("task T1 may only change src/**, docs"))
        #expect(outside.stderr.contains("README.md"))
        #expect(!outside.stderr.contains("src/c.swift"))
        let bypass = try repo.gitResult("commit", "-q", "--no-verify", "-a", "-m", "bypass", in: worktree)
        #expect(bypass.status == 0)
        // --no-verify skips pre-commit, not the progress record.
        let head = try repo.revParse("HEAD", in: worktree)
        #expect(try GateFixture.events(repo, task: "T1").contains { $0["oid"] as? String == head })
    }

    @Test("without git-orchestrate on PATH or recorded, progress hooks are silent")
    func binaryMissingProgress() throws {
        let repo = try TestRepo(initialize: true)
        let worktree = try started(repo)
        try repo.git("config", "--unset", "orchestrate.binary")
        repo.setEnv("PATH", GateFixture.pathWithoutBinary(repo))
        try repo.write("a.txt", "a\n", in: worktree)
        try repo.git("add", "a.txt", in: worktree)
        let commit = try repo.gitResult("commit", "-q", "-m", "quiet", in: worktree)
        #expect(commit.status == 0)
        #expect(commit.stderr.isEmpty, "\(commit)")
    }

    @Test("the recorded path is used when git-orchestrate is not on PATH")
    func recordedPath() throws {
        let repo = try TestRepo(initialize: true)
        let worktree = try started(repo)
        let path = GateFixture.pathWithoutBinary(repo)
        repo.setEnv("PATH", path)
        let oid = try repo.commit("a.txt", "a\n", in: worktree)
        repo.setEnv("PATH", TestRepo.hermeticEnvironment(home: repo.scratch)["PATH"])
        #expect(try GateFixture.events(repo, task: "T1").contains { $0["oid"] as? String == oid })
    }

    @Test("the hook command refuses an unknown hook name")
    func unknownHook() throws {
        let repo = try TestRepo(initialize: true)
        let result = try repo.orchestrate("hook", "post-merge")
        #expect(result.status == 2)
        #expect(result.stderr.contains("is not a hook git-orchestrate handles"))
    }
}
