import Foundation
import OrchestrateTestSupport
import Testing

@Suite("closed loop, more causes")
struct ClosedLoopMoreTests {
    @Test("an approval voided by the merge buffer's rebase goes back to the agent, which rebases as told")
    func voidedApproval() throws {
        let lines = (1...10).map { "line \($0)" }
        let repo = try TestRepo(files: ["f.txt": lines.joined(separator: "\n") + "\n"], initialize: true)
        var mine = lines
        mine[5] = "task line 6"
        let agent = try repo.agentScript("rebase-if-told.sh", """
            tip=$(sed -n 's/^    git rebase \\([0-9a-f]\\{40\\}\\)$/\\1/p' "$1")
            if [ -n "$tip" ]; then git rebase -q "$tip"; exit; fi
            printf '%s\\n' \(mine.map { "'\($0)'" }.joined(separator: " ")) > f.txt && git commit -q -am "edit line 6"
            """)
        var config = try repo.configJSON()
        config["agent"] = ["command": [agent, "{promptFile}"], "heartbeatSeconds": 1]
        try repo.setConfig(config)
        try repo.orchestrateOK("add", "Edit line 6")
        try repo.orchestrateOK("up")
        // Main changes line 4: a clean merge, but inside the task's hunk context.
        var theirs = lines
        theirs[3] = "main line 4"
        let tip = try repo.commit("f.txt", theirs.joined(separator: "\n") + "\n", message: "external")
        try repo.approveAsReviewer("T1")
        let first = try repo.orchestrate("merge")
        #expect(first.status == 1, "\(first)")
        #expect(first.stdout.contains("T1\tneedsApproval\tT1: approval voided: the rebase onto \(tip)"), "\(first)")
        #expect(try repo.taskJSON("T1")["state"] as? String == "queued")
        try repo.orchestrateOK("up")
        #expect(repo.promptFile("T1", attempt: 2).contains("    git rebase \(tip)\n"))
        try repo.approveAsReviewer("T1")
        let landed = try repo.orchestrate("merge")
        #expect(landed.status == 0, "\(landed)")
        #expect(try repo.git("show", "main:f.txt").contains("main line 4\nline 5\ntask line 6\n"))
    }

    @Test("merge killed -9 between the failed check and the return: the next up sends the task back and runs it")
    func killedBeforeReturn() throws {
        let repo = try TestRepo(initialize: true)
        let agent = try ClosedLoopTests.checkFixer(repo)
        var config = try repo.configJSON()
        config["checks"] = [valueCheck]
        config["agent"] = ["command": [agent, "{promptFile}"], "heartbeatSeconds": 1]
        try repo.setConfig(config)
        try repo.orchestrateOK("add", "Write the value")
        try repo.orchestrateOK("up")
        try repo.approveAsReviewer("T1")
        repo.setEnv("ORCHESTRATE_TEST_PAUSE", "before-return-to-agent")
        let merge = try repo.orchestrateInBackground("merge")
        repo.setEnv("ORCHESTRATE_TEST_PAUSE", nil)
        #expect(eventually(within: 30) { readText(merge.errFile).contains("paused at before-return-to-agent") })
        merge.signal(SIGKILL)
        _ = merge.wait()
        #expect(try repo.taskJSON("T1")["state"] as? String == "failed", "the verdict is recorded, the return is not")
        let up = try repo.orchestrate("up")
        #expect(up.status == 0, "\(up)")
        #expect(up.stderr.contains("T1 went back to its agent (check value failed with exit status 4)"), "\(up)")
        #expect(try repo.taskJSON("T1")["state"] as? String == "submitted")
        #expect(try repo.events("T1", kind: "returnedToAgent").count == 1)
    }

    @Test("start on a task sent back to its agent goes on in its worktree")
    func startResumes() throws {
        let repo = try TestRepo(initialize: true)
        let agent = try ClosedLoopTests.checkFixer(repo)
        var config = try repo.configJSON()
        config["checks"] = [valueCheck]
        config["agent"] = ["command": [agent, "{promptFile}"], "heartbeatSeconds": 1]
        try repo.setConfig(config)
        try repo.orchestrateOK("add", "Write the value")
        try repo.orchestrateOK("up")
        let worktree = try #require(try repo.taskJSON("T1")["worktree"] as? String)
        try repo.approveAsReviewer("T1")
        _ = try repo.orchestrate("merge")
        #expect(try repo.orchestrateOK("start", "T1") == worktree)
        #expect(try repo.taskJSON("T1")["state"] as? String == "running")
        #expect(repo.read("value.txt", in: worktree) == "bad\n")
    }
}
