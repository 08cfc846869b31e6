import Foundation
import OrchestrateTestSupport
import Testing

@Suite("merge buffer")
struct MergeBufferTests {
    @Test("lands stacked tasks in dependency order, rebased onto a moved tip, each commit once")
    func stackedOrder() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        // T2 is stacked on T1's branch: it contains T1's original commit.
        let t2 = try repo.approvedTask("Add b", files: [("b.txt", "b\n")], dependsOn: [t1.id], stack: true)
        // Someone else lands an unrelated change first, so both must be rewritten.
        try repo.commit("other.txt", "x\n", message: "external")

        let plan = try repo.orchestrate("merge", "--dry-run", "--format", "json")
        #expect(plan.status == 0, "\(plan)")
        let planned = try #require(try TestRepo.json(plan.stdout) as? [String: Any])
        let order = (planned["tasks"] as? [[String: Any]] ?? []).compactMap { $0["task"] as? String }
        #expect(order == [t1.id, t2.id])
        #expect(try repo.subjects() == ["initial", "config", "external"], "a dry run moves nothing")

        // The higher-priority order is still dependency-first even when T2 is asked for alone.
        let merged = try repo.orchestrate("merge", t2.id)
        #expect(merged.status == 0, "\(merged)")
        #expect(merged.stdout.contains("\(t1.id)\tlanded"))
        #expect(merged.stdout.contains("\(t2.id)\tlanded"))
        #expect(try repo.subjects() == ["initial", "config", "external", "Add a: a.txt", "Add b: b.txt"])
        #expect(repo.read("a.txt") == "a\n" && repo.read("b.txt") == "b\n", "the main checkout follows")
        #expect(try repo.git("status", "--porcelain") == "")
        // Author kept, committer is the user running the merge.
        let who = try repo.git("log", "-1", "--format=%an|%ad|%cn", "--date=iso-strict", "main")
        #expect(who.hasPrefix("Ada Author|2026-01-01T00:00:00"))
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "merged")
        #expect(try repo.taskJSON(t2.id)["state"] as? String == "merged")
        #expect(!FileManager.default.fileExists(atPath: t2.worktree), "the worktree is removed after landing")
        #expect(try repo.gitResult("rev-parse", "--verify", "-q", "refs/heads/orchestrate/\(t2.id)").status != 0)
        #expect(try repo.auditKinds(task: t2.id).contains("landed"))
        try repo.orchestrateOK("audit", "verify")
    }

    @Test("a chain of three, the last stacked on the middle one's first commit: one run lands each commit once, in order")
    func chainStackedOnAnEarlierCommit() throws {
        let repo = try TestRepo.forMerge()
        let a = try repo.approvedTask("A", files: [("a.txt", "a\n")])
        let b = try repo.approvedTask("B", files: [("b1.txt", "b1\n")], dependsOn: [a.id], stack: true, approve: false)
        // C starts on B's first commit; B then gets a second one.
        let c = try repo.approvedTask("C", files: [("c.txt", "c\n")], dependsOn: [b.id], stack: true)
        try repo.commit("b2.txt", "b2\n", message: "B: b2.txt", in: b.worktree)
        try repo.orchestrateOK("submit", b.id)
        try ApprovalFixture.approve(repo, b.id)
        try repo.commit("other.txt", "x\n", message: "external")
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0, "\(result)")
        #expect(try repo.subjects() == ["initial", "config", "external", "A: a.txt", "B: b1.txt", "B: b2.txt", "C: c.txt"])
        #expect(try repo.git("ls-tree", "--name-only", "main") == ".augment-orchestrator.json\nREADME.md\na.txt\nb1.txt\nb2.txt\nc.txt\nother.txt\n")
        #expect(try repo.taskJSON(c.id)["state"] as? String == "merged")
    }

    @Test("a branch already on the tip is fast-forwarded, not rewritten")
    func fastForward() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        let head = try repo.revParse("orchestrate/\(t1.id)")
        try repo.orchestrateOK("merge")
        #expect(try repo.revParse("main") == head)
    }

    @Test("a conflict isolates the task and its dependents; every other task lands")
    func conflictIsolation() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("One", files: [("README.md", "one\n")])
        let t2 = try repo.approvedTask("Two", files: [("README.md", "two\n")])
        let t3 = try repo.approvedTask("Three", files: [("c.txt", "c\n")])
        let t4 = try repo.approvedTask("Four", files: [("d.txt", "d\n")], dependsOn: [t2.id], stack: true)
        let before = try repo.revParse("main")
        let result = try repo.orchestrate("merge", "--format", "json")
        #expect(result.status == 1, "\(result)")
        let report = try #require(try TestRepo.json(result.stdout) as? [String: Any])
        let tasks = report["tasks"] as? [[String: Any]] ?? []
        let verdict = Dictionary(uniqueKeysWithValues: tasks.map { ($0["task"] as? String ?? "", $0["result"] as? String ?? "") })
        #expect(verdict == [t1.id: "landed", t2.id: "conflicted", t3.id: "landed", t4.id: "waiting"])
        let conflicted = try #require(tasks.first { $0["task"] as? String == t2.id })
        #expect(conflicted["conflicts"] as? [String] == ["README.md"])
        #expect(try repo.taskJSON(t2.id)["state"] as? String == "conflicted")
        #expect(try repo.taskJSON(t4.id)["state"] as? String == "approved")
        #expect(try repo.auditKinds(task: t2.id).contains("conflicted"))
        #expect(try repo.subjects().count == 4)
        #expect(try repo.git("log", "--format=%H", "main").contains(before))
        #expect(repo.read("README.md") == "one\n")
    }

    @Test("a failing check isolates the task, with its name, status and output in the audit trail")
    func checkFailure() throws {
        let repo = try TestRepo.forMerge()
        try repo.commitConfig("""
            {"checks": [{"name": "no-bad", "command": ["sh", "-c", "echo checking; test ! -f bad.txt"], "timeoutSeconds": 60}]}
            """, message: "config")
        let bad = try repo.approvedTask("Bad", files: [("bad.txt", "x\n")])
        let good = try repo.approvedTask("Good", files: [("good.txt", "y\n")])
        let result = try repo.orchestrate("merge")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("\(bad.id)\tfailed"))
        #expect(result.stdout.contains("no-bad"))
        #expect(result.stdout.contains("\(good.id)\tlanded"))
        #expect(repo.read("good.txt") == "y\n" && repo.read("bad.txt") == nil)
        let events = try TestRepo.json(repo.orchestrateOK("log", "--task", bad.id, "--format", "json")) as? [[String: Any]] ?? []
        let failed = try #require(events.first { $0["kind"] as? String == "checkFailed" })
        let detail = failed["detail"] as? [String: Any] ?? [:]
        #expect(detail["check"] as? String == "no-bad")
        #expect(detail["exitStatus"] as? Int == 1)
        #expect((detail["outputTail"] as? String ?? "").contains("checking"))
        #expect(try repo.taskJSON(bad.id)["state"] as? String == "failed")
    }

    @Test("someone pushing to the target during the checks forces a re-plan; their commit is kept")
    func externalPush() throws {
        let repo = try TestRepo.forMerge()
        let mark = repo.scratch + "/pushed"
        let script = "if [ ! -f \(mark) ]; then touch \(mark); git -C \(repo.path) commit -q --allow-empty -m external; fi"
        try repo.commitConfig("""
            {"checks": [{"name": "push", "command": ["sh", "-c", "\(script)"]}]}
            """, message: "config")
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("re-planning"))
        #expect(try repo.subjects() == ["initial", "config", "config", "external", "Add a: a.txt"])
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "merged")
    }

    @Test("a dirty main checkout: overlapping changes block that task, others land, nothing is lost")
    func dirtyCheckout() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Edit readme", files: [("README.md", "landed\n")])
        let t2 = try repo.approvedTask("Add b", files: [("b.txt", "b\n")])
        try repo.write("README.md", "my local edit\n")
        try repo.write("notes.txt", "untracked\n")
        let result = try repo.orchestrate("merge")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("\(t1.id)\tblocked"))
        #expect(result.stdout.contains("README.md"))
        #expect(result.stdout.contains("\(t2.id)\tlanded"))
        #expect(repo.read("README.md") == "my local edit\n")
        #expect(repo.read("notes.txt") == "untracked\n")
        #expect(repo.read("b.txt") == "b\n")
        #expect(try repo.git("status", "--porcelain") == " M README.md\n?? notes.txt\n")
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "approved")
    }

    @Test(
        "two landings of one run change the same file: neither is mistaken for a local change; the checkout shows the last",
        arguments: [false, true])
    func sameFileTwiceInOneRun(withChecks: Bool) throws {
        let repo = try TestRepo.forMerge(files: ["README.md": "hello\n", "NOTES.md": "notes\n"])
        // Without checks the checkout catches up at the end of the run, with checks after
        // each landing: both must tell landed changes from the user's.
        if withChecks { try repo.commitConfig(#"{"checks": [{"name": "true", "command": ["true"]}]}"#, message: "a check") }
        let t1 = try repo.approvedTask("First edit", files: [("README.md", "one\n")])
        let t2 = try repo.approvedTask("Second edit", files: [("README.md", "two\n")], dependsOn: [t1.id], stack: true)
        try repo.write("NOTES.md", "my local edit\n")
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\(t1.id)\tlanded") && result.stdout.contains("\(t2.id)\tlanded"))
        #expect(repo.read("README.md") == "two\n")
        #expect(try repo.git("status", "--porcelain") == " M NOTES.md\n", "only the user's own change remains")
        #expect(try repo.git("diff", "--cached", "--stat") == "", "the index matches the new main")
    }

    @Test("a file of the checkout changed while the merge ran is left as it is and named; every other landed file arrives")
    func checkoutChangedDuringTheRun() throws {
        let repo = try TestRepo.forMerge()
        // The check plays the user: it writes a.txt into the main checkout while the run lands.
        try repo.commitConfig("""
            {"checks": [{"name": "user edits", "command": ["sh", "-c", "echo mine > '\(repo.path)/a.txt'"]}]}
            """, message: "a check")
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        let t2 = try repo.approvedTask("Add b", files: [("b.txt", "b\n")])
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\(t1.id)\tlanded") && result.stdout.contains("\(t2.id)\tlanded"))
        #expect(result.stderr.contains("has local changes to a.txt"), "\(result)")
        #expect(repo.read("a.txt") == "mine\n", "the user's file is kept")
        #expect(repo.read("b.txt") == "b\n", "the other landed file arrives")
        #expect(try repo.git("status", "--porcelain", "--", "b.txt") == "")
    }

    @Test("a rebase that changes the patch id voids the approval")
    func patchIDChanged() throws {
        let lines = (1...10).map { "line \($0)" }
        let repo = try TestRepo.forMerge(files: ["f.txt": lines.joined(separator: "\n") + "\n"])
        var mine = lines
        mine[5] = "task line 6"
        let t1 = try repo.approvedTask("Edit line 6", files: [("f.txt", mine.joined(separator: "\n") + "\n")])
        // Main changes line 4: a clean merge, but inside the task's hunk context.
        var theirs = lines
        theirs[3] = "main line 4"
        try repo.commit("f.txt", theirs.joined(separator: "\n") + "\n", message: "external")
        let result = try repo.orchestrate("merge")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("\(t1.id)\tneedsApproval"))
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "submitted")
        #expect(try repo.auditKinds(task: t1.id).contains("approvalVoided"))
        #expect(try repo.subjects() == ["initial", "config", "external"])
    }
}
