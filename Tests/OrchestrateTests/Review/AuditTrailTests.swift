import Foundation
import OrchestrateTestSupport
import Testing

@Suite("audit trail")
struct AuditTrailTests {
    /// A repository with a few events: init, add T1 and T2, start T1.
    static func repoWithEvents() throws -> TestRepo {
        let repo = try ReviewFixture.repo()
        try repo.orchestrateOK("add", "One")
        try repo.orchestrateOK("add", "Two")
        try repo.orchestrateOK("start", "T1")
        return repo
    }

    @Test("an intact chain verifies")
    func intact() throws {
        let repo = try Self.repoWithEvents()
        let result = try repo.orchestrate("audit", "verify")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("audit trail intact: 4 events"))
    }

    @Test("a row edited with sqlite3 is caught and named")
    func edited() throws {
        let repo = try Self.repoWithEvents()
        try ReviewFixture.sqlite(repo, """
            DROP TRIGGER audit_events_no_update;
            UPDATE audit_events SET detail = '{"title":"Forged"}' WHERE seq = 2;
            """)
        let result = try repo.orchestrate("audit", "verify")
        #expect(result.status == 1)
        #expect(result.stderr.contains("the audit trail is broken at row 2: its content does not match its hash"))
    }

    @Test("a deleted middle row is caught and named")
    func deleted() throws {
        let repo = try Self.repoWithEvents()
        try ReviewFixture.sqlite(repo, "DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE seq = 2;")
        let result = try repo.orchestrate("audit", "verify", "--format", "json")
        #expect(result.status == 1)
        #expect(result.stderr.contains("broken at row 3"))
        let json = try #require(try TestRepo.json(result.stdout) as? [String: Any])
        #expect(json["intact"] as? Bool == false)
        #expect(json["firstBadSeq"] as? Int == 3)
    }

    @Test("a forged row inserted with sqlite3 is caught and named")
    func inserted() throws {
        let repo = try Self.repoWithEvents()
        let lastHash = try ReviewFixture.sqlite(repo, "SELECT hash FROM audit_events WHERE seq = 4")
        try ReviewFixture.sqlite(repo, """
            INSERT INTO audit_events (seq, time, kind, task, oid, actor, detail, prevHash, hash)
            VALUES (5, '2026-11-21T00:00:00.000Z', 'approved', 'T1', NULL, 'mallory', '{}', '\(lastHash)',
                    '\(String(repeating: "ab", count: 32))');
            """)
        let result = try repo.orchestrate("audit", "verify")
        #expect(result.status == 1)
        #expect(result.stderr.contains("broken at row 5"))
        // Appending after the forged row does not hide it.
        try repo.orchestrateOK("add", "Three")
        #expect(try repo.orchestrate("audit", "verify").stderr.contains("broken at row 5"))
    }

    @Test("log filters by task, time and count with the contract's fields")
    func logFilters() throws {
        let repo = try Self.repoWithEvents()
        let text = try repo.orchestrateOK("log", "--task", "T1", "--since", "2h", "--limit", "2", "--format", "json")
        let events = try #require(try TestRepo.json(text) as? [[String: Any]])
        #expect(events.count == 2)
        for event in events {
            #expect(Set(event.keys) == ["seq", "time", "kind", "task", "oid", "actor", "detail", "hash"])
            #expect(event["task"] as? String == "T1")
        }
        // The newest two of T1's events, oldest first.
        #expect(events.map { $0["kind"] as? String } == ["added", "started"])
        #expect((events[0]["seq"] as? Int ?? 0) < (events[1]["seq"] as? Int ?? 0))
        let future = try repo.orchestrateOK("log", "--since", "2099-01-01T00:00:00Z", "--format", "json")
        #expect((try TestRepo.json(future) as? [Any])?.isEmpty == true)

        let bad = try repo.orchestrate("log", "--since", "yesterday")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("\"yesterday\" is not a time"))
        #expect(bad.stdout.isEmpty)
        #expect(try repo.orchestrate("log", "--task", "T9").status == 2)
    }
}
