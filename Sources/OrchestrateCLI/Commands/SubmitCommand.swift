import ArgumentParser
import OrchestrateCore

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit", abstract: "Mark the task ready for review at its current head.")

    @Argument(help: "The task id.", completion: .taskIDs)
    var id: String

    func run() throws {
        let task = try Live.orchestrator().submitTask(id)
        Live.out("submitted \(task.id) at \(Short.oid(task.head)); review it with `git orchestrate review \(task.id)`")
    }
}
