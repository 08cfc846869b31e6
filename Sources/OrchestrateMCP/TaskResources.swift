import Foundation
import MCP
import OrchestrateCore
import OrchestrateModel

/// Each task's prompt and review as readable resources:
/// `orchestrate://tasks/<id>/prompt` (Markdown) and `orchestrate://tasks/<id>/review` (JSON).
enum TaskResources {
    static let scheme = "orchestrate://tasks/"

    static let templates: [Resource.Template] = [
        Resource.Template(
            uriTemplate: scheme + "{id}/prompt", name: "task-prompt",
            description: "The prompt an agent working on the task gets.", mimeType: "text/markdown"),
        Resource.Template(
            uriTemplate: scheme + "{id}/review", name: "task-review",
            description: "The task's change as `review --format json` shows it.", mimeType: "application/json"),
    ]

    /// The resources of the tasks that are not finished (a finished task's can still be read).
    static func list(_ orchestrator: Orchestrator) throws -> [Resource] {
        let active = try orchestrator.listTasks(states: TaskState.allCases.filter { !$0.isFinished })
        return active.flatMap { task -> [Resource] in
            var resources = [
                Resource(
                    name: "\(task.id) prompt", uri: scheme + "\(task.id)/prompt", title: task.title,
                    mimeType: "text/markdown")
            ]
            if task.base != nil {
                resources.append(Resource(
                    name: "\(task.id) review", uri: scheme + "\(task.id)/review", title: task.title,
                    mimeType: "application/json"))
            }
            return resources
        }
    }

    static func read(_ uri: String, _ orchestrator: Orchestrator) throws -> Resource.Content {
        guard uri.hasPrefix(scheme) else {
            throw OrchestrateError.badInput("\(uri) is not a resource of this server; use \(scheme)<id>/prompt or /review")
        }
        let parts = uri.dropFirst(scheme.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw OrchestrateError.badInput("\(uri) is not a resource of this server; use \(scheme)<id>/prompt or /review")
        }
        let id = String(parts[0])
        switch parts[1] {
        case "prompt":
            return .text(try orchestrator.promptText(id), uri: uri, mimeType: "text/markdown")
        case "review":
            return .text(try orchestrator.reviewTask(id, includePatch: false).json.prettyText, uri: uri, mimeType: "application/json")
        default:
            throw OrchestrateError.badInput("\(uri) is not a resource of this server; use \(scheme)\(id)/prompt or /review")
        }
    }
}
