import Foundation
import OrchestrateModel

/// The result of one configured check.
public struct CheckResult: Sendable, Equatable {
    public var name: String
    public var exitStatus: Int32
    public var timedOut: Bool
    /// The last lines of its combined output.
    public var outputTail: String
    /// How many times it ran: 1, or more when `retries` reran a failure.
    public var runs: Int = 1
    public var passed: Bool { exitStatus == 0 && !timedOut }
    /// Failed at first and passed on a retry: a flaky check.
    public var passedOnRetry: Bool { passed && runs > 1 }

    var json: JSONValue {
        var fields: [String: JSONValue] = [
            "name": .string(name), "exitStatus": .int(Int64(exitStatus)), "timedOut": .bool(timedOut), "passed": .bool(passed),
        ]
        if runs > 1 {
            fields["runs"] = .int(Int64(runs))
            fields["passedOnRetry"] = .bool(passedOnRetry)
        }
        return .object(fields)
    }
}

extension Orchestrator {
    /// Runs the configured checks, in order, in `directory`; stops at the first failure.
    func runChecks(in directory: String, task: TaskRecord, commit: String) throws -> [CheckResult] {
        var results: [CheckResult] = []
        for check in config.checks {
            var result = try runCheck(check, in: directory, task: task, commit: commit)
            // A failing run is repeated up to `retries` times on the same tree; the first pass
            // counts, and the result says how many runs it took.
            var runs = 1
            while !result.passed && runs <= check.retries {
                runs += 1
                context.err("note: check \(check.name) of \(task.id) failed (exit \(result.exitStatus)); retry \(runs - 1) of \(check.retries)")
                result = try runCheck(check, in: directory, task: task, commit: commit)
            }
            result.runs = runs
            results.append(result)
            if !result.passed { break }
        }
        return results
    }

    private func runCheck(_ check: Config.Check, in directory: String, task: TaskRecord, commit: String) throws -> CheckResult {
        let outputURL = URL(fileURLWithPath: paths.logsDir + "/check-\(task.id.rawValue)-\(getpid()).log")
        try FileManager.default.createDirectory(atPath: paths.logsDir, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let output = try FileHandle(forWritingTo: outputURL)
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = check.command.map {
            $0.replacingOccurrences(of: "{id}", with: task.id.rawValue)
                .replacingOccurrences(of: "{title}", with: task.title)
                .replacingOccurrences(of: "{worktree}", with: directory)
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        // A check runs like a user would in that worktree: no GIT_DIR from whatever started us.
        var env = context.environment.filter { !["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR"].contains($0.key) }
        env["ORCHESTRATE_TASK"] = task.id.rawValue
        env["ORCHESTRATE_COMMIT"] = commit
        process.environment = env
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
        var timedOut = false
        if done.wait(timeout: .now() + .seconds(check.timeoutSeconds)) == .timedOut {
            timedOut = true
            process.terminate()
            if done.wait(timeout: .now() + .seconds(5)) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                done.wait()
            }
        }
        let text = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
        let tail = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(20).joined(separator: "\n")
        return CheckResult(name: check.name, exitStatus: process.terminationStatus, timedOut: timedOut, outputTail: String(tail.suffix(4000)))
    }
}
