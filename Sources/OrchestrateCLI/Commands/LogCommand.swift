import ArgumentParser
import OrchestrateCore
import OrchestrateModel

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "Show the audit trail.")

    @Option(name: .long, help: "Only events of this task.")
    var task: String?

    @Option(name: .long, help: "Only events since WHEN: ISO-8601 (2026-11-20T10:00:00Z) or a duration (90s, 30m, 2h, 3d, 1w).")
    var since: String?

    // Unconditional: `--limit -1` reaches the check below instead of reading as an option.
    @Option(name: .long, parsing: .unconditional, help: "At most N events (the newest).")
    var limit: Int?

    @OptionGroup var output: FormatOption

    func run() throws {
        if let limit, limit < 0 {
            throw OrchestrateError.badInput("--limit \(limit) is negative; pass how many of the newest events to show (0 or more)")
        }
        let events = try Live.orchestrator().auditLog(task: task, since: since, limit: limit)
        switch output.format {
        case .json: Live.json(.array(events.map(\.json)))
        case .table: Live.out(events.map { TerminalText.escape($0.line) }.joined(separator: "\n"))
        }
    }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Work with the audit trail.", subcommands: [AuditVerifyCommand.self])
}

struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the audit trail's hash chain; exit 1 naming the first bad row.")

    @OptionGroup var output: FormatOption

    func run() throws {
        let result = try Live.orchestrator().verifyAudit()
        switch output.format {
        case .json:
            Live.json([
                "intact": .bool(result.isIntact), "rowsChecked": .int(Int64(result.rowsChecked)),
                "firstBadSeq": result.firstBadSeq.map(JSONValue.int) ?? .null,
                "problem": .optional(result.problem), "headHash": .optional(result.headHash),
            ])
        case .table:
            if result.isIntact {
                Live.out("audit trail intact: \(result.rowsChecked) events, head \(result.headHash.map { String($0.prefix(16)) } ?? "-")")
            }
        }
        if let bad = result.firstBadSeq {
            Live.err("the audit trail is broken at row \(bad): \(result.problem ?? "it does not match"); the rows from \(bad) on cannot be trusted — restore the database from a backup or investigate with sqlite3")
            throw ExitCode(1)
        }
    }
}
