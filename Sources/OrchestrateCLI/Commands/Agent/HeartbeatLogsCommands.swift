import ArgumentParser
import Foundation
import OrchestrateCore

struct HeartbeatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeat",
        abstract: "Report that the agent working on a task is alive (and, with --progress, what it did).",
        discussion: "Exits 2 when the task has no run in progress. Inside an agent, the id defaults to $ORCHESTRATE_TASK_ID.")

    @Argument(help: "The task id (default: $ORCHESTRATE_TASK_ID).", completion: .taskIDs)
    var id: String?

    @Option(name: .long, help: "Also report progress: what the agent just did (counts as activity for agent.stallSeconds).")
    var progress: String?

    func run() throws {
        guard let id = id ?? Live.context.environment["ORCHESTRATE_TASK_ID"] else {
            throw ValidationError("name the task: git orchestrate heartbeat <id>")
        }
        _ = try Live.orchestrator().recordHeartbeat(id, progress: progress)
    }
}

struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print the output of the task's newest agent run.")

    @Argument(help: "The task id.", completion: .taskIDs)
    var id: String

    @Flag(name: .long, help: "Keep printing as the log grows, until the run ends.")
    var follow = false

    @OptionGroup var output: FormatOption

    func run() throws {
        if follow && output.format == .json {
            throw OrchestrateError.badInput("--follow prints the output as it grows and --format json prints one document; use one of them")
        }
        let orchestrator = try Live.orchestrator()
        let run = try orchestrator.latestRunWithLog(id)
        guard output.format == .json else {
            try orchestrator.streamLog(of: run, follow: follow) { FileHandle.standardOutput.write($0) }
            return
        }
        var log = Data()
        try orchestrator.streamLog(of: run, follow: false) { log.append($0) }
        Live.json([
            "task": .string(run.task.rawValue), "run": .int(run.id), "attempt": .int(Int64(run.attempt)),
            "command": .array(run.command.map { .string($0) }), "outcome": .optional(run.outcome?.rawValue),
            "logPath": .optional(run.logPath), "log": .string(String(decoding: log, as: UTF8.self)),
        ])
    }
}
