import Foundation
import OrchestrateModel

/// `/log`: the audit trail, newest first, filtered by task, kind, actor and time.
enum LogPage {
    struct Filter {
        var task: String?
        var kind: String?
        var actor: String?
        var since: String?
        var limit: Int

        init(query: [String: String]) {
            func value(_ key: String) -> String? { query[key].flatMap { $0.isEmpty ? nil : $0 } }
            task = value("task")
            kind = value("kind")
            actor = value("actor")
            since = value("since")
            limit = value("limit").flatMap(Int.init).map { min(max($0, 1), 5000) } ?? 200
        }

        /// Kind and actor are matched here, after the Core read (task, time, count) the CLI's
        /// `log` also does.
        func keep(_ event: AuditEvent) -> Bool {
            (kind.map { event.kind == $0 } ?? true) && (actor.map { event.actor.localizedCaseInsensitiveContains($0) } ?? true)
        }
    }

    static func render(_ events: [AuditEvent], filter: Filter) -> String {
        var h = HTML()
        h.raw("<h1>Audit log</h1><form method=\"get\" action=\"/log\" class=\"inline\" id=\"filters\">")
        for (name, value, hint) in [
            ("task", filter.task, "task id"), ("kind", filter.kind, "kind (approved, landed…)"),
            ("actor", filter.actor, "actor"), ("since", filter.since, "since (2h, 3d, ISO time)"),
        ] {
            h.raw("<input name=\"\(name)\" placeholder=\"\(HTML.escape(hint))\" value=\"\(HTML.escape(value ?? ""))\">")
        }
        h.raw("<button>Filter</button></form>")
        table(&h, events.reversed(), showTask: true)
        return h.text
    }

    /// Events as a table, in the order given.
    static func table<S: Sequence>(_ h: inout HTML, _ events: S, showTask: Bool) where S.Element == AuditEvent {
        h.raw("<table class=\"events\"><tr><th>#</th><th>Time</th><th>Kind</th>\(showTask ? "<th>Task</th>" : "")<th>Commit</th><th>Actor</th><th>Detail</th></tr>")
        for e in events {
            h.raw("<tr data-kind=\"\(HTML.escape(e.kind))\">")
            h.element("td", "\(e.seq)")
            h.element("td", Timestamp.format(e.time))
            h.element("td", e.kind)
            if showTask {
                h.raw("<td>")
                if let task = e.task { h.taskLink(task) } else { h.text("-") }
                h.raw("</td>")
            }
            h.element("td", e.oid.map { String($0.prefix(10)) } ?? "-")
            h.element("td", e.actor)
            h.element("td", e.detail == "{}" ? "" : String(e.detail.prefix(300)), [("class", "muted")])
            h.raw("</tr>")
        }
        h.raw("</table>")
    }
}
