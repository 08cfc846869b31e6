import ArgumentParser
import OrchestrateCore
import OrchestrateModel

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Show a task's change: commits, files with counts, approvals, conflicts and checks.")

    @Argument(help: "The task id.", completion: .taskIDs)
    var id: String

    @Flag(name: .long, help: "Include the diff against the task's base.")
    var patch = false

    @OptionGroup var output: FormatOption

    func run() throws {
        let report = try Live.orchestrator().reviewTask(id, includePatch: patch)
        switch output.format {
        case .json: Live.json(report.json)
        case .table: Live.out(report.text)
        }
    }
}

extension ReviewReport {
    var text: String {
        var lines = [
            "task \(task.id): \(task.title)",
            "state:     \(task.state.rawValue)",
            "base:      \(base)",
            "head:      \(head)",
            "approvals: \(approvals.count)/\(approvalsRequired)"
                + (approvals.isEmpty ? "" : " (" + approvals.map(\.approver).joined(separator: ", ") + ")"),
        ]
        if !untrustedApprovals.isEmpty {
            lines.append("untrusted: \(untrustedApprovals.map(\.approver).joined(separator: ", ")) (in the database but not in the ledger, or not signed as required: they do not count)")
        }
        if approvalVoided, let last = voided.last {
            let reason = (try? JSONValue.parse(last.detail))?.objectValue?["reason"]?.stringValue ?? "the head moved"
            lines.append("voided:    an earlier approval no longer holds: \(reason)")
        }
        if let feedback = task.feedback { lines.append("feedback:  \(feedback)") }
        lines = lines.map { TerminalText.escape($0) }
        lines.append("\ncommits (\(commits.count)):")
        lines += commits.map { TerminalText.escape("  \($0.oid.prefix(8))  \(Timestamp.format($0.date).prefix(10))  \($0.author)  \($0.summary)") }
        var table = Table("STATUS", "+", "-", "PATH")
        for f in files {
            table.add(
                f.status, f.isBinary ? "bin" : "\(f.insertions)", f.isBinary ? "bin" : "\(f.deletions)",
                f.oldPath.map { "\($0) -> \(f.path)" } ?? f.path)
        }
        let added = files.reduce(0) { $0 + $1.insertions }, removed = files.reduce(0) { $0 + $1.deletions }
        lines.append("\nfiles (\(files.count), +\(added) -\(removed)):")
        lines += table.text.split(separator: "\n").map { "  " + $0 }
        if let conflict = conflicts.last {
            lines.append("\nconflict at \(Short.oid(conflict.oid)) (\(Timestamp.format(conflict.time))): \(conflict.detail)")
        }
        for check in checks { lines.append("check failed at \(Short.oid(check.oid)): \(check.detail)") }
        if let patch { lines.append("\n" + patch) }
        return lines.joined(separator: "\n")
    }
}
