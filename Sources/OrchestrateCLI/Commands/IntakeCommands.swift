import ArgumentParser
import OrchestrateCore
import OrchestrateModel

extension CLI {
    /// The agents' interface and task intake: the MCP server, templates, edit.
    static let intakeCommands: [any ParsableCommand.Type] = [MCPCommand.self, EditCommand.self, TemplatesCommand.self]
}

struct EditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change a task that has not landed; each change is audited.",
        discussion: "Prints the task (its JSON object with --format json). Dependency cycles and unknown ids are refused (exit 2).")

    @Argument(help: "The task id.", completion: .taskIDs)
    var id: String

    @Option(name: .long, help: "A new title.")
    var title: String?

    @Option(name: .long, help: "A new description.")
    var description: String?

    @Option(name: .long, help: "low, normal, high or urgent.")
    var priority: TaskPriority?

    @Option(name: .customLong("depends-on"), help: "Add a dependency (repeatable).")
    var dependsOn: [String] = []

    @Option(name: .customLong("no-depends-on"), help: "Remove a dependency (repeatable).")
    var noDependsOn: [String] = []

    @Option(name: .long, help: "The path globs the task may touch, replacing the old ones (repeatable).")
    var paths: [String] = []

    @OptionGroup var output: FormatOption

    func run() throws {
        let task = try Live.orchestrator().editTask(
            id,
            TaskEdit(
                title: title, description: description, priority: priority, addDependencies: dependsOn,
                removeDependencies: noDependsOn, paths: paths.isEmpty ? nil : paths))
        switch output.format {
        case .json: Live.json(task.json)
        case .table:
            Live.out("\(task.id)  \(task.state.rawValue)  \(task.priority.name)  depends on \(Short.list(task.dependsOn))  \(task.title)")
        }
    }
}

struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates", abstract: "List the task templates of .augment-orchestrator.json.")

    @OptionGroup var output: FormatOption

    func run() throws {
        let templates = try Live.orchestrator().config.templates.values.sorted { $0.name < $1.name }
        switch output.format {
        case .json:
            Live.json(.array(templates.map { t in
                [
                    "name": .string(t.name), "title": .string(t.title), "description": .optional(t.description),
                    "priority": .optional(t.priority?.name), "paths": .array(t.paths.map(JSONValue.string)),
                    "parameters": .array(t.parameters.map(JSONValue.string)),
                    "agentCommand": t.agentCommand.map { .array($0.map(JSONValue.string)) } ?? .null,
                ]
            }))
        case .table:
            var table = Table("NAME", "PRIORITY", "PARAMETERS", "TITLE")
            for t in templates {
                table.add(t.name, t.priority?.name ?? "-", t.parameters.isEmpty ? "-" : t.parameters.joined(separator: ","), t.title)
            }
            Live.out(templates.isEmpty ? "no templates; add some under `templates` in \(Config.fileName)" : table.text)
        }
    }
}
