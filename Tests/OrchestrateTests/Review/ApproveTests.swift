import Foundation
import OrchestrateTestSupport
import Testing

@Suite("approve")
struct ApproveTests {
    @Test("an approval holds for the approved commit only: amending voids it and says why")
    func approveThenAmend() throws {
        let repo = try ReviewFixture.repo()
        let worktree = try ReviewFixture.submittedTask(repo)
        let head = try repo.revParse("HEAD", in: worktree)
        let base = try #require(try ReviewFixture.show(repo)["base"] as? String)

        let approved = try repo.orchestrateAs(ReviewFixture.rita, "approve", "T1", "--comment", "LGTM")
        #expect(approved.status == 0, "\(approved)")
        #expect(approved.stdout.contains("approved T1 at \(head.prefix(8))"))
        #expect(try ReviewFixture.show(repo)["state"] as? String == "approved")
        // The row is keyed by the commit and carries what was reviewed.
        let row = try ReviewFixture.sqlite(repo, "SELECT oid, approver, base, comment, tree FROM approvals")
        let tree = try repo.revParse("HEAD^{tree}", in: worktree)
        #expect(row == "\(head)|\(ReviewFixture.rita)|\(base)|LGTM|\(tree)")
        // The patch id is the git CLI's `patch-id --stable` of the change.
        let diff = try repo.git("diff", base, head)
        let patchID = try repo.gitResult("patch-id", "--stable", stdin: diff).stdout.split(separator: " ").first.map(String.init)
        #expect(try ReviewFixture.sqlite(repo, "SELECT patchId FROM approvals") == patchID)
        // The gate may now let the task's commits through.
        #expect(try ReviewFixture.sqlite(repo, "SELECT oid || ' ' || reason FROM cleared_commits") == "\(head) approved")

        try repo.write("f.txt", "one\ntwo\nthree\n", in: worktree)
        try repo.git("commit", "-q", "-a", "--amend", "-m", "amended", in: worktree)
        let amended = try repo.revParse("HEAD", in: worktree)
        let review = try ReviewFixture.review(repo)
        #expect(review["state"] as? String == "submitted")
        #expect(review["head"] as? String == amended)
        #expect(review["approvalVoided"] as? Bool == true)
        #expect((review["approvals"] as? [Any])?.isEmpty == true)
        #expect((review["earlierApprovals"] as? [[String: Any]])?.first?["oid"] as? String == head)
        let voided = try ReviewFixture.events(repo).filter { $0["kind"] as? String == "approvalVoided" }
        #expect(voided.count == 1)
        let reason = (voided.first?["detail"] as? [String: Any])?["reason"] as? String
        #expect(reason == "head moved from \(head) to \(amended) after approval")

        // The moved head must be submitted again before anyone approves it.
        let again = try repo.orchestrateAs(ReviewFixture.rita, "approve", "T1")
        #expect(again.status == 2)
        #expect(again.stderr.contains("task T1 moved since it was submitted"))
        try repo.orchestrateOK("submit", "T1")
        try repo.orchestrateOKAs(ReviewFixture.rita, "approve", "T1")
        #expect(try ReviewFixture.show(repo)["state"] as? String == "approved")
        // The old row stays, it simply no longer counts.
        #expect(try ReviewFixture.sqlite(repo, "SELECT count(*) FROM approvals") == "2")
    }

