import Foundation
import OrchestrateTestSupport
import Testing

@Suite("agent supervision")
struct AgentSupervisionTests {
    @Test("a supervisor killed with SIGKILL leaves a run that status reports disconnected")
    func disconnected() throws {
        let repo = try TestRepo.withAgent(["heartbeatSeconds": 1])
        let pidFile = repo.scratch + "/agent.pid"
        let agent = try repo.agentScript("sleepy.sh", "echo $$ > \(pidFile)\nsleep 30\n")
        try repo.orchestrateOK("add", "Orphaned")
        let supervisor = try repo.orchestrateInBackground("run", "T1", "--", agent)
        #expect(eventually(within: 10) { !readText(pidFile).isEmpty })
        let agentPid = try #require(Int32(readText(pidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        supervisor.signal(SIGKILL)
        _ = supervisor.wait()
        #expect(processIsAlive(agentPid), "the agent lives on in its own process group")

        // Within the heartbeat window the run still counts as someone else's.
        var lastStatus: ProcessResult?
        let reported = try eventually(within: 10) {
            let status = try repo.orchestrate("status", "--format", "json")
            lastStatus = status
            let report = try TestRepo.json(status.stdout) as? [String: Any]
            let lastRuns = report?["lastRuns"] as? [String: [String: Any]]
            return lastRuns?["T1"]?["outcome"] as? String == "disconnected"
        }
        #expect(reported, "\(lastStatus.map(\.description) ?? "")")
        let stderr = lastStatus?.stderr ?? ""
        #expect(stderr.contains("the agent run of T1 (attempt 1) is disconnected"))
        #expect(stderr.contains("stopped its agent process group \(agentPid)"))
        #expect(eventually(within: 5) { !processIsAlive(agentPid) })
        #expect(try repo.taskJSON("T1")["state"] as? String == "queued")
        let kinds = try repo.eventKinds("T1")
        #expect(kinds.contains("heartbeatLost") && kinds.contains("requeued"))
        // The table says so too.
        let table = try repo.orchestrateOK("status")
        #expect(table.contains("T1    1        disconnected"))
    }

