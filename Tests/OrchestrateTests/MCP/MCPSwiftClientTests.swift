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

        let contents = try await client.readResource(uri: "orchestrate://tasks/T1/review")
        let review = try #require(contents.first?.text)
        #expect(review.contains("\"commits\" : [") || review.contains("\"commits\": ["))
        await client.disconnect()
    }
}
