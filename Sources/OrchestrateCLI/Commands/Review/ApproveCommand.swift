import ArgumentParser
import OrchestrateCore

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve the task's current head commit (recorded in the audit trail).",
        discussion: """
            The approval holds for that exact commit only: if the branch moves afterwards the task \
            goes back to `submitted`. The `approvals` policy in the configuration decides how many \
            distinct approvers are needed, whether the task's author may approve, and who may.
            """)

    @Argument(help: "The task id.", completion: .taskIDs)
    var id: String

    @Option(name: .long, help: "Who approves, as `Name <email>` (default: your git identity); counts only when your SSH signature proves it.")
    var by: String?

    @Option(name: .long, help: "A comment kept with the approval.")
    var comment: String?

    func run() throws {
        let outcome = try Live.orchestrator().approveTask(id, by: by, comment: comment)
        let head = String(outcome.approval.oid.prefix(8))
        if let claim = outcome.claimedFor {
            Live.err("note: nothing proves that \(claim) approved (no signature verified for them): recorded as your approval, with --by kept as a claim; see docs/security.md")
        }
        if outcome.satisfied {
            Live.out("approved \(outcome.task.id) at \(head) by \(outcome.approval.approver) (\(outcome.approvals)/\(outcome.required)); land it with `git orchestrate merge \(outcome.task.id)`")
        } else {
            Live.out("recorded the approval of \(outcome.task.id) at \(head) by \(outcome.approval.approver) (\(outcome.approvals)/\(outcome.required)); it needs \(outcome.required - outcome.approvals) more")
        }
    }
}
