import Foundation
import OrchestrateGit
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
    /// Runs the configured checks, in order, in `directory` on `commit` (the candidate whose
    /// last task is the last of `tasks`); stops at the first failure. Notes about retries go
    /// to stderr.
    func runChecks(in directory: String, tasks: [TaskRecord], commit: ObjectID) throws -> [CheckResult] {
        let job = try checkJob(slot: 1, directory: directory, tasks: tasks, commit: commit)
        job.run()
        for note in job.notes { context.err(note) }
        return job.results
    }

    /// A check run of `tasks`' candidate `commit` in `directory`, ready to run here or on a
    /// thread of its own (`CheckJob.start`).
    func checkJob(slot: Int, directory: String, tasks: [TaskRecord], commit: ObjectID) throws -> CheckJob {
        guard let last = tasks.last else { preconditionFailure("a candidate holds at least one task") }
        try FileManager.default.createDirectory(atPath: paths.logsDir, withIntermediateDirectories: true)
        // A check runs like a user would in that folder: no GIT_DIR from whatever started us.
        var env = context.environment.filter { !["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR"].contains($0.key) }
        env["ORCHESTRATE_TASK"] = last.id.rawValue
        env["ORCHESTRATE_TASKS"] = tasks.map(\.id.rawValue).joined(separator: " ")
        env["ORCHESTRATE_COMMIT"] = commit.hex
        let substitutions = ["{id}": last.id.rawValue, "{title}": last.title, "{worktree}": directory]
        return CheckJob(
            slot: slot, prefix: tasks.count, commit: commit, checks: config.checks, directory: directory, environment: env,
            substitutions: substitutions, log: paths.logsDir + "/check-\(last.id.rawValue)-\(getpid())-\(slot).log")
    }
}
