import Foundation
import OrchestrateTestSupport
import Testing

/// `git orchestrate mcp` driven by the official MCP Python SDK over stdio, as an agent would.
@Suite("mcp with the Python SDK")
struct MCPPythonClientTests {
    typealias Object = [String: Any]

    /// The CLI's `error: …` sentence, without the prefix, for comparing with a tool error.
    func cliError(_ repo: TestRepo, _ args: String...) throws -> String {
        let result = try repo.orchestrateArgs(args)
        #expect(result.status == 2, "\(result)")
        return result.stderr.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "error: ", with: "")
    }

    @Test("initialize, list tools, add, claim, progress, bad ids: results are the CLI's documents, errors its sentences")
    func claimAndErrors() throws {
        guard PythonMCPSDK.python != nil else { return }
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "First")
        try repo.orchestrateOK("add", "Second", "--depends-on", "T1")
        let report = try PythonMCPSDK.run("claim", repo: repo)
        func call(_ name: String) throws -> Object { try #require(report[name] as? Object, "\(name) in \(report)") }
        func structured(_ name: String) throws -> Object { try #require(try call(name)["structured"] as? Object) }

        #expect(report["serverName"] as? String == "git-orchestrate")
        #expect(report["tools"] as? [String] == [
            "add_task", "claim_next_task", "get_status", "get_task", "heartbeat", "list_tasks", "report_progress",
            "review_task", "submit_task",
        ])
        let schemas = try #require(report["schemas"] as? Object)
        let progressSchema = try #require(schemas["report_progress"] as? Object)
        #expect(progressSchema["required"] as? [String] == ["message"])

        let added = try structured("added")
        #expect(added["id"] as? String == "T3")
        #expect(added["priority"] as? String == "high")
        #expect(added["paths"] as? [String] == ["src/**"])
        let listed = try #require(try structured("list")["tasks"] as? [Object])
        #expect(listed.compactMap { $0["id"] as? String } == ["T1", "T2", "T3"])

        // The urgent-most ready task is claimed and started: its worktree exists, the prompt is its text.
        let claim = try structured("claim")
        #expect(claim["id"] as? String == "T3")
        #expect(claim["state"] as? String == "running")
        #expect(claim["claimedBy"] as? String == "py-agent")
        let worktree = try #require(claim["worktree"] as? String)
        #expect(FileManager.default.fileExists(atPath: worktree + "/README.md"))
        #expect((claim["prompt"] as? String)?.hasPrefix("# From MCP\n") == true)
        #expect(try repo.revParse("orchestrate/T3") == claim["base"] as? String)

        // get_task is `show --format json`, field for field.
        // (The history has grown since by the progress report from the worktree.)
        var shown = try repo.taskJSON("T3"), got = try structured("get")
        let shownHistory = try #require(shown.removeValue(forKey: "history") as? [Object])
        let gotHistory = try #require(got.removeValue(forKey: "history") as? [Object])
        #expect(NSDictionary(dictionary: got) == NSDictionary(dictionary: shown))
        #expect(NSArray(array: gotHistory) == NSArray(array: Array(shownHistory.prefix(gotHistory.count))))
        let status = try structured("status")
        #expect((status["counts"] as? Object)?["running"] as? Int == 1)

        // Errors are tool errors carrying the CLI's sentence.
        #expect(try call("unknownID")["isError"] as? Bool == true)
        #expect(try call("unknownID")["text"] as? String == (try cliError(repo, "show", "T404")))
        #expect(try call("invalidID")["text"] as? String == (try cliError(repo, "show", "../etc")))
        #expect(try call("wrongState")["text"] as? String == (try cliError(repo, "submit", "T1")))
        for name in ["heartbeatUnsupervised", "missingID", "unknownArgument", "badState", "unknownTool", "badAdd"] {
            #expect(try call(name)["isError"] as? Bool == true, "\(name)")
        }
        #expect((try call("heartbeatUnsupervised")["text"] as? String)?.contains("has no agent run in progress") == true)
        #expect((try call("unknownTool")["text"] as? String)?.hasPrefix("there is no tool approve_task") == true)
        #expect((try call("badAdd")["text"] as? String)?.contains("field dependsOn: there is no task nope") == true)
        #expect(try repo.orchestrateOK("list", "--state", "queued", "--format", "json").contains("\"X\"") == false)

        let resources = try #require(report["resources"] as? [String])
        #expect(resources.contains("orchestrate://tasks/T3/prompt"))
        #expect(resources.contains("orchestrate://tasks/T3/review"))
        #expect((report["promptResource"] as? String)?.hasPrefix("# From MCP") == true)
        #expect((report["badResource"] as? String)?.contains("there is no task T404") == true)

        // The audit trail holds what the agent did, and its chain is intact.
        let events = try #require(try TestRepo.json(repo.orchestrateOK("log", "--task", "T3", "--format", "json")) as? [Object])
        #expect(try call("fromWorktree")["isError"] as? Bool == false, "\(report["fromWorktree"] ?? "")")
        #expect(events.compactMap { $0["kind"] as? String } == ["added", "claimed", "started", "progress", "progress"])
        #expect(events.compactMap { ($0["detail"] as? Object)?["message"] as? String } == ["halfway there", "from the worktree"])
        #expect(try repo.orchestrate("audit", "verify").status == 0)
    }

    @Test("an agent under `run` reaches its own task without ids: heartbeat, progress, submit")
    func agentUnderRun() throws {
        guard let python = PythonMCPSDK.python else { return }
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Agent task")
        let run = try repo.orchestrate("run", "T1", "--", python, PythonMCPSDK.clientScript, orchestrateBinary, "agent")
        #expect(run.status == 0, "\(run)")
        let log = try repo.orchestrateOK("logs", "T1")
        let line = try #require(log.split(separator: "\n").last { $0.hasPrefix("{") }, "\(log)")
        let report = try #require(try TestRepo.json(String(line)) as? Object)
        func call(_ name: String) throws -> Object { try #require(report[name] as? Object, "\(name) in \(report)") }
        for name in ["heartbeat", "progress", "submit", "review"] {
            #expect(try call(name)["isError"] as? Bool == false, "\(name): \(report[name] ?? "")")
        }
        let submitted = try #require(try call("submit")["structured"] as? Object)
        #expect(submitted["id"] as? String == "T1")
        #expect(submitted["state"] as? String == "submitted")
        let review = try #require(try call("review")["structured"] as? Object)
        #expect((review["files"] as? [Object])?.compactMap { $0["path"] as? String } == ["agent.txt"])

        #expect(try repo.taskJSON("T1")["state"] as? String == "submitted")
        let events = try #require(try TestRepo.json(repo.orchestrateOK("log", "--task", "T1", "--format", "json")) as? [Object])
        let kinds = events.compactMap { $0["kind"] as? String }
        #expect(kinds.contains("runStarted") && kinds.contains("submitted") && kinds.contains("runEnded"), "\(kinds)")
        let progress = events.first { ($0["detail"] as? Object)?["message"] as? String == "wrote the change" }
        #expect(progress?["kind"] as? String == "progress")
        #expect(try repo.orchestrate("audit", "verify").status == 0)
    }
}
