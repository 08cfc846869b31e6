import Foundation
import OrchestrateTestSupport
import Testing

@Suite("dashboard: API and actions")
struct DashboardAPITests {
    /// The JSON document the CLI prints for `args`.
    static func cli(_ repo: TestRepo, _ args: String...) throws -> Any {
        try TestRepo.json(repo.orchestrateArgs(args + ["--format", "json"]).stdout)
    }

    @Test("GET /api/… answers the CLI's --format json documents")
    func documents() throws {
        let repo = try ReviewFixture.repo()
        try ReviewFixture.submittedTask(repo)
        try repo.orchestrateOK("add", "Second", "--depends-on", "T1", "--priority", "high")
        let d = try Dashboard(repo)
        #expect(try d.request("/api/tasks").json as? NSArray == Self.cli(repo, "list") as? NSArray)
        #expect(try d.request("/api/tasks/T1").json as? NSDictionary == Self.cli(repo, "show", "T1") as? NSDictionary)
        #expect(try d.request("/api/tasks/T1/review").json as? NSDictionary == Self.cli(repo, "review", "T1", "--patch") as? NSDictionary)
        #expect(try d.request("/api/log").json as? NSArray == Self.cli(repo, "log") as? NSArray)
        #expect(try d.request("/api/log?task=T2&limit=1").json as? NSArray == Self.cli(repo, "log", "--task", "T2", "--limit", "1") as? NSArray)
        let status = try d.request("/api/status").object
        let cliStatus = try #require(Self.cli(repo, "status") as? [String: Any])
        #expect(status["counts"] as? NSDictionary == cliStatus["counts"] as? NSDictionary)
        #expect(status["active"] as? NSArray == cliStatus["active"] as? NSArray)
        #expect(status["ready"] as? NSArray == cliStatus["ready"] as? NSArray)
        let review = try d.request("/api/tasks/T1/review").object
        #expect((review["patch"] as? String)?.contains("+one") == true)
        let metrics = try d.request("/api/metrics").object
        #expect((metrics["queueNow"] as? [String: Any])?["queued"] as? Int == 1)
        #expect((metrics["queueNow"] as? [String: Any])?["submitted"] as? Int == 1)
    }

    @Test("every action writes the audit event its command writes, as the user running serve")
    func actions() throws {
        let repo = try ReviewFixture.repo()
        try ReviewFixture.submittedTask(repo, id: "T1", file: "a.txt")
        try ReviewFixture.submittedTask(repo, id: "T2", file: "b.txt")
        try ReviewFixture.submittedTask(repo, id: "T3", file: "c.txt")
        try repo.orchestrateOK("add", "Queued", "--id", "T4")
        // Rita runs serve: the dashboard approves as the user running it (an unsigned `by`
        // would only be a claim, docs/security.md), and the author may not approve her own work.
        let d = try Dashboard(repo, as: ReviewFixture.rita)
        let approve = try d.action("T1", "approve", #"{"comment": "looks <b>good</b>"}"#)
        #expect(approve.status == 200, "\(approve)")
        #expect((approve.object["message"] as? String)?.hasPrefix("approved T1") == true)
        let approved = try #require(try repo.auditEvents(task: "T1").last)
        #expect(approved["kind"] as? String == "approved")
        #expect(approved["actor"] as? String == ReviewFixture.rita)
        #expect((approved["detail"] as? [String: Any])?["comment"] as? String == "looks <b>good</b>")

        let merge = try d.action("T1", "merge")
        #expect(merge.status == 200, "\(merge)")
        #expect(merge.object["landed"] as? [String] == ["T1"])
        #expect(try repo.auditEvents(task: "T1").last?["kind"] as? String == "landed")
        #expect(try repo.revParse("main") == (merge.object["endTip"] as? String))

        let reject = try d.action("T2", "reject", #"{"reason": "wrong approach", "requeue": true}"#)
        #expect(reject.status == 200, "\(reject)")
        let rejected = try #require(try repo.auditEvents(task: "T2").last(where: { $0["kind"] as? String == "rejected" }))
        #expect((rejected["detail"] as? [String: Any])?["reason"] as? String == "wrong approach")
        #expect(try repo.taskJSON("T2")["state"] as? String == "queued")

        let requeue = try d.action("T3", "requeue")
        #expect(requeue.status == 200, "\(requeue)")
        #expect(try repo.taskJSON("T3")["state"] as? String == "queued")
        #expect(try repo.auditEvents(task: "T3").contains { $0["kind"] as? String == "rejected" && ($0["detail"] as? [String: Any])?["requeue"] as? Bool == true })

        let cancel = try d.action("T4", "cancel", #"{"reason": "not needed"}"#)
        #expect(cancel.status == 200, "\(cancel)")
        let cancelled = try #require(try repo.auditEvents(task: "T4").last)
        #expect(cancelled["kind"] as? String == "cancelled")
        #expect(cancelled["actor"] as? String == ReviewFixture.rita)
        #expect(try repo.orchestrate("audit", "verify").status == 0)
    }

    @Test("unknown task 404, invalid transition 409, each with the CLI's sentence; malformed body 400")
    func errors() throws {
        let repo = try ReviewFixture.repo()
        try repo.orchestrateOK("add", "Queued")
        let d = try Dashboard(repo)
        let cliUnknown = try repo.orchestrate("approve", "T9").stderr
        let unknown = try d.action("T9", "approve")
        #expect(unknown.status == 404)
        #expect("error: " + (unknown.error ?? "") + "\n" == cliUnknown)
        #expect(try d.request("/api/tasks/T9").status == 404)
        #expect(try d.request("/api/tasks/T9/review").status == 404)

        let cliRefused = try repo.orchestrate("approve", "T1")
        #expect(cliRefused.status == 2)
        let refused = try d.action("T1", "approve")
        #expect(refused.status == 409, "\(refused)")
        #expect("error: " + (refused.error ?? "") + "\n" == cliRefused.stderr)

        for body in ["{not json", "[1, 2]", #"{"comment": 7}"#, #"{"colour": "red"}"#] {
            let bad = try d.action("T1", "approve", body)
            #expect(bad.status == 400, "\(body): \(bad)")
        }
        #expect(try d.action("T1", "approve", #"{"colour": "red"}"#).error == #"unknown field "colour" in the request body; this action takes by, comment"#)
        #expect(try d.action("T1", "reject", "{}").status == 400)
        #expect(try d.action("a..b", "approve").status == 400)
        #expect(try d.action("T1", "frobnicate").status == 404)
        #expect(try d.request("/api/tasks/T1", method: "DELETE").status == 405)
        #expect(try d.request("/api/log?since=yesterday").status == 400)
        // The board's "Merge all" with nothing approved: the command's answer, nothing moved.
        let mergeAll = try d.request("/api/merge", method: "POST", body: "{}")
        #expect(mergeAll.status == 200)
        #expect(mergeAll.object["message"] as? String == "nothing to merge: no approved task")
        #expect(try d.request("/api/merge", method: "POST", body: #"{"ids": "T1"}"#).status == 400)
        #expect(try repo.taskJSON("T1")["state"] as? String == "queued")
    }
}
