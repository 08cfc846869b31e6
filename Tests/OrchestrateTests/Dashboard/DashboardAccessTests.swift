import Foundation
import OrchestrateTestSupport
import Testing

@Suite("dashboard: access")
struct DashboardAccessTests {
    @Test("serve prints a loopback link with a 64-hex token, and only that, on stdout")
    func link() throws {
        let repo = try TestRepo(initialize: true)
        let dashboard = try Dashboard(repo)
        #expect(dashboard.link.range(of: #"^http://127\.0\.0\.1:\d+/\?token=[0-9a-f]{64}$"#, options: .regularExpression) != nil, "\(dashboard.link)")
        #expect(readText(dashboard.server.outFile) == dashboard.link + "\n")
        // Listening on loopback only: the same port on another address of this machine refuses.
        let addresses = try runProcess(["hostname", "-I"], cwd: repo.path, environment: repo.environment).stdout
            .split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty && !$0.hasPrefix("127.") && !$0.contains(":") }
        if let other = addresses.first {
            let result = try runProcess(
                ["curl", "-sS", "--max-time", "5", "-H", "Authorization: Bearer \(dashboard.token)", "http://\(other):\(dashboard.port)/api/status"],
                cwd: repo.path, environment: repo.environment)
            #expect(result.status != 0, "reachable on \(other): \(result)")
        } else {
            print("note: this machine has no non-loopback IPv4 address; the loopback-only check is limited to the printed link")
        }
    }

    @Test("without the token every page, API call, stream and action is 401")
    func tokenRequired() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "One")
        let d = try Dashboard(repo)
        for path in ["/", "/tasks/T1", "/log", "/metrics", "/static/app.js", "/events", "/api/status", "/api/tasks", "/api/log"] {
            let reply = try d.request(path, auth: false)
            #expect(reply.status == 401, "\(path): \(reply)")
            #expect(reply.error?.contains("needs its token") == true)
        }
        let wrong = try d.request("/api/status", auth: false, headers: ["Authorization: Bearer " + String(repeating: "0", count: 64)])
        #expect(wrong.status == 401)
        let cancel = try d.request("/api/tasks/T1/cancel", method: "POST", auth: false, body: "{}")
        #expect(cancel.status == 401)
        // The token in the query is for the printed link, not for the API.
        #expect(try d.request("/api/status?token=\(d.token)", auth: false).status == 401)
        #expect(try repo.taskJSON("T1")["state"] as? String == "queued")
    }

    @Test("the printed link sets an HttpOnly, SameSite=Strict cookie and takes the token out of the address")
    func cookie() throws {
        let repo = try TestRepo(initialize: true)
        let d = try Dashboard(repo)
        let first = try d.request(d.link, auth: false)
        #expect(first.status == 303, "\(first)")
        #expect(first.headers.lowercased().contains("location: /\r\n"))
        let cookieLine = try #require(first.headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") })
        #expect(cookieLine.contains("orchestrate_token_\(d.port)=\(d.token)"))
        #expect(cookieLine.contains("HttpOnly") && cookieLine.contains("SameSite=Strict"))
        let page = try d.request("/", auth: false, headers: ["Cookie: orchestrate_token_\(d.port)=\(d.token)"])
        #expect(page.status == 200)
        #expect(page.body.contains("<h1>main at"))
        #expect(page.headers.contains("script-src 'self'"))
    }

    @Test("cross-site and foreign-host requests are refused and change nothing")
    func crossOrigin() throws {
        let repo = try ReviewFixture.repo()
        try ReviewFixture.submittedTask(repo)
        let d = try Dashboard(repo, as: ReviewFixture.rita)
        let before = try repo.auditEvents().count
        let cookie = "Cookie: orchestrate_token_\(d.port)=\(d.token)"
        let evil = try d.request("/api/tasks/T1/approve", method: "POST", auth: false, body: "{}", headers: [cookie, "Origin: http://evil.example"])
        #expect(evil.status == 403, "\(evil)")
        let site = try d.request("/api/tasks/T1/approve", method: "POST", auth: false, body: "{}", headers: [cookie, "Sec-Fetch-Site: cross-site"])
        #expect(site.status == 403)
        let noOrigin = try d.request("/api/tasks/T1/approve", method: "POST", auth: false, body: "{}", headers: [cookie])
        #expect(noOrigin.status == 403)
        let rebound = try d.request("/api/status", headers: ["Host: attacker.example:\(d.port)"])
        #expect(rebound.status == 403)
        #expect(try repo.auditEvents().count == before)
        // A GET never changes anything: an action named in a GET is not an action.
        #expect(try d.request("/api/tasks/T1/approve").status == 404)
        // Our own page's request (same origin) goes through.
        let own = try d.request("/api/tasks/T1/approve", method: "POST", auth: false, body: "{}", headers: [cookie, "Origin: \(d.base)", "Sec-Fetch-Site: same-origin"])
        #expect(own.status == 200, "\(own)")
    }

    @Test("--bind to another address warns on stderr")
    func bindWarning() throws {
        let repo = try TestRepo(initialize: true)
        let d = try Dashboard(repo, arguments: ["--bind", "0.0.0.0"])
        #expect(d.link.hasPrefix("http://0.0.0.0:"))
        #expect(d.stderr.contains("warning: serving on 0.0.0.0, not only on this machine"))
        let local = try d.request("/api/status")
        #expect(local.status == 200)
    }
}

@Suite("dashboard: start-up errors")
struct DashboardStartTests {
    @Test("a port in use, a bad port, an uninitialised repository: one sentence each, the documented status")
    func errors() throws {
        let repo = try TestRepo(initialize: true)
        let d = try Dashboard(repo)
        let busy = try repo.orchestrate("serve", "--port", "\(d.port)")
        #expect(busy.status == 1)
        #expect(busy.stdout.isEmpty)
        #expect(busy.stderr == "error: cannot serve on 127.0.0.1:\(d.port): Address already in use; pick another --port or --bind\n", "\(busy)")
        let bad = try repo.orchestrate("serve", "--port", "70000")
        #expect(bad.status == 2)
        #expect(bad.stderr == "error: --port 70000 is not a port; use 1–65535, or 0 for a free one\n")
        let bare = try TestRepo()
        let uninitialised = try bare.orchestrate("serve")
        #expect(uninitialised.status == 2)
        #expect(uninitialised.stderr.hasPrefix("error: git-orchestrate is not initialised in "))
    }
}
