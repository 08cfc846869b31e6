import Foundation
import OrchestrateTestSupport
import Testing

@Suite("closed loop")
struct ClosedLoopTests {
    /// An agent that writes `bad` unless its prompt carries the check's complaint.
    static func checkFixer(_ repo: TestRepo) throws -> String {
        try repo.agentScript("fixer.sh", """
            if grep -q "value.txt must say good, not bad" "$1"; then
              echo good > value.txt && git commit -q -am "say good"
            else
              echo bad > value.txt && git add value.txt && git commit -q -m "say bad"
            fi
            """)
    }

    @Test("a failed check goes back to the agent, whose next attempt reads the output and fixes it; only up, approve and merge are typed")
    func failedCheckFixedByAgent() throws {
        let repo = try TestRepo(initialize: true)
        let agent = try ClosedLoopTests.checkFixer(repo)
        // `init` wrote a new configuration: its merge.onFailure is "requeue".
        let written = try repo.configJSON()
        #expect((written["merge"] as? [String: Any])?["onFailure"] as? String == "requeue")
        var config = written
        config["checks"] = [valueCheck]
        config["agent"] = ["command": [agent, "{promptFile}"], "heartbeatSeconds": 1, "maxAttempts": 3]
        try repo.setConfig(config)
        try repo.orchestrateOK("add", "Write the value")

        try repo.orchestrateOK("up")
        try repo.approveAsReviewer("T1")
        let first = try repo.orchestrate("merge")
        #expect(first.status == 1, "\(first)")
        #expect(first.stdout == "T1\tfailed\tT1: check value failed with exit status 4; sent back to its agent with the evidence (merge.onFailure: requeue), `git orchestrate up` runs it again\n")
        var task = try repo.taskJSON("T1")
        #expect(task["state"] as? String == "queued")
        let worktree = try #require(task["worktree"] as? String)
        #expect(FileManager.default.fileExists(atPath: worktree + "/value.txt"), "the work stays in its worktree")
        let returned = try #require(try repo.events("T1", kind: "returnedToAgent").first?["detail"] as? [String: Any])
        #expect(returned["cause"] as? String == "checkFailed")
        #expect(returned["check"] as? String == "value")
        #expect(returned["exitStatus"] as? Int == 4)
        #expect((returned["outputTail"] as? String)?.contains("value.txt must say good, not bad") == true)

        let second = try repo.orchestrate("up")
        #expect(second.status == 0, "\(second)")
        let prompt = repo.promptFile("T1", attempt: 2)
        #expect(prompt.contains("## Returned to you: check value failed with exit status 4"))
        #expect(prompt.contains("command: sh -c "))
        #expect(prompt.contains("exit status: 4"))
        #expect(prompt.contains("value.txt must say good, not bad"))
        task = try repo.taskJSON("T1")
        #expect(task["state"] as? String == "submitted")
        #expect(task["worktree"] as? String == worktree, "the same worktree, on the same branch")
        #expect(task["attempts"] as? Int == 2)

        try repo.approveAsReviewer("T1")
        let landed = try repo.orchestrate("merge")
        #expect(landed.status == 0, "\(landed)")
        #expect(try repo.git("show", "main:value.txt") == "good\n")
        #expect(try repo.subjects().suffix(2) == ["say bad", "say good"])
    }

    @Test("a conflict goes back to the agent with the commands to rebase; its next attempt follows them and the task lands")
    func conflictRebasedByAgent() throws {
        let repo = try TestRepo(files: ["a.txt": "base\n"], initialize: true)
        let agent = try repo.agentScript("rebaser.sh", """
            tip=$(sed -n 's/^    git rebase \\([0-9a-f]\\{40\\}\\)$/\\1/p' "$1")
            if [ -n "$tip" ]; then
              git rebase "$tip" >/dev/null 2>&1
              printf 'main line\\nagent line\\n' > a.txt
              git add a.txt && GIT_EDITOR=true git rebase --continue >/dev/null
            else
              echo "agent line" > a.txt && git commit -q -am "agent edit"
            fi
            """)
        var config = try repo.configJSON()
        config["agent"] = ["command": [agent, "{promptFile}"], "heartbeatSeconds": 1]
        try repo.setConfig(config)
        try repo.orchestrateOK("add", "Edit a")
        try repo.orchestrateOK("up")
        // Meanwhile someone changes the same line on main.
        _ = try repo.commit("a.txt", "main line\n", message: "main edit")
        let tip = try repo.revParse("main")
        try repo.approveAsReviewer("T1")
        let first = try repo.orchestrate("merge")
        #expect(first.status == 1, "\(first)")
        #expect(first.stdout.contains("T1\tconflicted\tT1: conflicted with main at \(tip.prefix(12)) in a.txt; sent back to its agent"), "\(first)")
        #expect(try repo.taskJSON("T1")["state"] as? String == "queued")

        try repo.orchestrateOK("up")
        let prompt = repo.promptFile("T1", attempt: 2)
        #expect(prompt.contains("Replaying your work onto main at \(tip) conflicted in:\n\n- a.txt"))
        #expect(prompt.contains("    git rebase \(tip)\n"))
        #expect(try repo.taskJSON("T1")["state"] as? String == "submitted")
        try repo.approveAsReviewer("T1")
        let landed = try repo.orchestrate("merge")
        #expect(landed.status == 0, "\(landed)")
        #expect(try repo.git("show", "main:a.txt") == "main line\nagent line\n")
        #expect(try repo.events("T1", kind: "returnedToAgent").count == 1)
    }

