import ArgumentParser
import Foundation
import OrchestrateCore
import OrchestrateModel

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Target tip, tasks by state, what is ready and in flight.")

    @OptionGroup var output: FormatOption

    func run() throws {
        let report = try Live.orchestrator().status()
        switch output.format {
        case .json:
            Live.json(report.json(now: Live.context.now()))
        case .table:
            var lines = ["target \(report.target) at \(Short.oid(report.targetTip))"]
            let counts = TaskState.allCases.compactMap { state in
                report.counts[state].map { "\(state.rawValue) \($0)" }
            }
            lines.append("tasks: " + (counts.isEmpty ? "none" : counts.joined(separator: ", ")))
            if !report.ready.isEmpty { lines.append("ready: " + Short.list(report.ready)) }
            if let n = report.predictedConflicts, n > 0 {
                lines.append("predicted conflicts: \(n) (see `git orchestrate conflicts`)")
            }
            if !report.mergeOrder.isEmpty { lines.append("merge order: " + report.mergeOrder.map(\.rawValue).joined(separator: " → ")) }
            if !report.active.isEmpty {
                var table = Table("ID", "STATE", "PRIORITY", "HEAD", "TITLE")
                for t in report.active {
                    let stalled = report.lastRuns[t.id]?.stalledAt != nil ? " (stalled)" : ""
                    table.add(t.id.rawValue, t.state.rawValue + stalled, t.priority.name, Short.oid(t.head), Short.title(t.title))
                }
                lines.append("")
                lines.append(table.text)
            }
            lines += AgentStatusLines.lines(report, now: Live.context.now())
            Live.out(lines.joined(separator: "\n"))
        }
    }
}
