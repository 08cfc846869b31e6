import ArgumentParser
import Foundation
import OrchestrateCore

struct UpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Drain the queue: run agents on ready tasks, at most N at once.",
        discussion: """
            Claims ready tasks (dependencies satisfied, highest priority first), starts the next as
            each agent ends, retries failed attempts while `agent.maxAttempts` allows, and stops
            when nothing is ready and nothing runs. Ctrl-C stops the agents gracefully; running
            `up` again resumes them. Exits 0 when no task ended up failed, 1 otherwise.
            """)

    @Option(name: .long, help: "At most N agents at once (default: agent.maxConcurrent).")
    var max: Int?

    @Option(name: .long, help: "Who claims the tasks (recorded in the audit trail).")
    var agent: String?

    @OptionGroup var output: FormatOption

    func validate() throws {
        if let max, max < 1 { throw ValidationError("--max must be at least 1") }
    }

    func run() throws {
        let orchestrator = try Live.orchestrator()
        let view = AgentProgressView(context: Live.context)
        let report = try orchestrator.up(maxAgents: max, agent: agent, observer: view.observer)
        view.finish()
        switch output.format {
        case .json:
            Live.json([
                "runs": .array(report.results.map(\.json)), "interrupted": .bool(report.interrupted),
                "startProblem": .optional(report.startProblem),
            ])
        case .table:
            if report.results.isEmpty {
                Live.err("nothing to do: no task is ready (see `git orchestrate status`)")
            } else {
                Live.out(report.results.map(\.summary).joined(separator: "\n"))
            }
        }
        let failedTasks = report.results.filter { $0.taskState == .failed }.map(\.run.task)
        if let problem = report.startProblem {
            Live.err("error: \(problem)")
            throw ExitCode(1)
        }
        if report.interrupted {
            Live.err("interrupted: stopped the running agents; run `git orchestrate up` again to resume them")
            throw ExitCode(1)
        }
        if !failedTasks.isEmpty {
            Live.err("error: \(failedTasks.map(\.rawValue).joined(separator: ", ")) failed after \(orchestrator.config.agent.maxAttempts) attempt(s); see `git orchestrate logs <id>`")
            throw ExitCode(1)
        }
    }
}
