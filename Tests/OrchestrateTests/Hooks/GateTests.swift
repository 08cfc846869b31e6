import Foundation
import OrchestrateTestSupport
import Testing

@Suite("gate")
struct GateTests {
    /// A repository with a remote, and task T1 with one commit fast-forwarded onto main by hand.
    func landedByHand(_ repo: TestRepo, approve: Bool) throws -> (worktree: String, oid: String) {
        try repo.orchestrateOK("add", "Feature")
        let worktree = try repo.orchestrateOK("start", "T1")
        let oid = try repo.commit("feature.txt", "feature\n", message: "Add the feature", in: worktree)
        if approve { try GateFixture.approve(repo, "T1") }
        try repo.git("merge", "-q", "--ff-only", "orchestrate/T1")
        return (worktree, oid)
    }

    @Test("an unapproved push to the protected branch is refused, listing each commit, and the remote is unchanged")
    func unapprovedRefused() throws {
        let repo = try GateFixture.repoWithRemote()
        let before = try GateFixture.remoteTip(repo, "main")
        let (worktree, oid) = try landedByHand(repo, approve: false)
        // From the task worktree (git sets GIT_DIR to its private folder) the gate holds too.
        let fromWorktree = try repo.gitResult("push", "origin", "HEAD:main", in: worktree)
        #expect(fromWorktree.status != 0)
        #expect(fromWorktree.stderr.contains("approve it with `git orchestrate approve T1`"), "\(fromWorktree)")
        let stray = try repo.commit("stray.txt", "x\n", message: "Stray fix")
        let push = try repo.gitResult("push", "origin", "main")
        #expect(push.status != 0)
        #expect(push.stderr.contains("push to origin refs/heads/main refused: 2 of 2 commits lack approval"), "\(push)")
        #expect(push.stderr.contains("\(oid.prefix(8)) Add the feature — approve it with `git orchestrate approve T1`"))
        #expect(push.stderr.contains("\(stray.prefix(8)) Stray fix — it belongs to no task: queue the work with `git orchestrate add`"))
        #expect(try GateFixture.remoteTip(repo, "main") == before)
        let refused = try #require(try GateFixture.allEvents(repo).last)
        #expect(refused["kind"] as? String == "gateRefused")
        let detail = refused["detail"] as? [String: Any]
        #expect(detail?["refused"] as? [String] == [oid, stray])
        #expect(detail?["remote"] as? String == "origin")
    }

