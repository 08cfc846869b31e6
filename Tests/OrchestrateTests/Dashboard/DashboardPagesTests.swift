import Foundation
import OrchestrateTestSupport
import Testing

@Suite("dashboard: pages")
struct DashboardPagesTests {
    @Test("the board shows tasks by state, dependencies, merge order and predicted conflicts, all escaped")
    func board() throws {
        let repo = try ReviewFixture.repo()
        try ReviewFixture.submittedTask(repo, id: "T1", file: "same.txt", content: "ours\n")
        try ReviewFixture.submittedTask(repo, id: "T2", file: "same.txt", content: "theirs\n")
        try repo.orchestrateOK("add", "<img src=x onerror=alert(1)> & more", "--id", "T3", "--depends-on", "T1", "--priority", "urgent")
        try repo.orchestrateOKAs(ReviewFixture.rita, "approve", "T1")
        let d = try Dashboard(repo)
        let page = try d.request("/")
        #expect(page.status == 200)
        #expect(page.headers.contains("text/html"))
        let html = page.body
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; more"))
        #expect(!html.contains("<img"))
        #expect(html.contains("<section id=\"merge-order\"><h2>Merge order</h2><ol><li><a href=\"/tasks/T1\">T1</a></li></ol>"))
        #expect(html.contains("<section id=\"conflicts\"><h2>Predicted conflicts</h2>"), "\(html)")
        #expect(html.contains("<a href=\"/tasks/T1\">T1</a> ↔ <a href=\"/tasks/T2\">T2</a>: same.txt"))
        #expect(html.contains("after T1"))
        #expect(html.contains("id=\"col-approved\"><h2>approved (1)</h2><div class=\"card\" id=\"task-T1\""))

        let task = try d.request("/tasks/T1").body
        #expect(task.contains("<pre class=\"diff\" id=\"diff\">"))
        #expect(task.contains("Rita Reviewer &lt;rita@example.com&gt;"))
        #expect(task.contains("id=\"merge\" data-action=\"/api/tasks/T1/merge\""))
        let log = try d.request("/log?kind=approved").body
        #expect(log.contains("<tr data-kind=\"approved\">") && !log.contains("<tr data-kind=\"added\">"))
        let metrics = try d.request("/metrics").body
        #expect(metrics.contains("<svg class=\"chart\" id=\"landed-chart\""))
        #expect(try d.request("/nowhere").status == 404)
    }
}
