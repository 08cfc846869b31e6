import Foundation
import OrchestrateTestSupport
import Testing

@Suite("dashboard: live events")
struct DashboardEventsTests {
    @Test("/events delivers a change made by another process within a second")
    func liveChange() throws {
        let repo = try TestRepo(initialize: true)
        let d = try Dashboard(repo)
        let client = try EventClient(port: d.port, token: d.token)
        #expect(client.waitFor("event: ready", within: 5), "\(client.received)")
        #expect(client.received.contains("text/event-stream"))
        try repo.orchestrateOK("add", "Arrives live")  // another process: the CLI
        let written = Date()  // the event is committed once `add` has exited
        let seq = try #require(try repo.auditEvents().last?["seq"] as? Int)
        #expect(client.waitFor("event: change\ndata: {\"seq\":\(seq)}", within: 1.0), "\(client.received)")
        print("event stream: the change arrived \(String(format: "%.3f", Date().timeIntervalSince(written))) s after `add` exited")
    }

    @Test("100 concurrent streams all hear a change; clients that leave mid-stream do not hurt the server")
    func manyClients() throws {
        let repo = try TestRepo(initialize: true)
        let d = try Dashboard(repo)
        var clients = try (0..<100).map { _ in try EventClient(port: d.port, token: d.token) }
        for client in clients { #expect(client.waitFor("event: ready", within: 10)) }
        // Ten leave abruptly, mid-stream.
        for _ in 0..<10 { clients.removeLast() }
        try repo.orchestrateOK("add", "For everyone")
        let seq = try #require(try repo.auditEvents().last?["seq"] as? Int)
        let heard = clients.filter { $0.waitFor("data: {\"seq\":\(seq)}", within: 3) }.count
        #expect(heard == 90)
        // The server still answers, and still streams to a newcomer.
        #expect(try d.request("/api/status").status == 200)
        let late = try EventClient(port: d.port, token: d.token)
        #expect(late.waitFor("data: {\"seq\":\(seq)}", within: 5))
        #expect(d.server.process.isRunning)
    }
}
