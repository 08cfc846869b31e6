/// Which prefixes of a batch to check, and what the answers so far say. Prefix `p` is the
/// candidate holding the batch's first `p` tasks (the chain's p-th commit); prefix 0 is the
/// target's tip, which is never checked.
///
/// The first round checks the whole batch and, with spare slots, evenly spaced shorter
/// prefixes beside it (speculation: when the whole batch fails, those answers are already
/// in). Later rounds split the stretch between the longest passing and the shortest failing
/// prefix into `width + 1` parts (a k-ary search, bors' halving when `width` is 1), so one
/// culprit among n costs at most ⌈log₂ n⌉ rounds after the first. A task never fails for
/// what was queued behind it: the culprit is the task whose prefix is the first to fail.
struct BatchSearch: Equatable {
    let count: Int
    /// Check runs at once (slots).
    let width: Int
    /// The longest prefix known to pass.
    private(set) var passing = 0
    /// Prefixes known to fail (a flaky check can make a longer prefix pass after a shorter one
    /// failed: the longer passing tree then wins, it is what was checked).
    private(set) var failures: Set<Int> = []

    init(count: Int, width: Int) {
        precondition(count >= 1 && width >= 1, "a batch holds a task and there is a slot")
        self.count = count
        self.width = width
    }

    /// The shortest prefix known to fail beyond the passing one.
    var failing: Int? { failures.filter { $0 > passing }.min() }

    /// The task (1-based position) that makes the batch fail, once pinned.
    var culprit: Int? { failing.flatMap { $0 == passing + 1 ? $0 : nil } }

    /// Whether the search is over: everything passed, or the culprit is pinned.
    var settled: Bool { passing == count || culprit != nil }

    /// The prefixes to check next, longest first, at most `width`.
    func probes() -> [Int] {
        guard !settled else { return [] }
        guard let failing else {
            // Nothing known to fail yet: the whole batch, and spare slots split what lies below.
            let below = spread(from: passing, to: count, parts: width)
            return [count] + below.reversed()
        }
        return spread(from: passing, to: failing, parts: width + 1).reversed()
    }

    /// Up to `parts - 1` prefixes strictly between `low` and `high`, evenly spaced.
    private func spread(from low: Int, to high: Int, parts: Int) -> [Int] {
        let inside = high - low - 1
        guard inside > 0, parts > 1 else { return [] }
        if inside <= parts - 1 { return Array((low + 1)..<high) }
        var points: [Int] = []
        for j in 1..<parts {
            let p = low + (high - low) * j / parts
            if p > low && p < high && points.last != p { points.append(p) }
        }
        return points
    }

    /// Records a finished check run of `prefix`.
    mutating func record(_ prefix: Int, passed: Bool) {
        if passed { passing = max(passing, prefix) } else { failures.insert(prefix) }
    }

    /// Whether a run of `prefix` can no longer change the outcome.
    func isMoot(_ prefix: Int) -> Bool {
        if settled { return true }
        if prefix <= passing { return true }
        if let failing, prefix >= failing { return true }
        return false
    }
}
