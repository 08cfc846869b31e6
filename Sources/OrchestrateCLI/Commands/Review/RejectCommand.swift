import ArgumentParser
import OrchestrateCore

struct RejectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject",
        abstract: "Reject a task: keep its work, roll its branch and worktree back to the base.",
        discussion: """
            Before landing, the work (commits, uncommitted changes and untracked files) is kept under \
            refs/orchestrate/rejected/<id>/<n> and can be brought back with `git orchestrate restore`. \
            With --requeue the task goes back to the queue with the reason as feedback. A landed task \
            is reverted on the target branch; --cascade reverts the landed tasks that depend on it too.
            """)

    @Argument(help: "The task id.", completion: .taskIDs)
    var id: String

    @Option(name: .long, help: "Why (kept for the next attempt and in the audit trail).")
    var reason: String

    @Flag(name: .long, help: "Put the task back in the queue for another attempt.")
    var requeue = false

    @Flag(name: .long, help: "For a landed task: also revert landed tasks that depend on it, newest first.")
    var cascade = false

    func run() throws {
        let report = try Live.orchestrator().rejectTask(id, reason: reason, requeue: requeue, cascade: cascade)
        let id = report.task.id
        if let revert = report.revert {
            Live.out("reverted \(Short.list(revert.reverted)) on the target: \(Short.oid(revert.oldTip)) -> \(Short.oid(revert.newTip))")
            return
        }
        if let kept = report.kept {
            Live.err("kept the work of \(id) at \(kept.ref)\(kept.includesUncommitted ? " (uncommitted and untracked files included)" : "")\(kept.foundNote); get it back with `git orchestrate restore \(id)` or `git switch -c <branch> \(kept.ref)`")
        }
        if report.requeued {
            Live.out("rejected \(id) and put it back in the queue; `git orchestrate next` will start it afresh")
        } else {
            Live.out("rejected \(id); its branch and worktree are back at \(Short.oid(report.task.base))")
        }
    }
}
