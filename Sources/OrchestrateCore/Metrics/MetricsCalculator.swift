import Foundation
import OrchestrateModel

/// Computes `MetricsReport` from the audit trail alone: a pure function of the events, the
/// window and today's counts, so the figures can be checked exactly.
public struct MetricsCalculator {
    public var events: [AuditEvent]
    public var since: Date?
    public var now: Date
    public var queueNow: [TaskState: Int]

    public init(events: [AuditEvent], since: Date?, now: Date, queueNow: [TaskState: Int]) {
        self.events = events
        self.since = since
        self.now = now
        self.queueNow = queueNow
    }

    /// One task's events, oldest first.
    private struct Timeline {
        var events: [AuditEvent] = []
        func first(_ kind: AuditKind, before limit: Date? = nil) -> AuditEvent? {
            events.first { event in event.kind == kind.rawValue && (limit.map { event.time <= $0 } ?? true) }
        }
        func last(_ kind: AuditKind, before limit: Date) -> AuditEvent? {
            events.last { $0.kind == kind.rawValue && $0.time <= limit }
        }
    }

    private func inWindow(_ date: Date) -> Bool { since.map { date >= $0 } ?? true }

    public func report() -> MetricsReport {
        var timelines: [String: Timeline] = [:]
        for event in events { if let task = event.task { timelines[task, default: Timeline()].events.append(event) } }
        let windowStart = since ?? events.first?.time ?? now
        var landings: [(task: String, time: Date)] = []
        var lead: [Double] = [], queued: [Double] = [], running: [Double] = []
        var review: [Double] = [], mergeWait: [Double] = [], latency: [Double] = []
        var landedAt: [String: Date] = [:]
        // Dependencies as recorded when each task was added.
        var dependsOn: [String: [String]] = [:]
        for event in events {
            guard let task = event.task else { continue }
            if event.kind == AuditKind.landed.rawValue, landedAt[task] == nil { landedAt[task] = event.time }
            if event.kind == AuditKind.added.rawValue {
                let detail = (try? JSONValue.parse(event.detail))?.objectValue
                dependsOn[task] = (detail?["dependsOn"]?.arrayValue ?? []).compactMap(\.stringValue)
            }
        }
        for event in events where event.kind == AuditKind.landed.rawValue && inWindow(event.time) {
            guard let task = event.task, let line = timelines[task] else { continue }
            let landed = event.time
            landings.append((task, landed))
            let added = line.first(.added)?.time
            let started = line.first(.started, before: landed)?.time
            let submitted = line.last(.submitted, before: landed)?.time
            let approved = line.last(.approved, before: landed)?.time
            if let added { lead.append(landed.timeIntervalSince(added)) }
            if let added, let started { queued.append(started.timeIntervalSince(added)) }
            if let started, let submitted { running.append(submitted.timeIntervalSince(started)) }
            if let submitted, let approved { review.append(approved.timeIntervalSince(submitted)) }
            if let approved {
                mergeWait.append(landed.timeIntervalSince(approved))
                let dependencyLandings = (dependsOn[task] ?? []).compactMap { landedAt[$0] }.filter { $0 <= landed }
                let ready = ([approved] + dependencyLandings).max() ?? approved
                latency.append(landed.timeIntervalSince(ready))
            }
        }
        var outcomes: [String: Int] = [:]
        var checkRuns = 0, checkFailed = 0, flaky = 0, conflicted = 0
        for event in events where inWindow(event.time) {
            let detail = (try? JSONValue.parse(event.detail))?.objectValue ?? [:]
            switch event.kind {
            case AuditKind.runEnded.rawValue:
                outcomes[detail["outcome"]?.stringValue ?? "unknown", default: 0] += 1
            case AuditKind.landed.rawValue:
                for check in detail["checks"]?.arrayValue ?? [] {
                    // A check that `retries` ran again: its failed runs passed later on the
                    // very same tree, so each is a failure and a flake.
                    let reruns = max(0, Int(check.objectValue?["runs"]?.intValue ?? 1) - 1)
                    checkRuns += 1 + reruns
                    checkFailed += reruns
                    flaky += reruns
                }
            case AuditKind.checkFailed.rawValue:
                checkRuns += 1
                checkFailed += 1
                if let task = event.task, let line = timelines[task], isFlaky(event, line) { flaky += 1 }
            case AuditKind.conflicted.rawValue:
                conflicted += 1
            default: break
            }
        }
        let runs = outcomes.values.reduce(0, +)
        return MetricsReport(
            since: since, until: now, windowSeconds: max(0, now.timeIntervalSince(windowStart)),
            landed: landings.count, landedByDay: Self.byDay(landings.map(\.time), from: windowStart, to: now),
            leadTime: DurationSummary(lead), queued: DurationSummary(queued), running: DurationSummary(running),
            reviewWait: DurationSummary(review), mergeWait: DurationSummary(mergeWait),
            mergeBufferLatency: DurationSummary(latency), agentOutcomes: outcomes,
            agentSuccess: Rate(outcomes["completed"] ?? 0, of: runs), checkFailures: Rate(checkFailed, of: checkRuns),
            checkFlakes: Rate(flaky, of: checkFailed), conflicts: Rate(conflicted, of: conflicted + landings.count),
            queueNow: queueNow)
    }

    /// A failed check is flaky when the task later landed from the very head that was
    /// submitted when the check failed: the same code failed once and passed once.
    private func isFlaky(_ failure: AuditEvent, _ line: Timeline) -> Bool {
        guard let landing = line.events.first(where: { $0.kind == AuditKind.landed.rawValue && $0.seq > failure.seq }),
            let before = line.last(.submitted, before: failure.time)?.oid,
            let after = line.events.last(where: { $0.kind == AuditKind.submitted.rawValue && $0.seq < landing.seq })?.oid
        else { return false }
        return before == after
    }

    /// Landings per UTC day from the window's first day to its last (at most the last 60 days).
    static func byDay(_ times: [Date], from start: Date, to end: Date) -> [(day: String, landed: Int)] {
        func day(_ date: Date) -> String { String(Timestamp.format(date).prefix(10)) }
        var counts: [String: Int] = [:]
        for time in times { counts[day(time), default: 0] += 1 }
        var days: [String] = []
        var cursor = max(start, end.addingTimeInterval(-59 * 86400))
        while days.count < 60 {
            let d = day(cursor)
            if days.last != d { days.append(d) }
            if d == day(end) { break }
            cursor = cursor.addingTimeInterval(86400)
        }
        return days.map { ($0, counts[$0] ?? 0) }
    }
}
