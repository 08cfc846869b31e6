import ArgumentParser
import OrchestrateCore

struct NextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "Claim and start the highest-priority ready task.",
        discussion: "Exits 1 with a message on stderr when no task is ready.")

    @Option(name: .long, help: "Who claims the task (recorded in the audit trail).")
    var agent: String?

    @OptionGroup var output: FormatOption

    func run() throws {
        guard let task = try Live.orchestrator().claimNext(agent: agent) else {
            Live.err("no task is ready: every queued task waits on a dependency, or the queue is empty (see `git orchestrate status`)")
            throw ExitCode(1)
        }
        switch output.format {
        case .json: Live.json(task.json)
        case .table: Live.out("\(task.id)\t\(task.worktree ?? "")")
        }
    }
}
