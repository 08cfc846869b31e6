import ArgumentParser
import OrchestrateCore

struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Create the task's worktree and branch; prints the worktree path.")

    @Argument(help: "The task id.", completion: .taskIDs)
    var id: String

    @Option(name: .long, help: "Start from this revision instead of the target tip.")
    var base: String?

    @Flag(name: .long, help: "Start from the branch head of the task's one unfinished dependency.")
    var stack = false

    func validate() throws {
        if base != nil && stack { throw ValidationError("pass either --base or --stack, not both") }
    }

    func run() throws {
        let task = try Live.orchestrator().startTask(id, base: base, stack: stack)
        Live.out(task.worktree ?? "")
    }
}
