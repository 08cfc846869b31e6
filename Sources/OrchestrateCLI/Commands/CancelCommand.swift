import ArgumentParser
import OrchestrateCore

struct CancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a task that has not landed; its work is kept under refs/orchestrate/rejected/.")

    @Argument(help: "The task id.", completion: .taskIDs)
    var id: String

    @Option(name: .long, help: "Why (recorded in the audit trail).")
    var reason: String?

    func run() throws {
        let report = try Live.orchestrator().cancelTask(id, reason: reason)
        if let kept = report.kept {
            Live.err("kept the work of \(report.task.id) at \(kept.ref)\(kept.includesUncommitted ? " (uncommitted changes included)" : "")\(kept.foundNote); get it back with `git switch -c <branch> \(kept.ref)`")
        }
        if !report.waitingDependents.isEmpty {
            Live.err("note: \(Short.list(report.waitingDependents)) depend on \(report.task.id) and will wait until it is cancelled or requeued too")
        }
        Live.out("cancelled \(report.task.id)")
    }
}
