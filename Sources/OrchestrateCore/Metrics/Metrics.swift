import Foundation
import OrchestrateModel

/// p50 and p90 of a set of durations, in seconds (nearest-rank: the smallest value with at
/// least that share of the values at or below it), nil when there are none.
public struct DurationSummary: Sendable, Equatable {
    public var count: Int
    public var p50: Double?
    public var p90: Double?

    public init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        func rank(_ q: Double) -> Double? {
            guard !sorted.isEmpty else { return nil }
            return sorted[max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1)]
        }
        p50 = rank(0.5)
        p90 = rank(0.9)
    }
}

/// A count out of a total, with the rate (nil when the total is 0).
public struct Rate: Sendable, Equatable {
    public var count: Int
    public var total: Int
    public var rate: Double? { total == 0 ? nil : Double(count) / Double(total) }

    public init(_ count: Int, of total: Int) {
        self.count = count
        self.total = total
    }
}

/// What `metrics` reports: how fast work lands and where it waits, computed from the audit
/// trail (docs/dashboard.md defines every figure).
public struct MetricsReport: Sendable, Equatable {
    /// The window: from `since` (or the first event) to `until` (now).
    public var since: Date?
    public var until: Date
    public var windowSeconds: Double
    /// Tasks landed in the window, and per UTC day (oldest first, days without landings included).
    public var landed: Int
    public var landedByDay: [(day: String, landed: Int)]
    /// added → landed, and its stages: added → first start (queued), first start → last
    /// submission (running), → last approval (review wait), → landing (merge wait).
    public var leadTime: DurationSummary
    public var queued: DurationSummary
    public var running: DurationSummary
    public var reviewWait: DurationSummary
    public var mergeWait: DurationSummary
    /// From the moment a task could land (last approval, or its last dependency's landing if
    /// later) to its landing: the time the merge buffer itself took.
    public var mergeBufferLatency: DurationSummary
    /// Agent runs that ended in the window, by outcome; success = `completed`.
    public var agentOutcomes: [String: Int]
    public var agentSuccess: Rate
    /// Check runs that failed, and failures the same submitted head later landed through.
    public var checkFailures: Rate
    public var checkFlakes: Rate
    /// Landing attempts that stopped on a conflict.
    public var conflicts: Rate
    /// Tasks per state now.
    public var queueNow: [TaskState: Int]

    public static func == (a: MetricsReport, b: MetricsReport) -> Bool {
        a.since == b.since && a.until == b.until && a.landed == b.landed
            && a.landedByDay.map(\.day) == b.landedByDay.map(\.day)
            && a.landedByDay.map(\.landed) == b.landedByDay.map(\.landed) && a.leadTime == b.leadTime
            && a.queued == b.queued && a.running == b.running && a.reviewWait == b.reviewWait
            && a.mergeWait == b.mergeWait && a.mergeBufferLatency == b.mergeBufferLatency
            && a.agentOutcomes == b.agentOutcomes && a.agentSuccess == b.agentSuccess
            && a.checkFailures == b.checkFailures && a.checkFlakes == b.checkFlakes
            && a.conflicts == b.conflicts && a.queueNow == b.queueNow
    }

    /// Landings per hour and per day over the window (nil for an empty window).
    public var perHour: Double? { windowSeconds > 0 ? Double(landed) / (windowSeconds / 3600) : nil }
    public var perDay: Double? { windowSeconds > 0 ? Double(landed) / (windowSeconds / 86400) : nil }
}
