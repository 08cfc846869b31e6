import Foundation
import OrchestrateGit
import OrchestrateModel

/// What the checks said about a batch.
struct BatchVerdict {
    /// How many tasks, from the first, passed together (their prefix's tree was checked).
    var passing: Int
    /// The 1-based position of the first failing task, if one failed.
    var culprit: Int?
    var culpritResults: [CheckResult] = []
    var passingResults: [CheckResult] = []
}

extension Orchestrator {
    /// Checks the chain's prefixes in `merge.parallelChecks` slots at once, as `BatchSearch`
    /// asks, until the whole chain passed or its first failing task is pinned. A run whose answer
    /// stopped mattering is killed. Every run started is recorded in `batch`.
    func checkBatch(_ chain: [ChainEntry], batch: inout MergeBatch, landedBefore: Int, total: Int) throws -> BatchVerdict {
        var search = BatchSearch(count: chain.count, width: max(1, config.merge.parallelChecks))
        var results: [Int: [CheckResult]] = [:]
        let tasks = chain.map(\.task)
        say("merge: batch \(batch.number): \(chain.count) task\(chain.count == 1 ? "" : "s") (\(landedBefore + 1)–\(landedBefore + chain.count) of \(total)), candidate \(chain[chain.count - 1].newTip.short())")
        while !search.settled {
            let probes = search.probes()
            let done = DispatchSemaphore(value: 0)
            var jobs: [CheckJob] = []
            for (i, prefix) in probes.enumerated() {
                let commit = chain[prefix - 1].newTip
                let folder = try checkSlots.prepare(i + 1, at: commit)
                let job = try checkJob(slot: i + 1, directory: folder, tasks: Array(tasks.prefix(prefix)), commit: commit)
                job.start(done: done)
                jobs.append(job)
                say("merge: batch \(batch.number): slot \(i + 1) checks \(prefix == chain.count ? "all \(prefix)" : "the first \(prefix)") at \(commit.short())")
            }
            var open = Set(jobs.indices)
            while !open.isEmpty {
                if done.wait(timeout: .now() + .milliseconds(500)) == .timedOut {
                    showSlots(jobs.enumerated().filter { open.contains($0.offset) }.map(\.element), batch: batch.number, of: chain.count)
                    continue
                }
                for i in open where jobs[i].finished {
                    open.remove(i)
                    let job = jobs[i]
                    for note in job.notes { say(note) }
                    if job.killed { continue }
                    results[job.prefix] = job.results
                    search.record(job.prefix, passed: job.passed)
                    let line = "prefix \(job.prefix) of \(chain.count) \(job.passed ? "passed" : "failed") in slot \(job.slot) (\(String(format: "%.1f", job.seconds)) s)"
                    batch.bisection.append(line)
                    say("merge: batch \(batch.number): \(line)")
                    for j in open where search.isMoot(jobs[j].prefix) && !jobs[j].killed {
                        jobs[j].kill()
                        say("merge: batch \(batch.number): stopped the check of prefix \(jobs[j].prefix) in slot \(jobs[j].slot): no longer needed")
                    }
                }
            }
            if context.stderrIsTerminal { context.errRaw("\r\u{1B}[2K") }
            batch.runs += jobs.map { job in
                CheckRun(
                    slot: job.slot, tasks: tasks.prefix(job.prefix).map(\.id), candidate: job.commit.hex,
                    passed: job.killed ? nil : job.passed, seconds: job.seconds, killed: job.killed)
            }
        }
        var verdict = BatchVerdict(passing: search.passing, culprit: search.passing == chain.count ? nil : search.culprit)
        verdict.passingResults = results[search.passing] ?? []
        if let culprit = verdict.culprit { verdict.culpritResults = results[culprit] ?? [] }
        return verdict
    }

    /// A progress line on stderr; on a terminal the slots' line is cleared first.
    private func say(_ line: String) {
        if context.stderrIsTerminal { context.errRaw("\r\u{1B}[2K") }
        context.err(line)
    }

    /// On a terminal: one line of the slots at work and how long each has run.
    private func showSlots(_ jobs: [CheckJob], batch: Int, of count: Int) {
        guard context.stderrIsTerminal else { return }
        let slots = jobs.map { "[slot \($0.slot): \($0.prefix)/\(count) \(String(format: "%.0f", $0.seconds)) s]" }
        context.errRaw("\r\u{1B}[2Kbatch \(batch) " + slots.joined(separator: " "))
    }
}
