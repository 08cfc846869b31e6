import Foundation
import MCP
import OrchestrateCore
import OrchestrateModel

/// The arguments of one tool call, checked against what the tool takes: an unknown argument or
/// a wrong type is a tool error naming it, never a crash.
struct ToolArguments {
    let tool: String
    let values: [String: Value]
    /// `ORCHESTRATE_TASK_ID`, when the server was started by an agent that `run`/`up` supervises.
    let taskFromEnvironment: String?

    init(tool: String, values: [String: Value]?, allowed: Set<String>, taskFromEnvironment: String?) throws {
        self.tool = tool
        self.values = values ?? [:]
        self.taskFromEnvironment = taskFromEnvironment
        if let unknown = self.values.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw OrchestrateError.badInput(
                "\(tool) takes no argument \(unknown); it takes \(allowed.isEmpty ? "none" : allowed.sorted().joined(separator: ", "))")
        }
    }

    func string(_ name: String) throws -> String? {
        guard let value = values[name], value != .null else { return nil }
        guard let text = value.stringValue else {
            throw OrchestrateError.badInput("\(tool): argument \(name) must be a string")
        }
        return text
    }

    func bool(_ name: String) throws -> Bool {
        guard let value = values[name], value != .null else { return false }
        guard let flag = value.boolValue else { throw OrchestrateError.badInput("\(tool): argument \(name) must be true or false") }
        return flag
    }

    func requiredString(_ name: String) throws -> String {
        guard let text = try string(name) else { throw OrchestrateError.badInput("\(tool) needs the argument \(name)") }
        return text
    }

    /// The task the call is about: `id`, else (for an agent's own calls) the task of the agent
    /// this server runs for — `ORCHESTRATE_TASK_ID`, or the task whose worktree the server was
    /// started in (many MCP clients pass the server only a few environment variables).
    func taskID(defaultingToEnvironment: Bool, orchestrator: Orchestrator? = nil) throws -> String {
        if let id = try string("id") { return id }
        if defaultingToEnvironment {
            if let id = taskFromEnvironment, !id.isEmpty { return id }
            if let id = try orchestrator?.taskOfCurrentWorktree() { return id.rawValue }
        }
        throw OrchestrateError.badInput(
            "\(tool) needs the argument id (the task id)\(defaultingToEnvironment ? ", or a server started by `git orchestrate run`/`up` (ORCHESTRATE_TASK_ID) or in a task's worktree" : "")")
    }

    /// The arguments as one JSON object (for `add_task`, which takes a task-file entry).
    var json: JSONValue { .object(values.mapValues { JSONValue(mcp: $0) }) }
}
