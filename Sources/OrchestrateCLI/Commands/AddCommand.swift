import ArgumentParser
import Foundation
import OrchestrateCore
import OrchestrateModel

struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Queue a task; prints its id.")

    @Argument(help: "What the task is about (with --template: overrides the template's title).")
    var title: String?

    @Option(name: .long, help: "The task id (default: T1, T2, …).")
    var id: String?

    @Option(name: .long, help: "A longer description, handed to the agent.")
    var description: String?

    @Option(name: .customLong("description-file"), help: "Read the description from a file.")
    var descriptionFile: String?

    @Option(name: .long, help: "low, normal (default), high or urgent.")
    var priority: TaskPriority?

    @Option(name: .customLong("depends-on"), help: "A task that must land first (repeatable).")
    var dependsOn: [String] = []

    @Option(name: .long, help: "A glob of the paths the task may touch (repeatable).")
    var paths: [String] = []

    @OptionGroup var intake: AddIntakeOptions

    func validate() throws {
        if description != nil && descriptionFile != nil {
            throw ValidationError("pass either --description or --description-file, not both")
        }
        try intake.validate(self)
    }

    func run() throws {
        if try intake.run(self) { return }
        guard let title else { throw ValidationError("add needs a title: git orchestrate add <title>") }
        let task = try Live.orchestrator().addTask(
            NewTask(
                title: title, id: id, description: try descriptionText(), priority: priority ?? .normal,
                dependsOn: dependsOn, paths: paths))
        Live.out(task.id.rawValue)
    }

    /// `--description`, or the contents of `--description-file`.
    func descriptionText() throws -> String? {
        guard let descriptionFile else { return description }
        guard let data = FileManager.default.contents(atPath: descriptionFile),
            let contents = String(data: data, encoding: .utf8)
        else {
            throw OrchestrateError.badInput("cannot read the description file \(descriptionFile); check the path")
        }
        return contents
    }
}
