import Foundation
import OrchestrateCore
import OrchestrateModel

/// Draws the model as one frame of `rows` lines, each cut to `columns` (colour only when the
/// terminal allows it: `NO_COLOR`).
struct WatchScreen {
    var columns: Int
    var rows: Int
    var colors: Bool

    private func paint(_ code: String, _ text: String) -> String { colors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    /// One line's text, control characters made visible (titles, logs and diffs come from
    /// agents and must not drive the terminal), cut to the width.
    private func cut(_ text: String) -> String {
        let text = TerminalText.escape(text)
        return text.count <= columns ? text : String(text.prefix(max(0, columns - 1))) + "…"
    }

    static func color(_ state: TaskState) -> String {
        switch state {
        case .running: return "36"
        case .submitted: return "33"
        case .approved: return "32"
        case .conflicted, .failed: return "31"
        default: return "0"
        }
    }

    func frame(_ m: WatchModel, now: Date) -> String {
        var lines: [String] = []
        if let review = m.review {
            lines.append(paint("7", cut("review of \(m.selected ?? "") — ↑↓ scroll, Esc or q back").padding(toLength: columns, withPad: " ", startingAt: 0)))
            lines += review.dropFirst(m.reviewOffset).prefix(rows - 2).map { cut($0) }
        } else {
            lines += body(m, now: now)
        }
        while lines.count < rows - 1 { lines.append("") }
        lines = Array(lines.prefix(rows - 1))
        let footer: String
        if let prompt = m.prompt {
            footer = cut(prompt.label + prompt.text) + (colors ? "\u{1B}[?25h" : "")
        } else {
            let keys = "↑↓ select  Enter review  a approve  r reject  / filter  q quit"
            footer = cut(m.message.isEmpty ? keys : m.message + "   " + keys)
        }
        // Home, each line then clear to its end, the footer last: no flicker, no scrolling.
        return "\u{1B}[?25l\u{1B}[H" + lines.map { $0 + "\u{1B}[K" }.joined(separator: "\r\n") + "\r\n" + footer + "\u{1B}[K"
    }

    private func body(_ m: WatchModel, now: Date) -> [String] {
        guard let report = m.report else { return ["reading…"] }
        var lines: [String] = []
        let counts = TaskState.allCases.compactMap { s in report.counts[s].map { "\(s.rawValue) \($0)" } }.joined(separator: " · ")
        lines.append(paint("7", cut("git orchestrate watch — \(report.target) at \(report.targetTip.map { String($0.prefix(8)) } ?? "-") — \(counts)").padding(toLength: columns, withPad: " ", startingAt: 0)))
        lines.append(paint("1", "AGENTS"))
        if report.agents.isEmpty { lines.append("  none running") }
        for run in report.agents {
            let activity = m.events.last { $0.task == run.task.rawValue }.map { "\($0.kind) \(Duration.text(now.timeIntervalSince($0.time))) ago" } ?? "-"
            lines.append(cut("  \(run.task)  attempt \(run.attempt)  running \(Duration.text(now.timeIntervalSince(run.startedAt)))  heartbeat \(Duration.text(now.timeIntervalSince(run.heartbeatAt))) ago  last: \(activity)"))
        }
        lines.append(paint("1", "TASKS") + (m.filter.isEmpty ? "" : "  (filter: \(TerminalText.escape(m.filter)))"))
        let tasks = m.visibleTasks
        let recent = min(m.events.count, max(3, (rows - lines.count - 8) / 3))
        let room = max(3, rows - lines.count - recent - 5)
        let index = m.selected.flatMap { id in tasks.firstIndex { $0.id.rawValue == id } } ?? 0
        let first = max(0, min(index - room / 2, tasks.count - room))
        if tasks.isEmpty { lines.append(m.filter.isEmpty ? "  no active task" : "  no task matches") }
        for task in tasks.dropFirst(first).prefix(room) {
            let mark = task.id.rawValue == m.selected ? "▶ " : "  "
            let state = task.state.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            let deps = task.dependsOn.isEmpty ? "" : "  after \(Short.list(task.dependsOn))"
            let line = cut("\(mark)\(task.id.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(state) \(task.priority.name.padding(toLength: 6, withPad: " ", startingAt: 0)) \(task.title)\(deps)")
            lines.append(task.id.rawValue == m.selected ? paint("7", line) : line.replacingOccurrences(of: state, with: paint(Self.color(task.state), state)))
        }
        lines.append(paint("1", "MERGE ORDER") + "  " + (report.mergeOrder.isEmpty ? "-" : report.mergeOrder.map(\.rawValue).joined(separator: " → ")))
        lines.append(paint("1", "RECENT EVENTS"))
        for event in m.events.suffix(recent).reversed() {
            lines.append(cut("  \(Timestamp.format(event.time).dropFirst(11).prefix(8))  \(event.kind)  \(event.task ?? "-")  \(event.actor)"))
        }
        return lines
    }
}
