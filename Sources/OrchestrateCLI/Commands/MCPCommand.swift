import ArgumentParser
import Foundation
import OrchestrateCore
import OrchestrateMCP

struct MCPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the tasks to agents over MCP (stdio).",
        discussion: """
            Tools: list_tasks, get_task, add_task, claim_next_task, heartbeat, report_progress,
            submit_task, review_task, get_status; resources: each task's prompt and review. Started
            by an agent under `run`/`up`, heartbeat, report_progress and submit_task default to its
            task ($ORCHESTRATE_TASK_ID). See docs/agents.md.
            """)

    func run() throws {
        // Refuse at once (exit 2) outside an initialised repository, rather than on every call.
        _ = try Live.orchestrator()
        let environment = Live.context.environment
        let finished = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task {
            do {
                try await OrchestrateMCPServer.serve(environment: environment, version: CLI.version)
            } catch {
                failure.set("\(error)")
            }
            finished.signal()
        }
        finished.wait()
        if let message = failure.get() { throw OrchestrateError.failed("the MCP server stopped: \(message)") }
    }
}

/// The server task's failure, handed to the waiting command thread.
private final class FailureBox: @unchecked Sendable {
    // @unchecked: written once by the server task before it signals, read after the wait.
    private var message: String?
    func set(_ text: String) { message = text }
    func get() -> String? { message }
}
