import Foundation
import OrchestrateCore
import OrchestrateModel

/// `/`: the board. Tasks by state with priority, dependencies and their agent's heartbeat or
/// last outcome; the merge order; the running agents; the most recent landings.
enum BoardPage {
    static let columns: [TaskState] = [.queued, .running, .submitted, .approved, .conflicted, .failed]

    static func render(_ report: StatusReport, landed: [TaskRecord], conflicts: ConflictReport?, now: Date) -> String {
        var h = HTML()
        h.raw("<h1>")
        h.text("\(report.target) at \(report.targetTip.map { String($0.prefix(10)) } ?? "(no commits)")")
        h.raw("</h1><p class=\"muted\">")
        h.text(TaskState.allCases.compactMap { s in report.counts[s].map { "\(s.rawValue) \($0)" } }.joined(separator: " · "))
        h.raw("</p>")
        mergeOrder(&h, report)
        if let conflicts { predicted(&h, conflicts) }
        let open = Dictionary(uniqueKeysWithValues: report.agents.map { ($0.task, $0) })
        let ready = Set(report.ready)
        h.raw("<div class=\"board\">")
        for state in columns {
            let tasks = report.active.filter { $0.state == state }
            h.raw("<div class=\"column\" id=\"col-\(state.rawValue)\"><h2>")
            h.text("\(state.rawValue) (\(tasks.count))")
            h.raw("</h2>")
            for task in tasks.sorted(by: { ($0.priority.rawValue, $1.createdAt) > ($1.priority.rawValue, $0.createdAt) }) {
                card(&h, task, run: open[task.id] ?? report.lastRuns[task.id], ready: ready.contains(task.id), now: now)
            }
            h.raw("</div>")
        }
        h.raw("<div class=\"column\" id=\"col-merged\"><h2>recently landed</h2>")
        for task in landed { card(&h, task, run: nil, ready: false, now: now) }
        h.raw("</div></div>")
        agents(&h, report, now: now)
        return h.text
    }

    private static func mergeOrder(_ h: inout HTML, _ report: StatusReport) {
        h.raw("<section id=\"merge-order\"><h2>Merge order</h2>")
        if report.mergeOrder.isEmpty {
            h.raw("<p class=\"muted\">No approved task waits to land.</p>")
        } else {
            h.raw("<ol>")
            for id in report.mergeOrder {
                h.raw("<li>")
                h.taskLink(id.rawValue)
                h.raw("</li>")
            }
            h.raw("</ol><form class=\"inline\" data-action=\"/api/merge\" data-confirm=\"Land every approved task now?\"><button>Merge all</button></form>")
        }
        h.raw("</section>")
    }

    /// Conflicts `merge` would meet, predicted without touching anything (`conflicts`).
    private static func predicted(_ h: inout HTML, _ c: ConflictReport) {
        guard !c.pairs.isEmpty || !c.withTarget.isEmpty else { return }
        h.raw("<section id=\"conflicts\"><h2>Predicted conflicts</h2><ul>")
        for pair in c.pairs {
            h.raw("<li class=\"bad\">")
            h.taskLink(pair.first.rawValue)
            h.raw(" ↔ ")
            h.taskLink(pair.second.rawValue)
            h.text(": " + pair.paths.joined(separator: ", "))
            h.raw("</li>")
        }
        for one in c.withTarget {
            h.raw("<li class=\"bad\">")
            h.taskLink(one.task.rawValue)
            h.text(" with \(c.target): " + one.paths.joined(separator: ", "))
            h.raw("</li>")
        }
        h.raw("</ul></section>")
    }

    private static func card(_ h: inout HTML, _ task: TaskRecord, run: RunRecord?, ready: Bool, now: Date) {
        h.raw("<div class=\"card\" id=\"task-\(HTML.escape(task.id.rawValue))\" data-state=\"\(task.state.rawValue)\">")
        h.taskLink(task.id.rawValue)
        h.raw(" ")
        h.text(task.title)
        h.raw("<div class=\"meta\"><span class=\"prio-\(task.priority.name)\">")
        h.text(task.priority.name)
        h.raw("</span>")
        if !task.dependsOn.isEmpty {
            h.text(" · after " + task.dependsOn.map(\.rawValue).joined(separator: ", "))
        }
        if ready { h.raw(" · <span class=\"ok\">ready</span>") }
        if let run {
            if run.isOpen {
                h.text(" · agent #\(run.attempt), heartbeat \(HTML.duration(now.timeIntervalSince(run.heartbeatAt))) ago")
            } else {
                h.text(" · last run: \(Orchestrator.describe(run))")
            }
        }
        if let feedback = task.feedback, task.state == .conflicted || task.state == .failed || task.state == .queued {
            h.raw("<br><span class=\"bad\">")
            h.text(String(feedback.prefix(160)))
            h.raw("</span>")
        }
        h.raw("</div></div>")
    }

    private static func agents(_ h: inout HTML, _ report: StatusReport, now: Date) {
        h.raw("<section id=\"agents\"><h2>Running agents</h2>")
        guard !report.agents.isEmpty else {
            h.raw("<p class=\"muted\">No agent is running.</p></section>")
            return
        }
        h.raw("<table><tr><th>Task</th><th>Attempt</th><th>PID</th><th>Elapsed</th><th>Heartbeat</th></tr>")
        for run in report.agents {
            h.raw("<tr><td>")
            h.taskLink(run.task.rawValue)
            h.raw("</td>")
            for cell in [
                "\(run.attempt)", run.pid.map(String.init) ?? "-", HTML.duration(now.timeIntervalSince(run.startedAt)),
                HTML.duration(now.timeIntervalSince(run.heartbeatAt)) + " ago",
            ] { h.element("td", cell) }
            h.raw("</tr>")
        }
        h.raw("</table></section>")
    }
}
