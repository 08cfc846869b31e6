import Foundation
import OrchestrateTestSupport
import Testing

@Suite("stalled agents")
struct StallTests {
    @Test("an agent that heartbeats and sleeps is reported stalled after agent.stallSeconds, once")
    func reported() throws {
        let repo = try TestRepo(initialize: true)
        let agent = try repo.agentScript("sleeper.sh", "git orchestrate heartbeat\nsleep 30\n")
        try repo.setConfig(["agent": ["command": [agent], "heartbeatSeconds": 1, "stallSeconds": 2]])
        try repo.orchestrateOK("add", "Sleep")
        let supervisor = try repo.orchestrateInBackground("up")
        defer { supervisor.signal(SIGKILL) }
        var status: [String: Any] = [:]
        let seen = try eventually(within: 15) {
            status = try #require(try TestRepo.json(repo.orchestrateOK("status", "--format", "json")) as? [String: Any])
            return ((status["agents"] as? [[String: Any]])?.first?["stalled"] as? Bool) == true
        }
        #expect(seen, "\(status)")
        let agentRow = try #require((status["agents"] as? [[String: Any]])?.first)
        #expect(agentRow["lastActivityAt"] is String && agentRow["heartbeatAgeSeconds"] is Int)
        let table = try repo.orchestrateOK("status")
        #expect(table.contains("running (stalled)"), "\(table)")
        #expect(table.contains("STALLED "), "\(table)")
        let task = try repo.taskJSON("T1")
        #expect(task["stalled"] as? Bool == true)
        #expect(task["state"] as? String == "running")
        let evidence = try #require(task["evidence"] as? [String: Any])
        #expect(evidence["running"] as? Bool == true && evidence["stalled"] as? Bool == true)
        #expect(try repo.orchestrateOK("show", "T1").contains("state:      running (agent stalled)"))
        usleep(3_000_000)  // longer than another stallSeconds: still one event for this stall
        let stalled = try repo.events("T1", kind: "stalled")
        #expect(stalled.count == 1)
        let detail = try #require(stalled.first?["detail"] as? [String: Any])
        #expect(detail["action"] as? String == "report")
        #expect((detail["idleSeconds"] as? Int ?? 0) >= 2)
        #expect(try repo.taskJSON("T1")["state"] as? String == "running", "report only: the agent keeps running")
        supervisor.signal(SIGINT)
        let ended = supervisor.wait()
        #expect(ended.stderr.contains("T1 stalled: no commit, worktree change or progress for"), "\(ended)")
    }

    @Test("with agent.onStall restart the stalled agent is stopped and the task requeued with its work kept")
    func restarted() throws {
        let repo = try TestRepo(initialize: true)
        let agent = try repo.agentScript("stall-once.sh", """
            if [ "$ORCHESTRATE_ATTEMPT" = 1 ]; then
              echo one > one.txt && git add one.txt && git commit -q -m one
              echo draft > notes.txt
              exec sleep 30
            fi
            grep -q "so it was stopped" "$1" || exit 9
            git add notes.txt && git commit -q -m notes
            """)
        try repo.setConfig(["agent": [
            "command": [agent, "{promptFile}"], "heartbeatSeconds": 1, "stallSeconds": 2, "onStall": "restart", "maxAttempts": 2,
        ]])
        try repo.orchestrateOK("add", "Stall once")
        let up = try repo.orchestrate("up")
        #expect(up.status == 0, "\(up)")
        #expect(up.stderr.contains("T1 stalled: no commit, worktree change or progress for"), "\(up)")
        let task = try repo.taskJSON("T1")
        #expect(task["state"] as? String == "submitted")
        let runs = try repo.runs("T1")
        #expect(runs.map { $0["outcome"] as? String } == ["timedOut", "completed"])
        #expect((runs.first?["detail"] as? [String: Any])?["stallRestart"] as? Bool == true)
        #expect(try repo.subjects("orchestrate/T1").suffix(2) == ["one", "notes"], "the stalled attempt's work was kept")
        let returned = try #require(try repo.events("T1", kind: "returnedToAgent").first?["detail"] as? [String: Any])
        #expect(returned["cause"] as? String == "stalled")
        #expect(try repo.events("T1", kind: "stalled").first.map { ($0["detail"] as? [String: Any])?["action"] as? String } == "restart")
        #expect(try repo.orchestrateOK("show", "T1").contains("attempt 1  stalled (no activity for"))
    }

    @Test("an agent that keeps committing, or keeps reporting progress, is never stalled", arguments: ["commit", "progress"])
    func activeNeverStalls(_ how: String) throws {
        let repo = try TestRepo(initialize: true)
        let step = how == "commit"
            ? "echo $i > count.txt && git add count.txt && git commit -q -m \"step $i\""
            : "git orchestrate heartbeat --progress \"step $i\""
        let agent = try repo.agentScript("busy.sh", """
            i=0
            while [ $i -lt 15 ]; do i=$((i + 1)); \(step); sleep 0.4; done
            echo done > done.txt && git add done.txt && git commit -q -m done
            """)
        // Longer than any pause between steps on a loaded machine, shorter than the run (> 6 s).
        try repo.setConfig(["agent": ["command": [agent], "heartbeatSeconds": 1, "stallSeconds": 4, "onStall": "restart"]])
        try repo.orchestrateOK("add", "Busy")
        let up = try repo.orchestrate("up")
        #expect(up.status == 0, "\(up)")
        #expect(try repo.events("T1", kind: "stalled").isEmpty, "\(up)")
        #expect(try repo.runs("T1").map { $0["outcome"] as? String } == ["completed"])
        if how == "progress" {
            let messages = try repo.events("T1", kind: "progress").compactMap { ($0["detail"] as? [String: Any])?["message"] as? String }
            #expect(messages.contains("step 15"))
        }
    }

    @Test("heartbeat --progress with an empty message is refused")
    func emptyProgress() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Anything")
        let result = try repo.orchestrate("heartbeat", "T1", "--progress", "  ")
        #expect(result.status == 2)
        #expect(result.stderr == "error: --progress needs a message saying what T1's agent did; nothing was recorded\n")
    }
}

@Suite("stalled agents, crash")
struct StallCrashTests {
    @Test("up killed -9 after a stalled run ended and before the requeue: the next up runs the task again in its worktree")
    func killedBeforeRequeue() throws {
        let repo = try TestRepo(initialize: true)
        let agent = try repo.agentScript("stall-then-finish.sh", """
            if [ "$ORCHESTRATE_ATTEMPT" = 1 ]; then echo draft > notes.txt; exec sleep 30; fi
            git add notes.txt && git commit -q -m notes
            """)
        try repo.setConfig(["agent": [
            "command": [agent], "heartbeatSeconds": 1, "stallSeconds": 2, "onStall": "restart", "maxAttempts": 2,
        ]])
        try repo.orchestrateOK("add", "Stall once")
        repo.setEnv("ORCHESTRATE_TEST_PAUSE", "before-stall-requeue")
        let up = try repo.orchestrateInBackground("up")
        repo.setEnv("ORCHESTRATE_TEST_PAUSE", nil)
        #expect(eventually(within: 30) { readText(up.errFile).contains("paused at before-stall-requeue") })
        up.signal(SIGKILL)
        _ = up.wait()
        #expect(try repo.taskJSON("T1")["state"] as? String == "running")
        let again = try repo.orchestrate("up")
        #expect(again.status == 0, "\(again)")
        #expect(try repo.taskJSON("T1")["state"] as? String == "submitted")
        #expect(try repo.subjects("orchestrate/T1").last == "notes", "the draft left by the stalled attempt was kept")
    }
}
