import Foundation
import OrchestrateCore
import OrchestrateModel
import OrchestrateStore
import OrchestrateTestSupport
import Testing

/// A generated history with known durations (minutes after 2026-01-05T00:00Z), written into a
/// real database through the Store's own audit chain with a clock the test moves.
enum MetricsHistory {
    static let t0 = Date(timeIntervalSince1970: 1_767_571_200)  // 2026-01-05T00:00:00Z

    /// (minute, kind, task, oid, detail)
    static let events: [(Double, AuditKind, String, String?, [String: JSONValue])] = [
        (0, .added, "A", nil, ["dependsOn": []]), (0, .added, "B", nil, ["dependsOn": ["C"]]),
        (5, .added, "C", nil, ["dependsOn": []]), (10, .started, "A", nil, [:]), (20, .started, "B", nil, [:]),
        (25, .started, "C", nil, [:]), (30, .added, "D", nil, ["dependsOn": []]), (40, .started, "D", nil, [:]),
        (40, .added, "E", nil, ["dependsOn": []]), (45, .runEnded, "C", nil, ["outcome": "failed"]),
        (50, .submitted, "B", "b1", [:]), (50, .started, "E", nil, [:]), (55, .runEnded, "B", nil, ["outcome": "completed"]),
        (60, .approved, "B", "b1", [:]), (60, .submitted, "E", "e1", [:]), (70, .submitted, "A", "a1", [:]),
        (70, .runEnded, "A", nil, ["outcome": "completed"]), (70, .approved, "E", "e1", [:]),
        (75, .runEnded, "E", nil, ["outcome": "crashed"]), (80, .conflicted, "E", "e2", [:]),
        (85, .submitted, "C", "c1", [:]), (85, .runEnded, "C", nil, ["outcome": "completed"]),
        (100, .approved, "A", "a1", [:]), (110, .landed, "A", "a9", ["checks": [["passed": true]]]),
        (150, .submitted, "D", "d1", [:]), (150, .runEnded, "D", nil, ["outcome": "completed"]),
        (165, .approved, "C", "c1", [:]), (170, .landed, "C", "c9", ["checks": [["passed": true]]]),
        (180, .landed, "B", "b9", ["checks": [["passed": true]]]), (190, .approved, "D", "d1", [:]),
        (200, .checkFailed, "D", "d8", [:]), (210, .submitted, "D", "d1", [:]), (215, .approved, "D", "d1", [:]),
        (230, .landed, "D", "d9", ["checks": [["passed": true]]]),
    ]

    /// Appends the history to the repository's database.
    static func write(into repo: TestRepo) throws {
        let clock = Clock()
        let store = try Store(path: ReviewFixture.database(repo), clock: { clock.now })
        for (minute, kind, task, oid, detail) in events {
            clock.now = t0.addingTimeInterval(minute * 60)
            let oid = oid.map { String(repeating: $0, count: 40 / $0.count + 1).prefix(40) }.map(String.init)
            try store.write { tx in
                try tx.appendAudit(NewAuditEvent(kind: kind, task: TaskID(task), oid: oid, actor: "gen <gen@example.com>", detail: detail))
            }
        }
    }

    final class Clock: @unchecked Sendable {
        var now = t0
    }
}

