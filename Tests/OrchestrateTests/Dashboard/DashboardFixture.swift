import Foundation
import OrchestrateTestSupport
import Testing

/// A real `git orchestrate serve` on a free port of 127.0.0.1, talked to with curl.
final class Dashboard {
    let repo: TestRepo
    let server: BackgroundProcess
    /// The link `serve` printed: `http://127.0.0.1:PORT/?token=…`.
    let link: String
    let port: Int
    let token: String
    var base: String { "http://127.0.0.1:\(port)" }

    /// `serve` run by `identity` (`Name <email>`) when given: the dashboard acts as whoever
    /// runs it, as the CLI does.
    init(_ repo: TestRepo, arguments: [String] = [], as identity: String? = nil) throws {
        self.repo = repo
        let server = try BackgroundProcess(
            [orchestrateBinary, "serve", "--port", "0"] + arguments, cwd: repo.path,
            environment: identity.map { repo.environment(as: $0) } ?? repo.environment)
        self.server = server
        var printed = ""
        _ = eventually(within: 30) {
            printed = readText(server.outFile)
            return printed.contains("\n") || !server.process.isRunning
        }
        link = printed.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let url = URLComponents(string: link), let port = url.port,
            let token = url.queryItems?.first(where: { $0.name == "token" })?.value
        else { throw TestFailure("serve printed no link: \(printed) / \(readText(server.errFile))") }
        self.port = port
        self.token = token
    }

    deinit { server.signal(SIGKILL) }

    /// What the server wrote on stderr so far.
    var stderr: String { readText(server.errFile) }

    struct Reply: CustomStringConvertible {
        var status: Int
        var headers: String
        var body: String
        var json: Any? { try? TestRepo.json(body) }
        var object: [String: Any] { (json as? [String: Any]) ?? [:] }
        var error: String? { object["error"] as? String }
        var description: String { "HTTP \(status)\n\(headers)\n\(body)" }
    }

    /// One request with curl. `auth`: send the Bearer token; `headers`: extra `Name: value`.
    func request(
        _ path: String, method: String = "GET", auth: Bool = true, body: String? = nil, headers: [String] = []
    ) throws -> Reply {
        let dir = repo.scratch + "/curl-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var args = ["curl", "-sS", "-X", method, "-o", dir + "/body", "-D", dir + "/headers", "-w", "%{http_code}", "--max-time", "60"]
        if auth { args += ["-H", "Authorization: Bearer \(token)"] }
        for header in headers { args += ["-H", header] }
        if let body { args += ["-H", "Content-Type: application/json", "--data-binary", body] }
        args.append(path.hasPrefix("http") ? path : base + path)
        let result = try runProcess(args, cwd: repo.path, environment: repo.environment)
        guard result.status == 0, let status = Int(result.stdout) else { throw TestFailure("curl failed: \(result)") }
        return Reply(status: status, headers: readText(dir + "/headers"), body: readText(dir + "/body"))
    }

    /// `POST /api/tasks/<id>/<action>` with a JSON body.
    func action(_ id: String, _ action: String, _ body: String = "{}") throws -> Reply {
        try request("/api/tasks/\(id)/\(action)", method: "POST", body: body)
    }
}

extension TestRepo {
    /// The audit events (all, or of one task) as `log --format json` prints them.
    func auditEvents(task: String? = nil) throws -> [[String: Any]] {
        let text = try orchestrateArgs(["log", "--format", "json"] + (task.map { ["--task", $0] } ?? [])).stdout
        return (try TestRepo.json(text) as? [[String: Any]]) ?? []
    }
}
