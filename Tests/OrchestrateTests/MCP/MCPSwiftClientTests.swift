import Foundation
import MCP
import OrchestrateTestSupport
import SystemPackage
import Testing

/// `git orchestrate mcp` as a child process, spoken to by the Swift SDK's own client.
@Suite("mcp with the Swift SDK client")
struct MCPSwiftClientTests {
    @Test("tools, structured results equal to the CLI's JSON, tool errors, resources")
    func swiftClient() async throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Swift side", "--priority", "urgent")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: orchestrateBinary)
        process.arguments = ["mcp"]
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        process.environment = repo.environment
        let toServer = Pipe(), fromServer = Pipe()
        process.standardInput = toServer
        process.standardOutput = fromServer
        try process.run()
        defer {
            try? toServer.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        let transport = StdioTransport(
            input: FileDescriptor(rawValue: fromServer.fileHandleForReading.fileDescriptor),
            output: FileDescriptor(rawValue: toServer.fileHandleForWriting.fileDescriptor))
        let client = Client(name: "swift-test", version: "1")
        let initialized = try await client.connect(transport: transport)
        #expect(initialized.serverInfo.name == "git-orchestrate")

        let tools = try await client.listTools().tools.map(\.name)
        #expect(Set(tools) == [
            "list_tasks", "get_task", "add_task", "claim_next_task", "heartbeat", "report_progress", "submit_task",
            "review_task", "get_status",
        ])
        #expect(!tools.contains { $0.contains("approve") })

        let claimed = try await client.send(CallTool.request(.init(name: "claim_next_task", arguments: ["agent": "swift"]))).value
        #expect(claimed.isError == false)
        guard case .object(var claim)? = claimed.structuredContent else {
            Issue.record("no structured content: \(claimed)")
            return
        }
        #expect(claim.removeValue(forKey: "prompt")?.stringValue?.hasPrefix("# Swift side") == true)
        // The structured result is `next --format json`'s task object (as `list` shows it).
        let listed = try #require(try TestRepo.json(repo.orchestrateOK("list", "--format", "json")) as? [[String: Any]])
        let fromCLI = try JSONSerialization.data(withJSONObject: listed[0], options: [.sortedKeys])
        let fromMCP = try JSONSerialization.data(
            withJSONObject: JSONSerialization.jsonObject(with: JSONEncoder().encode(Value.object(claim))), options: [.sortedKeys])
        #expect(String(decoding: fromMCP, as: UTF8.self) == String(decoding: fromCLI, as: UTF8.self))

        let none = try await client.send(CallTool.request(.init(name: "claim_next_task"))).value
        #expect(none.isError == true)
        #expect(none.content.description.contains("no task is ready"))

        // Calls run concurrently in the server: five claims at once for four tasks give four
        // distinct tasks, each with its own worktree, and one "no task is ready".
        for n in 1...4 { try repo.orchestrateOK("add", "Parallel \(n)") }
        var requests: [RequestContext<CallTool.Result>] = []
        for n in 1...5 {
            requests.append(try await client.send(
                CallTool.request(.init(name: "claim_next_task", arguments: ["agent": .string("a\(n)")]))))
        }
        var claimedIDs: [String] = []
        var refused = 0
        for request in requests {
            let result = try await request.value
            if result.isError == true { refused += 1; continue }
            if case .object(let fields)? = result.structuredContent, let id = fields["id"]?.stringValue {
                claimedIDs.append(id)
                #expect(FileManager.default.fileExists(atPath: repo.worktreeRoot + "/" + id + "/README.md"))
            }
        }
        #expect(claimedIDs.sorted() == ["T2", "T3", "T4", "T5"])
        #expect(refused == 1)
        #expect(try repo.orchestrate("audit", "verify").status == 0)

        let contents = try await client.readResource(uri: "orchestrate://tasks/T1/review")
        let review = try #require(contents.first?.text)
        #expect(review.contains("\"commits\" : [") || review.contains("\"commits\": ["))
        await client.disconnect()
    }
}