    @Test("past agent.maxAttempts the task stops in failed, every cause listed in show")
    func maxAttemptsStops() throws {
        let repo = try TestRepo(initialize: true)
        let agent = try repo.agentScript("stubborn.sh", "echo bad$ORCHESTRATE_ATTEMPT > value.txt && git add value.txt && git commit -q -m \"try $ORCHESTRATE_ATTEMPT\"\n")
        var config = try repo.configJSON()
        config["checks"] = [valueCheck]
        config["agent"] = ["command": [agent], "heartbeatSeconds": 1, "maxAttempts": 2]
        try repo.setConfig(config)
        try repo.orchestrateOK("add", "Never right")
        for attempt in 1...2 {
            try repo.orchestrateOK("up")
            try repo.approveAsReviewer("T1")
            let merge = try repo.orchestrate("merge")
            #expect(merge.status == 1, "\(merge)")
            if attempt == 2 {
                #expect(merge.stdout.contains("T1\tfailed\tT1: check value failed with exit status 4; failed for good after 2 attempts (agent.maxAttempts 2), see `git orchestrate show T1`"), "\(merge)")
            }
        }
        let task = try repo.taskJSON("T1")
        #expect(task["state"] as? String == "failed")
        let causes = try #require(task["causes"] as? [[String: Any]])
        #expect(causes.map { $0["summary"] as? String } == ["check value failed with exit status 4", "check value failed with exit status 4"])
        #expect((causes.last?["outputTail"] as? String)?.contains("not bad2") == true)
        let show = try repo.orchestrateOK("show", "T1")
        #expect(show.contains("feedback:   stopped after 2 attempts (agent.maxAttempts): 1) check value failed with exit status 4; 2) check value failed with exit status 4"))
        #expect(show.contains("returned to the agent (merge.onFailure, reject --requeue, agent.onStall):\n  1. check value failed with exit status 4\n  2. check value failed with exit status 4"))
        #expect(show.contains("evidence:   attempt 2 completed, 2 commits ahead of the base"))
        // Nothing left for `up` to do.
        let up = try repo.orchestrate("up")
        #expect(up.stderr.contains("nothing to do"), "\(up)")
        #expect(try repo.events("T1", kind: "returnedToAgent").count == 1)
    }

    @Test("merge.onFailure \"stop\" (and a configuration without the key) keeps the failed task for a person", arguments: [true, false])
    func stopKeepsTodaysBehaviour(_ explicit: Bool) throws {
        let repo = try TestRepo(initialize: true)
        let agent = try ClosedLoopTests.checkFixer(repo)
        var config: [String: Any] = [
            "checks": [valueCheck], "agent": ["command": [agent, "{promptFile}"], "heartbeatSeconds": 1],
        ]
        if explicit { config["merge"] = ["onFailure": "stop"] }
        try repo.setConfig(config)
        try repo.orchestrateOK("add", "Write the value")
        try repo.orchestrateOK("up")
        try repo.approveAsReviewer("T1")
        let merge = try repo.orchestrate("merge")
        #expect(merge.status == 1)
        #expect(!merge.stdout.contains("sent back"), "\(merge)")
        #expect(try repo.taskJSON("T1")["state"] as? String == "failed")
        let up = try repo.orchestrate("up")
        #expect(up.stderr.contains("nothing to do"), "\(up)")
        #expect(try repo.taskJSON("T1")["state"] as? String == "failed")
        #expect(try repo.events("T1", kind: "returnedToAgent").isEmpty)
    }

    @Test("reject --requeue records the return with its reason, and the next prompt carries it")
    func rejectRequeue() throws {
        let repo = try TestRepo(initialize: true)
        let agent = try repo.agentScript("writer.sh", "echo v$ORCHESTRATE_ATTEMPT > value.txt && git add value.txt && git commit -q -m v\n")
        try repo.setConfig(["agent": ["command": [agent], "heartbeatSeconds": 1]])
        try repo.orchestrateOK("add", "Write")
        try repo.orchestrateOK("up")
        try repo.orchestrateOK("reject", "T1", "--reason", "use a number word", "--requeue")
        let detail = try #require(try repo.events("T1", kind: "returnedToAgent").first?["detail"] as? [String: Any])
        #expect(detail["cause"] as? String == "rejected")
        #expect(detail["reason"] as? String == "use a number word")
        try repo.orchestrateOK("up")
        #expect(repo.promptFile("T1", attempt: 2).contains("A reviewer rejected the change: use a number word"))
    }

    @Test("a bad merge.onFailure or agent.onStall is refused, naming the key")
    func badValues() throws {
        let repo = try TestRepo(initialize: true)
        try repo.setConfig(["merge": ["onFailure": "retry"]])
        let bad = try repo.orchestrate("status")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("key `merge.onFailure` must be \"stop\" or \"requeue\""), "\(bad)")
        try repo.setConfig(["agent": ["onStall": "kill", "stallSeconds": 5]])
        let stall = try repo.orchestrate("status")
        #expect(stall.status == 2)
        #expect(stall.stderr.contains("key `agent.onStall` must be \"report\" or \"restart\""), "\(stall)")
    }
}
