import Foundation
import Hummingbird
import OrchestrateCore
import OrchestrateModel

/// The HTML pages: each reads what it shows in one Core call on the runner's threads and
/// renders it on the server.
struct Pages {
    let core: CoreRunner
    let documents: DashboardDocuments

    private func page(_ title: String, _ main: String, seq: Int64) -> Response {
        DashboardResponder.text(HTML.page(title: title, seq: seq, main: main), type: "text/html; charset=utf-8")
    }

    func board() async throws -> Response {
        let (main, seq) = try await core.run { o -> (String, Int64) in
            let seq = try o.latestAuditSeq()
            let report = try o.status()
            let landed = Array(try o.listTasks(states: [.merged]).sorted { $0.updatedAt > $1.updatedAt }.prefix(10))
            // The pairs only when `status` counted some (it does so up to a bounded queue).
            let conflicts = (report.predictedConflicts ?? 0) > 0 ? try? o.predictConflicts() : nil
            return (BoardPage.render(report, landed: landed, conflicts: conflicts, now: o.context.now()), seq)
        }
        return page("Board", main, seq: seq)
    }

    func task(_ id: String) async throws -> Response {
        let (main, seq, title) = try await core.run { o -> (String, Int64, String) in
            let seq = try o.latestAuditSeq()
            let detail = try o.showTask(id)
            // A task that never started has nothing to review yet.
            let review = detail.task.base == nil ? nil : try? o.reviewTask(id, includePatch: true)
            let tail = detail.runs.last?.logPath.flatMap { Self.tail(of: $0) }
            return (TaskPage.render(detail, review: review, logTail: tail, now: o.context.now()), seq, "\(detail.task.id)")
        }
        return page(title, main, seq: seq)
    }

    func log(_ query: [String: String]) async throws -> Response {
        let filter = LogPage.Filter(query: query)
        let (main, seq) = try await core.run { o -> (String, Int64) in
            let seq = try o.latestAuditSeq()
            // Kind and actor filter after the read, so read more than shown when they are set.
            let wide = filter.kind != nil || filter.actor != nil
            let events = try o.auditLog(task: filter.task, since: filter.since, limit: wide ? nil : filter.limit)
            return (LogPage.render(Array(events.filter(filter.keep).suffix(filter.limit)), filter: filter), seq)
        }
        return page("Audit log", main, seq: seq)
    }

    func metrics(_ query: [String: String]) async throws -> Response {
        let since = query["since"].flatMap { $0.isEmpty ? nil : $0 }
        let (main, seq) = try await core.run { o -> (String, Int64) in
            (MetricsPage.render(try o.metrics(since: since)), try o.latestAuditSeq())
        }
        return page("Metrics", main, seq: seq)
    }

    /// The last 8 KB of an agent's log, from a line start.
    static func tail(of path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 8192 ? size - 8192 : 0)
        var text = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        if size > 8192, let newline = text.firstIndex(of: "\n") { text = String(text[text.index(after: newline)...]) }
        return text.isEmpty ? nil : text
    }
}

/// `GET /api/…`: the CLI's `--format json` documents.
struct API {
    let core: CoreRunner
    let documents: DashboardDocuments

    func get(_ parts: [String], query: [String: String]) async throws -> Response {
        let documents = self.documents
        let document: JSONValue
        switch (parts.first, parts.count) {
        case ("status", 1):
            document = try await core.run { o in documents.status(try o.status(), o.context.now()) }
        case ("tasks", 1):
            let states = try (query["state"].map { $0.split(separator: ",").map(String.init) } ?? []).map { name in
                guard let state = TaskState(rawValue: name) else {
                    throw APIError.badRequest("\(name.debugDescription) is not a state; use one of \(TaskState.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return state
            }
            document = try await core.run { o in .array(try o.listTasks(states: states).map(documents.task)) }
        case ("tasks", 2):
            let id = parts[1]
            document = try await core.run { o in try Action.requireTask(o, id); return documents.show(try o.showTask(id), o.context.now()) }
        case ("tasks", 3) where parts[2] == "review":
            let id = parts[1]
            document = try await core.run { o in
                try Action.requireTask(o, id)
                do {
                    return documents.review(try o.reviewTask(id, includePatch: true))
                } catch let error as OrchestrateError {
                    throw APIError(status: 409, message: error.message)  // nothing to review in this state
                }
            }
        case ("log", 1):
            let limit = try query["limit"].map { text -> Int in
                guard let n = Int(text), n >= 0 else { throw APIError.badRequest("limit must be a whole number, not \(text.debugDescription)") }
                return n
            }
            let task = query["task"], since = query["since"]
            document = try await core.run { o in
                if let task { try Action.requireTask(o, task) }
                return .array(try o.auditLog(task: task, since: since, limit: limit).map(\.json))
            }
        case ("metrics", 1):
            let since = query["since"]
            document = try await core.run { o in try o.metrics(since: since).json }
        default:
            return DashboardResponder.error(404, "there is no API at /api/\(parts.joined(separator: "/")); see docs/openapi.yaml")
        }
        return DashboardResponder.json(document)
    }
}
