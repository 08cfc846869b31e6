import ArgumentParser
import OrchestrateCore

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Bring back the kept work of a rejected or cancelled task.",
        discussion: """
            The branch is put back at the kept commits; uncommitted changes that were kept are written \
            into the worktree again as uncommitted changes (untracked files stay untracked). The kept \
            ref is left in place. The task becomes `running`.
            """)

    @Argument(help: "The task id.", completion: .taskIDs)
    var id: String

    @Option(name: .long, help: "The kept ref to restore (refs/orchestrate/rejected/<id>/<n>, or <n>); default the newest.")
    var ref: String?

    func run() throws {
        let report = try Live.orchestrator().restoreTask(id, ref: ref)
        Live.err("restored \(report.task.id) from \(report.ref)\(report.restoredUncommitted ? " (uncommitted changes are back as uncommitted files)" : "")")
        Live.out(report.task.worktree ?? "")
    }
}
