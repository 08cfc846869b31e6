import Foundation
import MCP
import OrchestrateCore
import OrchestrateModel

/// One tool of the server: its advertised definition and what a call does. `run` gets a freshly
/// opened orchestrator (libgit2 handles are not shared between concurrent calls) and returns
/// the same JSON document the CLI prints with `--format json`.
struct OrchestrateTool: Sendable {
    let name: String
    let description: String
    let properties: [String: Value]
    let required: [String]
    let readOnly: Bool
    /// Whether a missing `id` means the task of the agent this server was started for.
    let idFromEnvironment: Bool
    let run: @Sendable (ToolArguments, Orchestrator) throws -> JSONValue

    var definition: Tool {
        Tool(
            name: name, description: description,
            inputSchema: .object([
                "type": "object", "properties": .object(properties), "required": .array(required.map(Value.string)),
                "additionalProperties": false,
            ]),
            annotations: .init(readOnlyHint: readOnly, destructiveHint: false, openWorldHint: false))
    }
}

private let idProperty: Value = ["type": "string", "description": "The task id, e.g. T3."]
private let agentIDProperty: Value = [
    "type": "string",
    "description": "The task id; may be left out when the server was started by `git orchestrate run`/`up` (ORCHESTRATE_TASK_ID) or in the task's worktree.",
]
private let stringArray: Value = ["type": "array", "items": ["type": "string"]]

/// The tools, in the order `tools/list` gives them. Approving is deliberately absent: an agent
/// must not be able to approve work (its own or another agent's); approvals come from people,
/// through `git orchestrate approve` (docs/agents.md).
let orchestrateTools: [OrchestrateTool] = [
    OrchestrateTool(
        name: "list_tasks", description: "List tasks, optionally only those in one state (the document of `list --format json`, under `tasks`).",
        properties: ["state": ["type": "string", "enum": .array(TaskState.allCases.map { .string($0.rawValue) })]],
        required: [], readOnly: true, idFromEnvironment: false
    ) { args, orchestrator in
        var states: [TaskState] = []
        if let text = try args.string("state") {
            guard let state = TaskState(rawValue: text) else {
                throw OrchestrateError.badInput(
                    "\(text.debugDescription) is not a task state; use one of \(TaskState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            states = [state]
        }
        return .array(try orchestrator.listTasks(states: states).map(\.json))
    },
    OrchestrateTool(
        name: "get_task", description: "One task with its history (the document of `show <id> --format json`).",
        properties: ["id": idProperty], required: ["id"], readOnly: true, idFromEnvironment: false
    ) { args, orchestrator in
        try orchestrator.showTask(args.taskID(defaultingToEnvironment: false)).json(now: orchestrator.context.now())
    },
    OrchestrateTool(
        name: "add_task",
        description: "Queue a task. Takes the fields of a task-file entry (docs/task-file.schema.json); returns the task object.",
        properties: [
            "id": idProperty, "title": ["type": "string"], "description": ["type": "string"],
            "priority": ["type": "string", "enum": .array(TaskPriority.allCases.map { .string($0.name) })],
            "dependsOn": stringArray, "paths": stringArray, "template": ["type": "string"],
            "params": ["type": "object", "additionalProperties": ["type": "string"]],
        ],
        required: [], readOnly: false, idFromEnvironment: false
    ) { args, orchestrator in
        let entry = try TaskFileEntry(args.json, label: "add_task")
        guard let task = try orchestrator.addTasks([entry]).first else { preconditionFailure("one entry, one task") }
        return task.json
    },
    OrchestrateTool(
        name: "claim_next_task",
        description: "Atomically claim and start the highest-priority ready task: the task object (with its `worktree`) plus `prompt`, the text to work from.",
        properties: ["agent": ["type": "string", "description": "Who claims the task (recorded in the audit trail)."]],
        required: [], readOnly: false, idFromEnvironment: false
    ) { args, orchestrator in
        guard let task = try orchestrator.claimNext(agent: args.string("agent")) else {
            throw OrchestrateError.failed(
                "no task is ready: every queued task waits on a dependency, or the queue is empty (see get_status)")
        }
        // Read back: the worktree's checkout hooks may have touched the row since the claim.
        let current = try orchestrator.task(task.id.rawValue)
        guard case .object(var fields) = current.json else { return current.json }
        fields["prompt"] = .string(try orchestrator.promptText(task.id.rawValue))
        return .object(fields)
    },
    OrchestrateTool(
        name: "heartbeat", description: "Report that the agent supervised on a task is alive; returns its run.",
        properties: ["id": agentIDProperty], required: [], readOnly: false, idFromEnvironment: true
    ) { args, orchestrator in
        try orchestrator.recordHeartbeat(args.taskID(defaultingToEnvironment: true, orchestrator: orchestrator)).json
    },
    OrchestrateTool(
        name: "report_progress",
        description: "Record a free-text progress message on a running task (a `progress` event in the audit trail).",
        properties: ["id": agentIDProperty, "message": ["type": "string"]], required: ["message"], readOnly: false,
        idFromEnvironment: true
    ) { args, orchestrator in
        try orchestrator.reportProgress(args.taskID(defaultingToEnvironment: true, orchestrator: orchestrator), message: args.requiredString("message")).json
    },
    OrchestrateTool(
        name: "submit_task", description: "Mark the task ready for review at its branch's current head; returns the task object.",
        properties: ["id": agentIDProperty], required: [], readOnly: false, idFromEnvironment: true
    ) { args, orchestrator in
        try orchestrator.submitTask(args.taskID(defaultingToEnvironment: true, orchestrator: orchestrator)).json
    },
    OrchestrateTool(
        name: "review_task",
        description: "A task's change: commits, files with counts, approvals, conflicts and checks (`review --format json`).",
        properties: ["id": idProperty, "patch": ["type": "boolean", "description": "Include the diff against the base."]],
        required: ["id"], readOnly: true, idFromEnvironment: false
    ) { args, orchestrator in
        try orchestrator.reviewTask(args.taskID(defaultingToEnvironment: false), includePatch: args.bool("patch")).json
    },
    OrchestrateTool(
        name: "get_status", description: "Target tip, tasks by state, ready tasks, running agents, merge order (`status --format json`).",
        properties: [:], required: [], readOnly: true, idFromEnvironment: false
    ) { _, orchestrator in
        try orchestrator.status().json(now: orchestrator.context.now())
    },
]
