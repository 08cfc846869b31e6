import Foundation
import OrchestrateTestSupport
import Testing

@Suite("agent outcomes")
struct AgentOutcomeTests {
    @Test("an agent that commits and exits 0 completes, and the task is submitted")
    func completed() throws {
        let repo = try TestRepo.withAgent(["heartbeatSeconds": 1])
        let envFile = repo.scratch + "/env.txt"
        let agent = try repo.agentScript("commit.sh", """
            echo "task=$ORCHESTRATE_TASK_ID worktree=$ORCHESTRATE_WORKTREE db=$ORCHESTRATE_DATABASE hb=$ORCHESTRATE_HEARTBEAT_SECONDS cwd=$(pwd)" > \(envFile)
            cat "$1" >> \(envFile)
            echo "working on it"
            echo done > result.txt
            git add result.txt && git commit -q -m "agent work"
            """)
        try repo.orchestrateOK("add", "Write the result", "--description", "Put done in result.txt")
        let result = try repo.orchestrate("run", "T1", "--", agent, "{promptFile}")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("T1 completed: 1 commit ahead of the base; submitted for review"))

        let task = try repo.taskJSON("T1")
        #expect(task["state"] as? String == "submitted")
        #expect(task["attempts"] as? Int == 1)
        let worktree = try #require(task["worktree"] as? String)
        let env = readText(envFile)
        #expect(env.contains("task=T1 worktree=\(worktree) db=\(repo.path)/.git/orchestrate/orchestrate.sqlite hb=1 cwd=\(worktree)"))
        #expect(env.contains("# Write the result") && env.contains("Put done in result.txt"))