    @Test("the task's author and its claiming agent may not approve it by default")
    func selfApprovalRefused() throws {
        let repo = try ReviewFixture.repo()
        try ReviewFixture.submittedTask(repo)
        // The git identity here is the commits' author.
        let own = try repo.orchestrate("approve", "T1")
        #expect(own.status == 2)
        #expect(own.stderr.contains("Ada Author <ada@example.com> may not approve T1"))
        #expect(own.stderr.contains("`approvals.allowSelfApproval`"))
        // Matched by e-mail, whatever the name and case.
        let byEmail = try repo.orchestrateAs("Someone <ADA@example.com>", "approve", "T1")
        #expect(byEmail.status == 2)
        // A bare name is not an identity git would write: refused before any rule is applied.
        let bare = try repo.orchestrate("approve", "T1", "--by", "ada author")
        #expect(bare.status == 2)
        #expect(bare.stderr.contains("is not an identity"))
        #expect(try ReviewFixture.sqlite(repo, "SELECT count(*) FROM approvals") == "0")
        #expect(try ReviewFixture.show(repo)["state"] as? String == "submitted")

        // The agent that claimed a task is its author too.
        try repo.orchestrateOK("add", "Agent work", "--id", "T2")
        let claimed = try #require(try TestRepo.json(repo.orchestrateOK("next", "--agent", "bot-7", "--format", "json")) as? [String: Any])
        let worktree = try #require(claimed["worktree"] as? String)
        repo.setEnv("GIT_AUTHOR_EMAIL", "bob@example.com")
        try repo.commit("g.txt", "g\n", in: worktree)
        try repo.orchestrateOK("submit", "T2")
        // An agent acts as ORCHESTRATE_ACTOR (the supervisor sets it).
        repo.setEnv("ORCHESTRATE_ACTOR", "bot-7")
        let agent = try repo.orchestrate("approve", "T2")
        repo.setEnv("ORCHESTRATE_ACTOR", nil)
        #expect(agent.status == 2)
        #expect(agent.stderr.contains("because bot-7 wrote or claimed this task"))
        // The committer (Ada) counts as well as the author (Bob).
        #expect(try repo.orchestrateAs(ReviewFixture.bob, "approve", "T2").status == 2)
        #expect(try repo.orchestrateAs("Ada Author <ada@example.com>", "approve", "T2").status == 2)

        // With allowSelfApproval the author may approve.
        try repo.write(".augment-orchestrator.json", #"{"target": "main", "approvals": {"allowSelfApproval": true}}"#)
        let allowed = try repo.orchestrate("approve", "T1")
        #expect(allowed.status == 0, "\(allowed)")
        #expect(try ReviewFixture.sqlite(repo, "SELECT approver FROM approvals") == "Ada Author <ada@example.com>")
    }

    @Test("an approvers list restricts who may approve, naming the rule")
    func approversAllowList() throws {
        let repo = try ReviewFixture.repo(approvals: #"{"approvers": ["rita@example.com"]}"#)
        try ReviewFixture.submittedTask(repo)
        let bob = try repo.orchestrateAs(ReviewFixture.bob, "approve", "T1")
        #expect(bob.status == 2)
        #expect(bob.stderr.contains("refused by the rule `approvals.approvers`"))
        #expect(bob.stderr.contains("rita@example.com"))
        let rita = try repo.orchestrateAs("Rita R. <RITA@example.com>", "approve", "T1")
        #expect(rita.status == 0, "\(rita)")
        #expect(try ReviewFixture.show(repo)["state"] as? String == "approved")
    }

    @Test("required 2 needs two distinct approvers of the same head")
    func twoRequired() throws {
        let repo = try ReviewFixture.repo(approvals: #"{"required": 2}"#)
        try ReviewFixture.submittedTask(repo)
        let first = try repo.orchestrateOKAs(ReviewFixture.rita, "approve", "T1")
        #expect(first.contains("(1/2)"))
        #expect(first.contains("needs 1 more"))
        // The same approver twice is still one approver.
        try repo.orchestrateOKAs(ReviewFixture.rita, "approve", "T1", "--comment", "really")
        let sameEmail = try repo.orchestrateOKAs("R. Reviewer <RITA@example.com>", "approve", "T1")
        #expect(sameEmail.contains("(1/2)"))
        #expect(try ReviewFixture.sqlite(repo, "SELECT approver || ':' || ifnull(comment, '-') FROM approvals") == "\(ReviewFixture.rita):-")
        #expect(try ReviewFixture.show(repo)["state"] as? String == "submitted")
        #expect(try ReviewFixture.sqlite(repo, "SELECT count(*) FROM cleared_commits") == "0")
        let second = try repo.orchestrateOKAs(ReviewFixture.bob, "approve", "T1")
        #expect(second.contains("approved T1"))
        #expect(second.contains("(2/2)"))
        #expect(try ReviewFixture.show(repo)["state"] as? String == "approved")
        let review = try ReviewFixture.review(repo)
        #expect((review["approvals"] as? [Any])?.count == 2)
        #expect(review["approvalsRequired"] as? Int == 2)
        // Each approval is an audit event carrying the count.
        let approvals = try ReviewFixture.events(repo).filter { $0["kind"] as? String == "approved" }
        #expect(approvals.map { ($0["detail"] as? [String: Any])?["satisfied"] as? Bool } == [false, false, false, true])
    }

    @Test("only a submitted task can be approved")
    func notSubmitted() throws {
        let repo = try ReviewFixture.repo()
        try repo.orchestrateOK("add", "Work")
        let worktree = try repo.orchestrateOK("start", "T1")
        try repo.commit("f.txt", "x\n", in: worktree)
        let result = try repo.orchestrateAs(ReviewFixture.rita, "approve", "T1")
        #expect(result.status == 2)
        #expect(result.stderr == "error: task T1 is running; only a submitted task can be approved (run `git orchestrate submit T1` first)\n")
        #expect(try repo.orchestrate("approve", "T9").status == 2)
    }
}