    @Test("history the protected branches held at init pushes to a new remote; a commit made after init does not")
    func historyBeforeInitIsGiven() throws {
        let repo = try TestRepo()
        let before = try repo.commit("old.txt", "old\n", message: "Work from before git-orchestrate")
        try repo.git("branch", "release/1", "HEAD~1")
        try repo.write(".augment-orchestrator.json", #"{"protectedBranches": ["main", "release/*"]}"#)
        try repo.orchestrateOK("init")
        let initialized = try #require(try GateFixture.allEvents(repo).first)
        #expect(initialized["kind"] as? String == "initialized")
        #expect(initialized["oid"] as? String == before)
        let releaseTip = try repo.git("rev-parse", "release/1").trimmingCharacters(in: .whitespacesAndNewlines)
        let baseline = (initialized["detail"] as? [String: Any])?["baseline"] as? [String]
        #expect(Set(baseline ?? []) == [before, releaseTip])

        try repo.git("init", "-q", "--bare", GateFixture.remote(repo))
        try repo.git("remote", "add", "origin", GateFixture.remote(repo))
        let first = try repo.gitResult("push", "-q", "origin", "main", "release/1")
        #expect(first.status == 0, "\(first)")
        #expect(try GateFixture.remoteTip(repo, "main") == before)

        let stray = try repo.commit("stray.txt", "x\n", message: "Stray fix")
        let push = try repo.gitResult("push", "origin", "main")
        #expect(push.stderr.contains("push to origin refs/heads/main refused: 1 of 1 commit lacks approval"), "\(push)")
        #expect(push.stderr.contains("\(stray.prefix(8)) Stray fix"))
        #expect(try GateFixture.remoteTip(repo, "main") == before)
        // A branch created after init from that history, pushed as a new protected branch, holds only given history.
        try repo.git("branch", "release/2", before)
        #expect(try repo.gitResult("push", "-q", "origin", "release/2").status == 0)
    }

    @Test("approved work that landed pushes, and the decision is in the audit trail")
    func approvedPushes() throws {
        let repo = try GateFixture.repoWithRemote()
        let (_, oid) = try landedByHand(repo, approve: true)
        let push = try repo.gitResult("push", "-q", "origin", "main")
        #expect(push.status == 0, "\(push)")
        #expect(try GateFixture.remoteTip(repo, "main") == oid)
        let passed = try #require(try GateFixture.allEvents(repo).last)
        #expect(passed["kind"] as? String == "gatePassed")
        #expect(passed["oid"] as? String == oid)
        #expect((passed["detail"] as? [String: Any])?["commits"] as? Int == 1)
    }

    @Test("work amended after approval is refused")
    func amendedRefused() throws {
        let repo = try GateFixture.repoWithRemote()
        try repo.orchestrateOK("add", "Feature")
        let worktree = try repo.orchestrateOK("start", "T1")
        try repo.commit("feature.txt", "feature\n", in: worktree)
        try GateFixture.approve(repo, "T1")
        try repo.write("feature.txt", "sneaky\n", in: worktree)
        try repo.git("commit", "-q", "-a", "--amend", "-m", "Add the feature", in: worktree)
        try repo.git("merge", "-q", "--ff-only", "orchestrate/T1")
        let push = try repo.gitResult("push", "origin", "main")
        #expect(push.status != 0)
        #expect(push.stderr.contains("approve it with `git orchestrate approve T1`"), "\(push)")
        #expect(try GateFixture.remoteTip(repo, "main") != repo.revParse("main"))
    }

    @Test("a branch that is not protected pushes freely, with no audit event")
    func unprotectedPushes() throws {
        let repo = try GateFixture.repoWithRemote()
        try repo.git("switch", "-q", "-c", "experiment")
        let oid = try repo.commit("x.txt", "x\n")
        let before = try GateFixture.allEvents(repo).count
        let push = try repo.gitResult("push", "-q", "origin", "experiment")
        #expect(push.status == 0, "\(push)")
        #expect(try GateFixture.remoteTip(repo, "experiment") == oid)
        #expect(try GateFixture.allEvents(repo).count == before)
        // Pushing that same commit to main later is still checked.
        let toMain = try repo.gitResult("push", "origin", "experiment:main")
        #expect(toMain.status != 0)
    }

    @Test("protectedBranches globs, and deleting a protected branch is refused unless allowed")
    func globsAndDeletion() throws {
        let repo = try GateFixture.repoWithRemote()
        try repo.write(".augment-orchestrator.json", #"{"target": "main", "protectedBranches": ["main", "release/*"]}"#)
        try repo.git("push", "-q", "origin", "main:release/1.0")  // same commits as main: nothing new
        try repo.git("switch", "-q", "-c", "release/2.0")
        try repo.commit("r.txt", "r\n")
        #expect(try repo.gitResult("push", "origin", "release/2.0").status != 0)
        let delete = try repo.gitResult("push", "origin", ":release/1.0")
        #expect(delete.status != 0)
        #expect(delete.stderr.contains("deleting the protected branch origin refs/heads/release/1.0 is not allowed"), "\(delete)")
        #expect(try GateFixture.remoteTip(repo, "release/1.0") != nil)
        try repo.write(".augment-orchestrator.json", #"{"target": "main", "protectedBranches": ["main", "release/*"], "gate": {"allowProtectedDeletion": true}}"#)
        #expect(try repo.gitResult("push", "-q", "origin", ":release/1.0").status == 0)
        #expect(try GateFixture.remoteTip(repo, "release/1.0") == nil)
    }

    @Test("without git-orchestrate the gate fails closed with a clear message, or open when configured")
    func binaryMissing() throws {
        let repo = try GateFixture.repoWithRemote()
        try repo.commit("x.txt", "x\n")
        try repo.git("config", "--unset", "orchestrate.binary")
        repo.setEnv("PATH", GateFixture.pathWithoutBinary(repo))
        let push = try repo.gitResult("push", "origin", "main")
        #expect(push.status != 0)
        #expect(push.stderr.contains("git-orchestrate is not on PATH and the path recorded at install is gone"), "\(push)")
        try repo.git("config", "orchestrate.gateFailClosed", "false")
        #expect(try repo.gitResult("push", "-q", "origin", "main").status == 0)
    }

    @Test("verify applies the gate to a range: exit 1 listing offenders, 0 when approved, 2 for a bad range")
    func verifyRange() throws {
        let repo = try GateFixture.repoWithRemote()
        let (_, oid) = try landedByHand(repo, approve: true)
        let ok = try repo.orchestrate("verify", "origin/main..main")
        #expect(ok.status == 0, "\(ok)")
        #expect(ok.stdout.contains("all 1 commit is approved"))
        let stray = try repo.commit("s.txt", "s\n", message: "Stray")
        let bad = try repo.orchestrate("verify", "origin/main..main", "--format", "json")
        #expect(bad.status == 1)
        let json = try TestRepo.json(bad.stdout) as? [String: Any]
        let offenders = json?["offenders"] as? [[String: Any]]
        #expect(offenders?.map { $0["oid"] as? String } == [stray])
        #expect(json?["commits"] as? Int == 2)
        _ = oid
        // A single revision means all its history; what main held at `init` is taken as given.
        let all = try repo.orchestrate("verify", "main", "--format", "json")
        #expect(all.status == 1)
        let allOffenders = (try TestRepo.json(all.stdout) as? [String: Any])?["offenders"] as? [[String: Any]]
        #expect(allOffenders?.map { $0["oid"] as? String } == [stray])
        let malformed = try repo.orchestrate("verify", "nope..main")
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("\"nope\" in \"nope..main\" does not name a commit"))
    }
}
