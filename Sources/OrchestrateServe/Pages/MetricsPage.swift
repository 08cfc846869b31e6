import Foundation
import OrchestrateCore
import OrchestrateModel

/// `/metrics`: the figures of `git orchestrate metrics` and a bar chart of landings per day,
/// drawn as SVG on the server (no script library).
enum MetricsPage {
    static func render(_ m: MetricsReport) -> String {
        var h = HTML()
        h.raw("<h1>Metrics</h1><p class=\"muted\">")
        h.text(m.since.map { "since \(Timestamp.format($0))" } ?? "the whole audit trail")
        h.raw(" · <a href=\"/metrics?since=1d\">1 day</a> · <a href=\"/metrics?since=1w\">1 week</a> · <a href=\"/metrics\">all</a></p>")
        h.raw("<section><h2>Landed per day</h2>")
        h.raw(chart(m.landedByDay.suffix(30).map { ($0.day, $0.landed) }))
        h.raw("</section><table id=\"figures\">")
        func row(_ name: String, _ value: String) {
            h.raw("<tr>")
            h.element("th", name)
            h.element("td", value)
            h.raw("</tr>")
        }
        func spread(_ s: DurationSummary) -> String {
            guard let p50 = s.p50, let p90 = s.p90 else { return "–" }
            return "p50 \(HTML.duration(p50)) · p90 \(HTML.duration(p90)) (\(s.count))"
        }
        func percent(_ r: Rate) -> String { r.rate.map { String(format: "%.1f%% (%d of %d)", $0 * 100, r.count, r.total) } ?? "–" }
        row("landed", "\(m.landed)" + (m.perDay.map { String(format: " · %.2f per day · %.3f per hour", $0, m.perHour ?? 0) } ?? ""))
        row("lead time", spread(m.leadTime))
        row("queued", spread(m.queued))
        row("running", spread(m.running))
        row("review wait", spread(m.reviewWait))
        row("merge wait", spread(m.mergeWait))
        row("merge buffer latency", spread(m.mergeBufferLatency))
        row("agent success", percent(m.agentSuccess))
        row("agent outcomes", m.agentOutcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        row("check failures", percent(m.checkFailures))
        row("check flakes", percent(m.checkFlakes))
        row("conflicts", percent(m.conflicts))
        row("queue now", TaskState.allCases.filter { !$0.isFinished }.map { "\($0.rawValue) \(m.queueNow[$0] ?? 0)" }.joined(separator: ", "))
        h.raw("</table>")
        return h.text
    }

    /// Bars with their counts and day labels; the height scales to the busiest day.
    static func chart(_ bars: [(label: String, value: Int)]) -> String {
        let width = 24, gap = 6, height = 120, top = 14, bottom = 30
        let peak = max(1, bars.map(\.value).max() ?? 1)
        let total = max(1, bars.count) * (width + gap)
        var svg = "<svg class=\"chart\" id=\"landed-chart\" role=\"img\" aria-label=\"tasks landed per day\" width=\"\(total)\" height=\"\(height + top + bottom)\" viewBox=\"0 0 \(total) \(height + top + bottom)\">"
        for (i, bar) in bars.enumerated() {
            let h = bar.value * height / peak, x = i * (width + gap)
            svg += "<rect x=\"\(x)\" y=\"\(top + height - h)\" width=\"\(width)\" height=\"\(h)\"><title>\(HTML.escape("\(bar.label): \(bar.value)"))</title></rect>"
            svg += "<text x=\"\(x + width / 2)\" y=\"\(top + height - h - 3)\" text-anchor=\"middle\">\(bar.value)</text>"
            svg += "<text x=\"\(x + width / 2)\" y=\"\(top + height + 12)\" text-anchor=\"middle\">\(HTML.escape(String(bar.label.suffix(5))))</text>"
        }
        return svg + "</svg>"
    }
}
