import ArgumentParser
import OrchestrateCore
import OrchestrateModel

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one task with its history.")

    @Argument(help: "The task id.", completion: .taskIDs)
    var id: String

    @OptionGroup var output: FormatOption

    func run() throws {
        let detail = try Live.orchestrator().showTask(id)
        let t = detail.task
        switch output.format {
        case .json:
            Live.json(detail.json(now: Live.context.now()))
        case .table:
            var lines = [
                "task \(t.id): \(t.title)",
                "state:      \(t.state.rawValue)\(detail.runs.last?.stalledAt != nil ? " (agent stalled)" : "")",
                "priority:   \(t.priority.name)",
                "branch:     \(t.branch)",
                "worktree:   \(t.worktree ?? "-")",
                "base:       \(t.base ?? "-")",
                "head:       \(t.head ?? "-")",
                "depends on: \(Short.list(t.dependsOn))",
                "dependents: \(Short.list(detail.dependents))",
                "attempts:   \(t.attempts)",
            ]
            if !t.paths.isEmpty { lines.append("paths:      \(t.paths.joined(separator: " "))") }
            if let claimed = t.claimedBy { lines.append("claimed by: \(claimed)") }
            if let feedback = t.feedback { lines.append("feedback:   \(feedback)") }
            lines += Evidence.showLines(detail, now: Live.context.now())
            lines = lines.map { TerminalText.escape($0) }
            if let description = t.description { lines.append("\n" + TerminalText.escape(description, keepingNewlines: true)) }
            if !detail.keptWork.isEmpty {
                lines.append("\nkept work (restore with `git orchestrate restore \(t.id)` or from the ref):")
                lines += detail.keptWork.map { "  \($0)" }
            }
            if !detail.runs.isEmpty {
                lines.append("\nruns:")
                lines += detail.runs.map { "  " + TerminalText.escape($0.line) }
            }
            lines.append("\nhistory:")
            lines += detail.history.map { "  " + TerminalText.escape($0.line) }
            Live.out(lines.joined(separator: "\n"))
        }
    }
}