        let runs = try repo.runs("T1")
        #expect(runs.count == 1)
        #expect(runs.first?["outcome"] as? String == "completed")
        #expect(runs.first?["exitStatus"] as? Int == 0)
        #expect((runs.first?["pid"] as? Int ?? 0) > 0)
        #expect(try repo.eventKinds("T1").suffix(4) == ["runStarted", "progress", "runEnded", "submitted"])
        // The log holds the agent's output.
        let logs = try repo.orchestrateOK("logs", "T1")
        #expect(logs.contains("working on it"))
    }

    @Test("exit 3 fails the attempt, keeps its work and queues the task again")
    func failedIsRequeued() throws {
        let repo = try TestRepo.withAgent(["maxAttempts": 2])
        let agent = try repo.agentScript("fail.sh", """
            echo partial > partial.txt
            git add partial.txt && git commit -q -m partial
            echo "something went wrong" >&2
            exit 3
            """)
        try repo.orchestrateOK("add", "Doomed")
        let first = try repo.orchestrate("run", "T1", "--", agent)
        #expect(first.status == 1, "\(first)")
        #expect(first.stdout.contains("T1 failed (exit 3): queued again for another attempt; work kept at refs/orchestrate/rejected/T1/1"))
        var task = try repo.taskJSON("T1")
        #expect(task["state"] as? String == "queued")
        #expect(task["attempts"] as? Int == 1)
        #expect(task["worktree"] is NSNull)
        // Nothing lost: the partial commit is kept.
        #expect(try repo.git("show", "refs/orchestrate/rejected/T1/1:partial.txt") == "partial\n")
        let run = try #require(try repo.runs("T1").first)
        #expect(run["outcome"] as? String == "failed")
        #expect(run["exitStatus"] as? Int == 3)
        let detail = try #require(run["detail"] as? [String: Any])
        #expect((detail["logTail"] as? String)?.contains("something went wrong") == true)

        // The second attempt is the last one allowed: the task fails for good.
        let second = try repo.orchestrate("run", "T1", "--", agent)
        #expect(second.status == 1)
        task = try repo.taskJSON("T1")
        #expect(task["state"] as? String == "failed")
        #expect(task["attempts"] as? Int == 2)
        #expect(try repo.runs("T1").map { $0["attempt"] as? Int } == [1, 2])
    }

    @Test("an agent killed by a signal has crashed")
    func crashed() throws {
        let repo = try TestRepo.withAgent([:])
        let agent = try repo.agentScript("crash.sh", "echo about to die\nkill -KILL $$\n")
        try repo.orchestrateOK("add", "Crashy")
        let result = try repo.orchestrate("run", "T1", "--", agent)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("T1 crashed (signal 9 SIGKILL): queued again"))
        let run = try #require(try repo.runs("T1").first)
        #expect(run["outcome"] as? String == "crashed")
        #expect(run["signal"] as? Int == 9)
        #expect(run["exitStatus"] is NSNull)
    }

    @Test("an agent past its timeout is stopped with its whole process group")
    func timedOut() throws {
        let repo = try TestRepo.withAgent(["timeoutSeconds": 2])
        let childPidFile = repo.scratch + "/grandchild.pid"
        let agent = try repo.agentScript("slow.sh", """
            sleep 30 &
            echo $! > \(childPidFile)
            sleep 30
            """)
        try repo.orchestrateOK("add", "Slow")
        let started = Date()
        let result = try repo.orchestrate("run", "T1", "--", agent)
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("T1 timedOut"))
        #expect(result.stderr.contains("timed out after 2s: sent SIGTERM to agent process group"))
        let grandchild = try #require(Int32(readText(childPidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(!processIsAlive(grandchild), "the agent's background child \(grandchild) survived")
        let run = try #require(try repo.runs("T1").first)
        #expect(run["outcome"] as? String == "timedOut")
        #expect(try repo.taskJSON("T1")["state"] as? String == "queued")
    }

    @Test("an agent that commits nothing ends with noChanges and its edits are kept")
    func noChanges() throws {
        let repo = try TestRepo.withAgent([:])
        let agent = try repo.agentScript("edit.sh", "echo edited >> README.md\necho new > notes.txt\n")
        try repo.orchestrateOK("add", "Lazy")
        let result = try repo.orchestrate("run", "T1", "--", agent)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("T1 noChanges: no commits; uncommitted edits kept in the worktree (README.md, notes.txt)"))
        let task = try repo.taskJSON("T1")
        #expect(task["state"] as? String == "running")
        let worktree = try #require(task["worktree"] as? String)
        #expect(repo.read("notes.txt", in: worktree) == "new\n")
        #expect(repo.read("README.md", in: worktree) == "hello\nedited\n")
        let detail = try #require(try repo.runs("T1").first?["detail"] as? [String: Any])
        #expect(detail["uncommitted"] as? [String] == ["README.md", "notes.txt"])
    }

    @Test("a hostile title reaches the agent as one plain argument")
    func hostileTitle() throws {
        let repo = try TestRepo.withAgent([:])
        let out = repo.scratch + "/args.txt"
        let agent = try repo.agentScript("args.sh", "printf '%s\\n' \"$#\" \"$1\" \"$2\" > \(out)\n")
        try repo.setAgentConfig(["command": [agent, "--title={title}", "{id}"]])
        let title = "x; rm -rf ~ $(touch pwned) `touch pwned2` \"q\" {worktree}"
        try repo.orchestrateOK("add", title)
        let result = try repo.orchestrate("run", "T1")
        #expect(result.status == 0, "\(result)")
        #expect(readText(out) == "2\n--title=\(title)\nT1\n")
        let worktree = repo.worktreeRoot + "/T1"
        for place in [repo.path, repo.scratch, worktree] {
            #expect(!FileManager.default.fileExists(atPath: place + "/pwned"))
            #expect(!FileManager.default.fileExists(atPath: place + "/pwned2"))
        }
    }

    @Test("run refuses without a command, and refuses a task that is not runnable")
    func refusals() throws {
        let repo = try TestRepo.withAgent([:])
        try repo.orchestrateOK("add", "No command")
        let none = try repo.orchestrate("run", "T1")
        #expect(none.status == 2)
        #expect(none.stderr.contains("no agent command is configured; set `agent.command`"))
        #expect(try repo.taskJSON("T1")["state"] as? String == "queued")  // nothing started
        let unknown = try repo.orchestrate("run", "T9", "--", "true")
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("there is no task T9"))
        let missing = try repo.orchestrate("run", "T1", "--", "no-such-agent-program")
        // A program that cannot be found is bad input found before anything starts: no attempt.
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("the agent program no-such-agent-program is not on PATH"))
        #expect(try repo.runs("T1").isEmpty)
        #expect(try repo.taskJSON("T1")["attempts"] as? Int == 0)
        try repo.orchestrateOK("add", "Never run")
        let noLog = try repo.orchestrate("logs", "T2")
        #expect(noLog.status == 2)
        #expect(noLog.stderr.contains("task T2 has not been run yet, so it has no log"))
        let noRun = try repo.orchestrate("heartbeat", "T2")
        #expect(noRun.status == 2)
        #expect(noRun.stderr.contains("task T2 has no agent run in progress"))
    }
}
