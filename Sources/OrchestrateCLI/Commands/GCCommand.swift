import ArgumentParser
import OrchestrateCore
import OrchestrateModel

struct GCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove the worktrees and branches that finished tasks still have, safely.",
        discussion: """
            Finished means merged, rejected, cancelled or reverted. A worktree with uncommitted
            changes, a locked one, or one whose HEAD holds commits found nowhere else is left
            with the reason; branch commits that are neither on the target nor kept are first
            kept under refs/orchestrate/rejected/<id>/<n>. Exits 1 when something was left.
            """)

    @Flag(name: .long, help: "Print what would be removed; remove nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Only empty the trash of landed worktrees (what `merge` starts in the background).")
    var trash = false

    @OptionGroup var format: FormatOption

    func run() throws {
        if trash {
            let outcomes = try Live.orchestrator().emptyTrashInBackground()
            if format.format == .json { Live.json(["trash": .array(outcomes.map(\.json))]) }
            if !outcomes.allSatisfy(\.deleted) { throw ExitCode(1) }
            return
        }
        let report = try Live.orchestrator().collectGarbage(dryRun: dryRun)
        switch format.format {
        case .json:
            Live.json(report.json)
        case .table:
            if report.outcomes.isEmpty && report.trash.isEmpty { Live.out("nothing to remove: no finished task has a worktree or branch left") }
            for outcome in report.outcomes { Live.out(outcome.line(dryRun: report.dryRun)) }
            for outcome in report.trash { Live.out(outcome.line) }
        }
        for outcome in report.outcomes {
            if let reason = outcome.reason { Live.err("kept \(outcome.task): \(reason)") }
        }
        for outcome in report.trash {
            if let reason = outcome.reason { Live.err("kept \(outcome.entry) in the trash: \(reason)") }
        }
        if !report.dryRun && !report.allRemoved { throw ExitCode(1) }
    }
}

extension GCOutcome {
    func line(dryRun: Bool) -> String {
        var parts: [String] = []
        if let worktree { parts.append("worktree \(worktree)") }
        if let branch { parts.append("branch \(branch)") }
        // Why something was kept goes to stderr, with the next step.
        let action = removed ? (dryRun ? "would remove" : "removed") : "kept"
        var line = "\(task)\t\(action)\t" + parts.joined(separator: ", ")
        if removed, let keptRef { line += " (its commits \(dryRun ? "would be" : "are") kept at \(keptRef))" }
        return line
    }
}

extension GCReport {
    var json: JSONValue {
        [
            "dryRun": .bool(dryRun),
            "tasks": .array(outcomes.map { outcome in
                [
                    "id": .string(outcome.task.rawValue), "state": .string(outcome.state.rawValue),
                    "action": .string(outcome.removed ? (dryRun ? "wouldRemove" : "removed") : "kept"),
                    "worktree": .optional(outcome.worktree), "branch": .optional(outcome.branch),
                    "keptRef": .optional(outcome.keptRef), "reason": .optional(outcome.reason),
                ]
            }),
            "trash": .array(trash.map(\.json)),
        ]
    }
}

extension TrashOutcome {
    var line: String {
        var line = "\(task)\t\(deleted ? "emptied" : "kept")\ttrash \(entry) (was \(worktree))"
        if let keptRef { line += " (\(uncommitted) uncommitted path\(uncommitted == 1 ? "" : "s") kept at \(keptRef))" }
        return line
    }

    var json: JSONValue {
        [
            "entry": .string(entry), "task": .string(task), "worktree": .string(worktree), "deleted": .bool(deleted),
            "keptRef": .optional(keptRef), "uncommitted": .int(Int64(uncommitted)), "reason": .optional(reason),
        ]
    }
}