@Suite("metrics")
struct MetricsTests {
    /// Checks the figures that do not depend on when the test runs.
    static func checkDurations(_ m: [String: Any]) {
        func spread(_ value: Any?) -> [Double?] {
            let s = value as? [String: Any]
            return [s?["p50Seconds"] as? Double, s?["p90Seconds"] as? Double, (s?["count"] as? Int).map(Double.init)]
        }
        let stages = m["stages"] as? [String: Any]
        #expect(spread(m["leadTime"]) == [9900, 12000, 4])  // 110, 180, 165, 200 minutes
        #expect(spread(stages?["queued"]) == [600, 1200, 4])  // 10, 20, 20, 10
        #expect(spread(stages?["running"]) == [3600, 10200, 4])  // 60, 30, 60, 170
        #expect(spread(stages?["reviewWait"]) == [600, 4800, 4])  // 30, 10, 80, 5
        #expect(spread(stages?["mergeWait"]) == [600, 7200, 4])  // 10, 120, 5, 15
        // B waited for C's landing (170) although approved at 60: the buffer took 10 minutes.
        #expect(spread(m["mergeBufferLatency"]) == [600, 900, 4])  // 10, 10, 5, 15
        let agents = m["agents"] as? [String: Any]
        #expect(agents?["runs"] as? Int == 6)
        #expect(agents?["outcomes"] as? [String: Int] == ["completed": 4, "failed": 1, "crashed": 1])
        #expect(agents?["successRate"] as? Double == 4.0 / 6.0)
        let checks = m["checks"] as? [String: Any]
        #expect(checks?["runs"] as? Int == 5)
        #expect(checks?["failed"] as? Int == 1)
        #expect(checks?["failureRate"] as? Double == 0.2)
        #expect(checks?["flaky"] as? Int == 1)  // D landed later from the same submitted head d1
        #expect(checks?["flakeRate"] as? Double == 1.0)
        let conflicts = m["conflicts"] as? [String: Any]
        #expect(conflicts?["conflicted"] as? Int == 1)
        #expect(conflicts?["landingAttempts"] as? Int == 5)
        #expect(conflicts?["rate"] as? Double == 0.2)
        #expect((m["throughput"] as? [String: Any])?["landed"] as? Int == 4)
    }

    @Test("metrics --format json on a generated history: every duration and rate exactly")
    func fromTheDatabase() throws {
        let repo = try TestRepo(initialize: true)
        try MetricsHistory.write(into: repo)
        try repo.orchestrateOK("add", "Still waiting")
        // The generated approvals and landings were appended to the database alone: the chain
        // is intact, but the approvals ledger does not vouch for them, and `audit verify` says
        // so (docs/security.md). metrics reads the audit trail as it is.
        let verify = try repo.orchestrate("audit", "verify")
        #expect(verify.status == 1 && "\(verify)".contains("ledger"), "\(verify)")
        let text = try repo.orchestrateOK("metrics", "--since", "2026-01-05T00:00:00Z", "--format", "json")
        let m = try #require(try TestRepo.json(text) as? [String: Any])
        Self.checkDurations(m)
        #expect((m["queueNow"] as? [String: Any])?["queued"] as? Int == 1)
        #expect(m["since"] as? String == "2026-01-05T00:00:00.000Z")
        // A window after the history holds none of it.
        let later = try #require(try TestRepo.json(repo.orchestrateOK("metrics", "--since", "2026-01-06T00:00:00Z", "--format", "json")) as? [String: Any])
        #expect((later["throughput"] as? [String: Any])?["landed"] as? Int == 0)
        #expect((later["leadTime"] as? [String: Any])?["p50Seconds"] is NSNull)
        // The table names the same figures.
        let table = try repo.orchestrateOK("metrics", "--since", "2026-01-05T00:00:00Z")
        #expect(table.contains("lead time:         p50 2h45m  p90 3h20m  (4 tasks)"), "\(table)")
        #expect(table.contains("check flakes:      100.0% (1 of 1)"))
        let bad = try repo.orchestrate("metrics", "--since", "yesterday")
        #expect(bad.status == 2)
        #expect(bad.stderr == "error: \"yesterday\" is not a time; use ISO-8601 (2026-11-20T10:00:00Z) or a duration such as 2h or 3d\n")
    }

    @Test("throughput per hour and per day over a fixed window, day by day")
    func throughput() throws {
        let events = MetricsHistory.events.enumerated().map { i, e in
            AuditEvent(
                seq: Int64(i + 1), time: MetricsHistory.t0.addingTimeInterval(e.0 * 60), kind: e.1.rawValue, task: e.2,
                oid: e.3, actor: "gen", detail: JSONValue.object(e.4).canonicalText, prevHash: "", hash: "\(i)")
        }
        let report = MetricsCalculator(
            events: events, since: MetricsHistory.t0, now: MetricsHistory.t0.addingTimeInterval(86400 * 2), queueNow: [:]
        ).report()
        #expect(report.landed == 4)
        #expect(report.perDay == 2.0)
        #expect(report.perHour == 4.0 / 48.0)
        #expect(report.landedByDay.map(\.day) == ["2026-01-05", "2026-01-06", "2026-01-07"])
        #expect(report.landedByDay.map(\.landed) == [4, 0, 0])
        Self.checkDurations(try #require(try TestRepo.json(report.json.prettyText) as? [String: Any]))
    }
}
