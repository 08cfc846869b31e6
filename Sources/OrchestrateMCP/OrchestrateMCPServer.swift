import Foundation
import MCP
import OrchestrateCore
import OrchestrateModel

/// `git orchestrate mcp`: the MCP server agents talk to, over stdio, acting on the repository
/// around the current directory. Every call opens the repository afresh (calls may run
/// concurrently and libgit2 handles are not shared), and stdout belongs to the protocol alone:
/// whatever Core would print goes to stderr.
public enum OrchestrateMCPServer {
    /// Serves until the client closes stdin. `environment` supplies `ORCHESTRATE_TASK_ID` (the
    /// task of the agent that started the server, set by `run`/`up`) and everything Core reads.
    public static func serve(environment: [String: String], version: String) async throws {
        let server = Server(
            name: "git-orchestrate", version: version,
            instructions: """
                Tasks of one git repository, each worked on in its own worktree and branch. Claim work with \
                claim_next_task, work in the returned worktree, report_progress as you go, commit, then \
                submit_task. Approving is for people, not agents.
                """,
            capabilities: .init(resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: false)))
        let context = Context(
            environment: environment, clock: { Date() },
            stdout: { text in FileHandle.standardError.write(Data(text.utf8)) },
            stderr: { text in FileHandle.standardError.write(Data(text.utf8)) })
        let taskFromEnvironment = environment["ORCHESTRATE_TASK_ID"]
        let tools = Dictionary(uniqueKeysWithValues: orchestrateTools.map { ($0.name, $0) })

        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: orchestrateTools.map(\.definition))
        }
        await server.withMethodHandler(CallTool.self) { params in
            guard let tool = tools[params.name] else {
                return toolError("there is no tool \(params.name); the tools are \(orchestrateTools.map(\.name).joined(separator: ", "))")
            }
            do {
                let arguments = try ToolArguments(
                    tool: tool.name, values: params.arguments, allowed: Set(tool.properties.keys),
                    taskFromEnvironment: taskFromEnvironment)
                let document = try tool.run(arguments, Orchestrator.open(context))
                // MCP wants an object as structured content: a list goes under `tasks`. The text
                // is the CLI's document exactly.
                let structured: JSONValue = document.objectValue != nil ? document : ["tasks": document]
                let content: [Tool.Content] = [.text(text: document.prettyText, annotations: nil, _meta: nil)]
                let structuredValue: MCP.Value? = MCP.Value(json: structured)
                return CallTool.Result(content: content, structuredContent: structuredValue, isError: false)
            } catch let error as OrchestrateError {
                return toolError(error.message)
            } catch {
                return toolError("\(tool.name) failed: \(error)")
            }
        }
        await server.withMethodHandler(ListResources.self) { _ in
            ListResources.Result(resources: try TaskResources.list(Orchestrator.open(context)), nextCursor: nil)
        }
        await server.withMethodHandler(ListResourceTemplates.self) { _ in
            ListResourceTemplates.Result(templates: TaskResources.templates, nextCursor: nil)
        }
        await server.withMethodHandler(ReadResource.self) { params in
            do {
                return ReadResource.Result(contents: [try TaskResources.read(params.uri, Orchestrator.open(context))])
            } catch let error as OrchestrateError {
                throw MCPError.invalidParams(error.message)
            }
        }

        let transport = AnsweringTransport()
        try await server.start(transport: transport)
        await server.waitUntilCompleted()
        // stdin closed: let calls already under way answer before the process ends.
        await transport.drain()
        await server.stop()
    }

    static func toolError(_ message: String) -> CallTool.Result {
        CallTool.Result(content: [.text(text: message, annotations: nil, _meta: nil)], isError: true)
    }
}
