import Foundation
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// Throughput, lead time and its stages, outcomes and failure rates since `since` (an
    /// ISO-8601 time or a duration back from now; nil: the whole trail), from one read.
    public func metrics(since: String?) throws -> MetricsReport {
        let now = context.now()
        let sinceDate = try since.map { try TimeSpec.parse($0, now: now) }
        let (events, counts) = try store.read { tx in (try tx.auditEvents(), try tx.taskCountsByState()) }
        return MetricsCalculator(events: events, since: sinceDate, now: now, queueNow: counts).report()
    }
}

extension DurationSummary {
    /// `{"count": n, "p50Seconds": x, "p90Seconds": y}`.
    public var json: JSONValue {
        ["count": .int(Int64(count)), "p50Seconds": p50.map(JSONValue.double) ?? .null, "p90Seconds": p90.map(JSONValue.double) ?? .null]
    }
}

extension Rate {
    /// `{"count": n, "total": m, "rate": n/m or null}`.
    public var json: JSONValue {
        ["count": .int(Int64(count)), "total": .int(Int64(total)), "rate": rate.map(JSONValue.double) ?? .null]
    }
}

extension MetricsReport {
    /// The document of `metrics --format json` and `/api/metrics`.
    public var json: JSONValue {
        [
            "since": .optional(since.map(Timestamp.format)), "until": .string(Timestamp.format(until)),
            "windowSeconds": .double(windowSeconds),
            "throughput": [
                "landed": .int(Int64(landed)), "perHour": perHour.map(JSONValue.double) ?? .null,
                "perDay": perDay.map(JSONValue.double) ?? .null,
                "byDay": .array(landedByDay.map { ["day": .string($0.day), "landed": .int(Int64($0.landed))] }),
            ],
            "leadTime": leadTime.json,
            "stages": [
                "queued": queued.json, "running": running.json, "reviewWait": reviewWait.json, "mergeWait": mergeWait.json,
            ],
            "mergeBufferLatency": mergeBufferLatency.json,
            "agents": [
                "outcomes": .object(agentOutcomes.mapValues { .int(Int64($0)) }), "runs": .int(Int64(agentSuccess.total)),
                "successRate": agentSuccess.rate.map(JSONValue.double) ?? .null,
            ],
            "checks": [
                "runs": .int(Int64(checkFailures.total)), "failed": .int(Int64(checkFailures.count)),
                "failureRate": checkFailures.rate.map(JSONValue.double) ?? .null,
                "flaky": .int(Int64(checkFlakes.count)), "flakeRate": checkFlakes.rate.map(JSONValue.double) ?? .null,
            ],
            "conflicts": [
                "landingAttempts": .int(Int64(conflicts.total)), "conflicted": .int(Int64(conflicts.count)),
                "rate": conflicts.rate.map(JSONValue.double) ?? .null,
            ],
            "queueNow": .object(Dictionary(uniqueKeysWithValues: TaskState.allCases.map {
                ($0.rawValue, JSONValue.int(Int64(queueNow[$0] ?? 0)))
            })),
        ]
    }
}
