import ArgumentParser
import Foundation
import OrchestrateCore

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the agent on a task in its worktree, under supervision.",
        discussion: """
            Starts the task first when it is queued. The agent is `agent.command` from the
            configuration, or CMD ARGS after `--` (no shell: each argument is passed as is;
            {id}, {title}, {worktree}, {promptFile} are substituted). Prints the outcome:
            completed, noChanges, failed, crashed, timedOut, disconnected or interrupted.
            Exits 0 for completed and noChanges, 1 otherwise.
            """)

    @Argument(help: "The task id.", completion: .taskIDs)
    var id: String

    @Argument(parsing: .postTerminator, help: "The agent command (after `--`) instead of agent.command.")
    var command: [String] = []

    @OptionGroup var output: FormatOption

    func run() throws {
        let orchestrator = try Live.orchestrator()
        let view = AgentProgressView(context: Live.context)
        let result = try orchestrator.runTask(id, command: command.isEmpty ? nil : command, observer: view.observer)
        view.finish()
        switch output.format {
        case .json: Live.json(result.json)
        case .table: Live.out(result.summary)
        }
        if !(result.run.outcome?.isSuccess ?? false) { throw ExitCode(1) }
    }
}