    @Test("doctor and next find a disconnected run too", arguments: ["doctor", "next"])
    func disconnectedFoundBy(_ command: String) throws {
        let repo = try TestRepo.withAgent(["heartbeatSeconds": 1])
        let pidFile = repo.scratch + "/agent.pid"
        let agent = try repo.agentScript("sleepy.sh", "echo $$ > \(pidFile)\nsleep 30\n")
        try repo.orchestrateOK("add", "Orphaned")
        let supervisor = try repo.orchestrateInBackground("run", "T1", "--", agent)
        #expect(eventually(within: 10) { !readText(pidFile).isEmpty })
        let agentPid = try #require(Int32(readText(pidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        supervisor.signal(SIGKILL)
        _ = supervisor.wait()
        usleep(2_500_000)  // past 2 × heartbeatSeconds
        let result = try repo.orchestrate(command)
        #expect(eventually(within: 2) { !processIsAlive(agentPid) }, "\(result)")
        if command == "doctor" {
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("repaired: the agent run of T1 (attempt 1) had lost its supervisor; recorded it as disconnected and the task is now queued"))
        } else {
            // The lost task went back to the queue first, so `next` hands it out again.
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.hasPrefix("T1\t"))
            #expect(try repo.taskJSON("T1")["state"] as? String == "running")
        }
        #expect(try repo.runs("T1").first?["outcome"] as? String == "disconnected")
    }

    @Test("up --max 2 over five tasks never runs more than two agents at once")
    func upRespectsMax() throws {
        let repo = try TestRepo.withAgent(["heartbeatSeconds": 1])
        let timeline = repo.scratch + "/timeline.txt"
        let agent = try repo.agentScript("work.sh", """
            echo "start $ORCHESTRATE_TASK_ID $(date +%s.%N)" >> \(timeline)
            sleep 0.6
            echo "$ORCHESTRATE_TASK_ID" > work.txt
            git add work.txt && git commit -q -m "work of $ORCHESTRATE_TASK_ID"
            echo "end $ORCHESTRATE_TASK_ID $(date +%s.%N)" >> \(timeline)
            """)
        try repo.setAgentConfig(["command": [agent], "maxConcurrent": 4])
        for i in 1...5 { try repo.orchestrateOK("add", "Task \(i)") }
        let result = try repo.orchestrate("up", "--max", "2")
        #expect(result.status == 0, "\(result)")

        let events = readText(timeline).split(separator: "\n").compactMap { line -> (Double, Int)? in
            let parts = line.split(separator: " ")
            guard parts.count == 3, let time = Double(parts[2]) else { return nil }
            return (time, parts[0] == "start" ? 1 : -1)
        }
        #expect(events.count == 10)
        // Ends sort before starts at the same instant: a slot freed is a slot taken.
        var running = 0
        var most = 0
        for event in events.sorted(by: { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }) {
            running += event.1
            most = max(most, running)
        }
        #expect(most == 2, "at most two at once, and two did run together: \(readText(timeline))")
        let list = try repo.orchestrateOK("list", "--format", "json")
        let states = ((try TestRepo.json(list) as? [[String: Any]]) ?? []).map { $0["state"] as? String }
        #expect(states == Array(repeating: "submitted", count: 5))
    }

    @Test("up retries a failed attempt and survives it; a second up finds nothing to do")
    func upRetries() throws {
        let repo = try TestRepo.withAgent([:])
        let marker = repo.scratch + "/failed-once"
        let agent = try repo.agentScript("flaky.sh", """
            if [ "$ORCHESTRATE_TASK_ID" = T1 ] && [ ! -e \(marker) ]; then touch \(marker); exit 7; fi
            echo ok > ok.txt && git add ok.txt && git commit -q -m ok
            """)
        try repo.setAgentConfig(["command": [agent], "maxAttempts": 3])
        try repo.orchestrateOK("add", "Flaky")
        try repo.orchestrateOK("add", "Steady")
        let result = try repo.orchestrate("up")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("T1 failed (exit 7): queued again"))
        #expect(try repo.taskJSON("T1")["state"] as? String == "submitted")
        #expect(try repo.taskJSON("T1")["attempts"] as? Int == 2)
        #expect(try repo.taskJSON("T2")["state"] as? String == "submitted")
        let again = try repo.orchestrate("up")
        #expect(again.status == 0)
        #expect(again.stderr.contains("nothing to do"))
    }

    @Test("a task run by a live supervisor is never run twice; heartbeat and logs --follow work meanwhile")
    func noDoubleRun() throws {
        let repo = try TestRepo.withAgent(["heartbeatSeconds": 1])
        let release = repo.scratch + "/release"
        let beat = repo.scratch + "/beat-status"
        let agent = try repo.agentScript("waits.sh", """
            echo waiting
            git-orchestrate heartbeat; echo $? > \(beat)
            while [ ! -e \(release) ]; do sleep 0.1; done
            echo released
            """)
        try repo.setAgentConfig(["command": [agent], "heartbeatSeconds": 1])
        try repo.orchestrateOK("add", "Long")
        let supervisor = try repo.orchestrateInBackground("run", "T1")
        #expect(eventually(within: 10) { readText(beat) == "0\n" })

        let second = try repo.orchestrate("run", "T1")
        #expect(second.status == 1)
        #expect(second.stderr.contains("task T1 is already being run (attempt 1"))
        let up = try repo.orchestrate("up")
        #expect(up.status == 0)
        #expect(up.stderr.contains("nothing to do"))
        let status = try repo.orchestrate("status", "--format", "json")
        let agents = (try TestRepo.json(status.stdout) as? [String: Any])?["agents"] as? [[String: Any]]
        #expect(agents?.map { $0["task"] as? String } == ["T1"])

        let follower = try repo.orchestrateInBackground("logs", "T1", "--follow")
        usleep(300_000)
        _ = FileManager.default.createFile(atPath: release, contents: nil)
        let ran = supervisor.wait()
        #expect(ran.status == 0, "\(ran)")
        #expect(ran.stdout.contains("T1 noChanges"))
        let followed = follower.wait()
        #expect(followed.status == 0)
        #expect(followed.stdout.contains("waiting") && followed.stdout.contains("released"))
        #expect(followed.stdout.contains("attempt 1 of T1 ended: noChanges"))

        let late = try repo.orchestrate("heartbeat", "T1")
        #expect(late.status == 2)
        #expect(late.stderr.contains("task T1 has no agent run in progress"))
    }

    @Test("Ctrl-C stops the agent gracefully, and run resumes it in the same worktree")
    func interrupted() throws {
        let repo = try TestRepo.withAgent([:])
        let pidFile = repo.scratch + "/agent.pid"
        let agent = try repo.agentScript("patient.sh", """
            echo $$ > \(pidFile)
            echo draft >> draft.txt
            sleep 30
            """)
        try repo.setAgentConfig(["command": [agent]])
        try repo.orchestrateOK("add", "Patient")
        let supervisor = try repo.orchestrateInBackground("run", "T1")
        #expect(eventually(within: 10) { !readText(pidFile).isEmpty })
        let agentPid = try #require(Int32(readText(pidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        supervisor.signal(SIGINT)
        let result = supervisor.wait()
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("T1 interrupted: stopped; its worktree is kept"))
        #expect(!processIsAlive(agentPid))
        let task = try repo.taskJSON("T1")
        #expect(task["state"] as? String == "running")
        let worktree = try #require(task["worktree"] as? String)
        #expect(repo.read("draft.txt", in: worktree) == "draft\n")

        // up resumes an interrupted task in its worktree.
        try? FileManager.default.removeItem(atPath: pidFile)
        try repo.setAgentConfig(["command": [try repo.agentScript("finish.sh", "git add -A && git commit -q -m done\n")]])
        let up = try repo.orchestrate("up")
        #expect(up.status == 0, "\(up)")
        #expect(try repo.taskJSON("T1")["state"] as? String == "submitted")
        #expect(try repo.runs("T1").map { $0["outcome"] as? String } == ["interrupted", "completed"])
    }
}
