import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OrchestrateCore
import OrchestrateModel

/// Answers every request: access first, then the route. Pages and `/api/…` read through Core
/// on `CoreRunner`'s threads; `/events` waits on the `AuditWatcher`.
struct DashboardResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let access: Access
    let core: CoreRunner
    let watcher: AuditWatcher
    let documents: DashboardDocuments

    func respond(to request: Request, context: Context) async throws -> Response {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let path = request.uri.path
        let isAPI = path.hasPrefix("/api/")
        switch access.check(request, queryToken: isAPI ? nil : query["token"]) {
        case .unauthorized:
            return Self.error(401, "this dashboard needs its token: open the link `git orchestrate serve` printed, or send `Authorization: Bearer <token>`")
        case .forbidden(let why):
            return Self.error(403, why)
        case .allowed(let viaCookie):
            // The printed link: keep the token in a cookie and take it out of the address bar
            // (and out of the history and any Referer).
            if !viaCookie, query["token"] != nil, !isAPI {
                var headers = HTTPFields()
                headers[.location] = path
                headers[.setCookie] = access.setCookie
                return Response(status: .seeOther, headers: headers)
            }
        }
        do {
            return try await route(request, path: path, query: query)
        } catch let error as APIError {
            return Self.error(error.status, error.message)
        } catch let error as OrchestrateError {
            // Reading with a bad parameter (an unknown `since`, …) or a state that has no such
            // view: the CLI's sentence.
            return Self.error(error.message.hasPrefix("there is no task") ? 404 : error.exitCode == 2 ? 400 : 500, error.message)
        } catch {
            return Self.error(500, "\(error)")
        }
    }

    private func route(_ request: Request, path: String, query: [String: String]) async throws -> Response {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map { $0.removingPercentEncoding ?? String($0) }
        let method = request.method
        if method == .post {
            return try await post(request, parts: parts)
        }
        guard method == .get || method == .head else {
            return Self.error(405, "\(method.rawValue) is not served here; read with GET, change with POST")
        }
        switch parts.first {
        case nil: return try await Pages(core: core, documents: documents).board()
        case "tasks" where parts.count == 2: return try await Pages(core: core, documents: documents).task(parts[1])
        case "log" where parts.count == 1: return try await Pages(core: core, documents: documents).log(query)
        case "metrics" where parts.count == 1: return try await Pages(core: core, documents: documents).metrics(query)
        case "static" where parts == ["static", "app.js"]: return Self.text(Assets.script, type: "text/javascript; charset=utf-8")
        case "static" where parts == ["static", "app.css"]: return Self.text(Assets.style, type: "text/css; charset=utf-8")
        case "events" where parts.count == 1: return await EventStream.response(watcher: watcher)
        case "api": return try await API(core: core, documents: documents).get(Array(parts.dropFirst()), query: query)
        default: return Self.error(404, "there is no page \(path); the board is at /")
        }
    }

    private func post(_ request: Request, parts: [String]) async throws -> Response {
        // /api/tasks/<id>/<action> or /api/merge (every approved task, or `ids`).
        let action: Action?
        let id: String?
        if parts.count == 4, parts[0] == "api", parts[1] == "tasks" {
            (action, id) = (Action(rawValue: parts[3]), parts[2])
        } else if parts == ["api", "merge"] {
            (action, id) = (.merge, nil)
        } else {
            (action, id) = (nil, nil)
        }
        guard let action else {
            return Self.error(404, "there is no action at /\(parts.joined(separator: "/")); actions are POST /api/tasks/<id>/{approve,reject,requeue,cancel,merge} and POST /api/merge")
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: 1 << 20)
        } catch {
            return Self.error(413, "the request body is larger than 1 MB")
        }
        let body = try ActionRequest(body: String(buffer: buffer), allowed: action == .merge && id == nil ? ["ids"] : action.fields)
        let documents = self.documents
        let (status, document) = try await core.run { o in
            try action.run(o, id: id, request: body, documents: documents)
        }
        return Self.json(document, status: status)
    }

    // MARK: responses

    static func securityHeaders() -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentSecurityPolicy] = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        if let name = HTTPField.Name("Referrer-Policy") { headers[name] = "no-referrer" }
        headers[.cacheControl] = "no-store"
        return headers
    }

    static func text(_ text: String, type: String, status: Int = 200) -> Response {
        var headers = securityHeaders()
        headers[.contentType] = type
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ value: JSONValue, status: Int = 200) -> Response {
        text(value.prettyText + "\n", type: "application/json; charset=utf-8", status: status)
    }

    /// `{"error": sentence}` with the status.
    static func error(_ status: Int, _ message: String) -> Response {
        json(["error": .string(message)], status: status)
    }
}
