import Foundation
import OrchestrateCore
import OrchestrateModel

/// `/tasks/<id>`: the task, its review (commits, files with counts, the diff, checks,
/// approvals), the actions that apply, the agent's log tail and the audit history.
enum TaskPage {
    static func render(_ detail: TaskDetail, review: ReviewReport?, logTail: String?, now: Date) -> String {
        let t = detail.task
        let id = HTML.escape(HTML.pathComponent(t.id.rawValue))
        var h = HTML()
        h.raw("<h1>")
        h.text("\(t.id): \(t.title)")
        h.raw("</h1><p><span class=\"state\" id=\"state\">")
        h.text(t.state.rawValue)
        h.raw("</span> · <span class=\"prio-\(t.priority.name)\">")
        h.text(t.priority.name)
        h.raw("</span>")
        h.text(" · branch \(t.branch) · attempts \(t.attempts)")
        if !t.dependsOn.isEmpty { h.text(" · depends on " + t.dependsOn.map(\.rawValue).joined(separator: ", ")) }
        if !detail.dependents.isEmpty { h.text(" · needed by " + detail.dependents.map(\.rawValue).joined(separator: ", ")) }
        h.raw("</p>")
        if let description = t.description { h.element("pre", description, [("class", "description")]) }
        if let feedback = t.feedback { h.element("p", "feedback: " + feedback, [("class", "bad")]) }
        actions(&h, t, id: id)
        if let review { ReviewSection.render(&h, review) }
        if let run = detail.runs.last {
            h.raw("<section id=\"agent\"><h2>Agent</h2><p>")
            h.text("attempt \(run.attempt): \(Orchestrator.describe(run))")
            if run.isOpen { h.text(", heartbeat \(HTML.duration(now.timeIntervalSince(run.heartbeatAt))) ago") }
            h.raw("</p>")
            if let logTail { h.element("pre", logTail, [("id", "log-tail")]) }
            h.raw("</section>")
        }
        h.raw("<section id=\"history\"><h2>History</h2>")
        LogPage.table(&h, detail.history.reversed(), showTask: false)
        h.raw("</section>")
        return h.text
    }

    /// The forms for the actions that make sense in this state; the server still decides.
    private static func actions(_ h: inout HTML, _ t: TaskRecord, id: String) {
        h.raw("<section id=\"actions\">")
        if t.state == .submitted || t.state == .approved {
            h.raw("<form class=\"inline\" id=\"approve\" data-action=\"/api/tasks/\(id)/approve\"><input name=\"comment\" placeholder=\"comment (optional)\"><button>Approve</button></form>")
        }
        if !t.state.isFinished || t.state == .merged {
            h.raw("<form class=\"inline\" id=\"reject\" data-action=\"/api/tasks/\(id)/reject\"><input name=\"reason\" placeholder=\"reason\" required><label><input type=\"checkbox\" name=\"requeue\"> requeue</label><button>Reject</button></form>")
        }
        if t.state.isInFlight {
            h.raw("<form class=\"inline\" id=\"requeue\" data-action=\"/api/tasks/\(id)/requeue\"><button>Requeue</button></form>")
        }
        if !t.state.isFinished {
            h.raw("<form class=\"inline\" id=\"cancel\" data-action=\"/api/tasks/\(id)/cancel\" data-confirm=\"Cancel this task? Its work is kept under refs/orchestrate/rejected/.\"><button>Cancel</button></form>")
        }
        if t.state == .approved {
            h.raw("<form class=\"inline\" id=\"merge\" data-action=\"/api/tasks/\(id)/merge\"><button>Merge</button></form>")
        }
        h.raw("</section>")
    }
}

/// The review part of the task page.
enum ReviewSection {
    static func render(_ h: inout HTML, _ r: ReviewReport) {
        h.raw("<section id=\"review\"><h2>Review</h2><p>")
        h.text("base \(r.base.prefix(10)) → head \(r.head.prefix(10)) · approvals \(r.approvals.count)/\(r.approvalsRequired)")
        h.raw("</p>")
        if !r.approvals.isEmpty {
            h.raw("<ul id=\"approvals\">")
            for a in r.approvals {
                h.element("li", "\(a.approver) at \(Timestamp.format(a.time))" + (a.comment.map { ": \($0)" } ?? ""))
            }
            h.raw("</ul>")
        }
        if r.approvalVoided { h.element("p", "an earlier approval no longer holds: the head moved", [("class", "bad")]) }
        h.raw("<h3>Commits (\(r.commits.count))</h3><table id=\"commits\">")
        for c in r.commits {
            h.raw("<tr>")
            h.element("td", String(c.oid.prefix(10)))
            h.element("td", c.author)
            h.element("td", c.summary)
            h.raw("</tr>")
        }
        let added = r.files.reduce(0) { $0 + $1.insertions }, removed = r.files.reduce(0) { $0 + $1.deletions }
        h.raw("</table><h3>Files (\(r.files.count), +\(added) −\(removed))</h3><table id=\"files\">")
        for f in r.files {
            h.raw("<tr>")
            h.element("td", f.status)
            h.element("td", f.isBinary ? "bin" : "+\(f.insertions)", [("class", "ok")])
            h.element("td", f.isBinary ? "bin" : "−\(f.deletions)", [("class", "bad")])
            h.element("td", f.oldPath.map { "\($0) → \(f.path)" } ?? f.path)
            h.raw("</tr>")
        }
        h.raw("</table>")
        for event in r.conflicts.suffix(1) { h.element("p", "conflict at \(event.oid?.prefix(10) ?? "-"): \(event.detail)", [("class", "bad")]) }
        if !r.checks.isEmpty {
            h.raw("<h3>Checks</h3><ul id=\"checks\">")
            for event in r.checks { h.element("li", "\(event.kind) at \(event.oid?.prefix(10) ?? "-"): \(event.detail)", [("class", "bad")]) }
            h.raw("</ul>")
        }
        if let patch = r.patch { diff(&h, patch) }
        h.raw("</section>")
    }

    /// The patch, line by line, coloured by its first character (escaped like everything).
    static func diff(_ h: inout HTML, _ patch: String) {
        h.raw("<h3>Diff</h3><pre class=\"diff\" id=\"diff\">")
        let limit = 200_000
        let shown = patch.utf8.count > limit ? String(decoding: Array(patch.utf8.prefix(limit)), as: UTF8.self) : patch
        for line in shown.split(separator: "\n", omittingEmptySubsequences: false) {
            let kind = line.hasPrefix("+++") || line.hasPrefix("---") ? "file"
                : line.hasPrefix("+") ? "add" : line.hasPrefix("-") ? "del" : line.hasPrefix("@@") ? "hunk" : ""
            if kind.isEmpty { h.text(String(line)) } else { h.element("span", String(line), [("class", kind)]) }
            h.raw("\n")
        }
        if shown.utf8.count < patch.utf8.count { h.text("… (cut at 200 KB; see `git orchestrate review --patch`)") }
        h.raw("</pre>")
    }
}
