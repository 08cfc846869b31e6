import Foundation
import OrchestrateGit
import OrchestrateModel

/// One check run: the configured checks, in order, on one candidate commit in one folder (a
/// check slot). Runs on the caller's thread (`run`) or on a thread of its own (`start`), and
/// can be killed when its answer no longer matters (a speculative run made moot). Holds only
/// plain values, so it may cross threads; its mutable state is behind a lock.
final class CheckJob: @unchecked Sendable {
    let slot: Int
    /// How many tasks of the batch the candidate holds.
    let prefix: Int
    let commit: ObjectID
    let started = Date()
    private let checks: [Config.Check]
    private let directory: String
    private let environment: [String: String]
    private let substitutions: [String: String]
    private let log: String

    private let lock = NSLock()
    private var pid: pid_t = 0
    private var killedFlag = false
    private var finishedAt: Date?
    private var _results: [CheckResult] = []
    private var _notes: [String] = []

    init(
        slot: Int, prefix: Int, commit: ObjectID, checks: [Config.Check], directory: String, environment: [String: String],
        substitutions: [String: String], log: String
    ) {
        self.slot = slot
        self.prefix = prefix
        self.commit = commit
        self.checks = checks
        self.directory = directory
        self.environment = environment
        self.substitutions = substitutions
        self.log = log
    }

    /// The results so far (all of them once finished): the first failure ends the run.
    var results: [CheckResult] { lock.withLock { _results } }
    /// Retry notes, for stderr.
    var notes: [String] { lock.withLock { _notes } }
    var killed: Bool { lock.withLock { killedFlag } }
    var finished: Bool { lock.withLock { finishedAt != nil } }
    var passed: Bool { lock.withLock { !killedFlag && !_results.isEmpty && _results.allSatisfy(\.passed) && _results.count == checks.count } }
    /// Seconds from start to finish (or until now).
    var seconds: Double { lock.withLock { (finishedAt ?? Date()).timeIntervalSince(started) } }

    /// Runs on a thread of its own; `done` is signalled when it ends (killed or not).
    func start(done: DispatchSemaphore) {
        Thread.detachNewThread { [self] in
            run()
            done.signal()
        }
    }

    /// Stops the run: its check process (and whatever that started) gets SIGKILL.
    func kill() {
        let victim: pid_t = lock.withLock {
            killedFlag = true
            return pid
        }
        guard victim > 0 else { return }
        // Foundation starts the check as the leader of a process group of its own (measured):
        // killing the group stops whatever the check started too.
        Foundation.kill(-victim, SIGKILL)
        Foundation.kill(victim, SIGKILL)
    }

    /// Runs every check in order; a failing run is repeated up to `retries` times on the same
    /// tree (the first pass counts, and the result says how many runs it took).
    func run() {
        defer { lock.withLock { finishedAt = Date() } }
        for check in checks {
            var result = runOnce(check)
            var runs = 1
            while !result.passed && runs <= check.retries && !killed {
                runs += 1
                let note = "note: check \(check.name) of \(substitutions["{id}"] ?? "") failed (exit \(result.exitStatus)); retry \(runs - 1) of \(check.retries)"
                lock.withLock { _notes.append(note) }
                result = runOnce(check)
            }
            result.runs = runs
            lock.withLock { _results.append(result) }
            if !result.passed || killed { return }
        }
    }

    private func runOnce(_ check: Config.Check) -> CheckResult {
        if killed { return CheckResult(name: check.name, exitStatus: 137, timedOut: false, outputTail: "killed: no longer needed") }
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: log) }
        guard let output = FileHandle(forWritingAtPath: log) else {
            return CheckResult(name: check.name, exitStatus: 127, timedOut: false, outputTail: "could not write \(log)")
        }
        defer { try? output.close() }
        let process = Process()
        let argv = check.command.map { arg in
            substitutions.reduce(arg) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        do {
            try process.run()
        } catch {
            return CheckResult(name: check.name, exitStatus: 127, timedOut: false, outputTail: "could not start \(check.command.first ?? ""): \(error)")
        }
        let startedKilled: Bool = lock.withLock {
            pid = process.processIdentifier
            return killedFlag
        }
        if startedKilled { kill() }
        var timedOut = false
        if done.wait(timeout: .now() + .seconds(check.timeoutSeconds)) == .timedOut {
            timedOut = true
            process.terminate()
            if done.wait(timeout: .now() + .seconds(5)) == .timedOut {
                Foundation.kill(process.processIdentifier, SIGKILL)
                done.wait()
            }
        }
        lock.withLock { pid = 0 }
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let tail = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(20).joined(separator: "\n")
        return CheckResult(name: check.name, exitStatus: process.terminationStatus, timedOut: timedOut, outputTail: String(tail.suffix(4000)))
    }
}
