import ArgumentParser
import Foundation
import OrchestrateCore
import OrchestrateModel

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Throughput, lead time and its stages, agent outcomes, failure, flake and conflict rates.",
        discussion: "Computed from the audit trail; docs/dashboard.md defines each figure.")

    @Option(name: .long, help: "Only since WHEN: ISO-8601 (2026-11-20T10:00:00Z) or a duration (90s, 30m, 2h, 3d, 1w).")
    var since: String?

    @OptionGroup var output: FormatOption

    func run() throws {
        let report = try Live.orchestrator().metrics(since: since)
        switch output.format {
        case .json: Live.json(report.json)
        case .table: Live.out(report.text)
        }
    }
}

extension MetricsReport {
    /// The human form: one figure per line.
    var text: String {
        func spread(_ s: DurationSummary) -> String {
            guard let p50 = s.p50, let p90 = s.p90 else { return "-" }
            return "p50 \(Duration.text(p50))  p90 \(Duration.text(p90))  (\(s.count) tasks)"
        }
        func percent(_ r: Rate) -> String {
            r.rate.map { String(format: "%.1f%% (%d of %d)", $0 * 100, r.count, r.total) } ?? "- (none)"
        }
        let window = since.map { "since \(Timestamp.format($0))" } ?? "whole trail"
        var lines = [
            "window:            \(window), \(windowSeconds >= 86400 ? String(format: "%.1f days", windowSeconds / 86400) : Duration.text(windowSeconds))",
            "landed:            \(landed)" + (perDay.map { String(format: " (%.2f/day, %.3f/hour)", $0, perHour ?? 0) } ?? ""),
            "lead time:         \(spread(leadTime))",
            "  queued:          \(spread(queued))",
            "  running:         \(spread(running))",
            "  review wait:     \(spread(reviewWait))",
            "  merge wait:      \(spread(mergeWait))",
            "merge buffer:      \(spread(mergeBufferLatency))",
            "agent success:     \(percent(agentSuccess))",
        ]
        if !agentOutcomes.isEmpty {
            lines.append("  outcomes:        " + agentOutcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        lines += [
            "check failures:    \(percent(checkFailures))",
            "check flakes:      \(percent(checkFlakes))",
            "conflicts:         \(percent(conflicts))",
            "queue now:         " + TaskState.allCases.filter { !$0.isFinished }.map { "\($0.rawValue) \(queueNow[$0] ?? 0)" }.joined(separator: ", "),
        ]
        return lines.joined(separator: "\n")
    }
}
