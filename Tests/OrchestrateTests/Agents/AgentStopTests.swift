import Foundation
import OrchestrateTestSupport
import Testing

@Suite("agents stopped by cancel and reject")
struct AgentStopTests {
    @Test("cancel and reject stop a running agent before keeping its work", arguments: ["cancel", "reject"])
    func stopsAgent(command: String) throws {
        let repo = try TestRepo.withAgent(["heartbeatSeconds": 1])
        let pidFile = repo.scratch + "/agent.pid"
        let agent = try repo.agentScript("busy.sh", "echo $$ > \(pidFile)\necho draft > draft.txt\nsleep 30\n")
        try repo.orchestrateOK("add", "Busy")
        let supervisor = try repo.orchestrateInBackground("run", "T1", "--", agent)
        #expect(eventually(within: 10) { !readText(pidFile).isEmpty })
        let agentPid = try #require(Int32(readText(pidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(eventually(within: 5) { FileManager.default.fileExists(atPath: repo.worktreeRoot + "/T1/draft.txt") })

        let args = command == "cancel" ? ["cancel", "T1"] : ["reject", "T1", "--reason", "stop"]
        let result = try repo.orchestrateArgs(args)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("stopped the agent of T1"))
        #expect(!processIsAlive(agentPid))
        _ = supervisor.wait()
        // The agent's draft is kept, and the task stays where the user put it.
        #expect(try repo.git("show", "refs/orchestrate/rejected/T1/1:draft.txt") == "draft\n")
        #expect(try repo.taskJSON("T1")["state"] as? String == (command == "cancel" ? "cancelled" : "rejected"))
        let runs = try repo.runs("T1")
        #expect(runs.count == 1)
        #expect(runs.first?["endedAt"] is String)
    }
}
