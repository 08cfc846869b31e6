import Foundation
import OrchestrateModel

/// What an agent is started with: argv (placeholders substituted), environment, working
/// folder, prompt file and log file.
struct AgentInvocation {
    var argv: [String]
    var environment: [String: String]
    var directory: String
    var promptFile: String
    var logPath: String

    /// The placeholders `agent.command` may hold, substituted inside single arguments.
    static let placeholders = ["id", "title", "worktree", "promptFile", "attempt"]

    /// Replaces each `{name}` of a known placeholder in `argument` with its value, in one pass:
    /// a value that itself contains `{worktree}` is left as written. Unknown `{…}` stay.
    static func substitute(_ argument: String, _ values: [String: String]) -> String {
        var result = ""
        var rest = Substring(argument)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"),
                let value = values[String(rest[afterOpen..<close])]
            {
                result += value
                rest = rest[rest.index(after: close)...]
            } else {
                result += "{"
                rest = rest[afterOpen...]
            }
        }
        return result + rest
    }
}

extension Orchestrator {
    /// The folder holding the logs of a task's attempts.
    public func logDirectory(for id: TaskID) -> String { paths.logsDir + "/" + id.rawValue }

    /// The log file of one attempt.
    public func logPath(for id: TaskID, attempt: Int) -> String { logDirectory(for: id) + "/\(attempt).log" }

    /// The prompt file of one attempt.
    func promptPath(for id: TaskID, attempt: Int) -> String {
        paths.stateDir + "/prompts/" + id.rawValue + "/\(attempt).md"
    }

    /// The command that runs the agent: the one given on the command line, else the
    /// `agentCommand` of the template `task` was made from, else `agent.command`; exit 2 when
    /// there is none.
    func agentCommand(override: [String]?, task: TaskID? = nil) throws -> [String] {
        if let override, !override.isEmpty { return override }
        if let task, let own = try templateAgentCommand(of: task) { return own }
        guard let command = config.agent.command, !command.isEmpty else {
            throw OrchestrateError.badInput(
                "no agent command is configured; set `agent.command` in \(Config.fileName) or pass one after `--` (git orchestrate run <id> -- CMD ARGS…)")
        }
        return command
    }

    /// Writes the prompt file and builds the invocation of attempt `attempt` at `task`.
    func makeInvocation(task: TaskRecord, attempt: Int, command: [String], previous: [RunRecord]) throws -> AgentInvocation {
        // `up` hands every task the configured command: a task made from a template with an
        // agent command of its own gets that instead.
        var command = command
        if command.isEmpty || command == config.agent.command, let own = try templateAgentCommand(of: task.id) {
            command = own
        }
        if command.isEmpty { command = try agentCommand(override: nil) }
        guard let worktree = task.worktree else {
            throw OrchestrateError.failed("task \(task.id) has no worktree; run `git orchestrate doctor`")
        }
        let promptFile = promptPath(for: task.id, attempt: attempt)
        let logPath = logPath(for: task.id, attempt: attempt)
        let fm = FileManager.default
        try fm.createDirectory(atPath: (promptFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: logDirectory(for: task.id), withIntermediateDirectories: true)
        try Data(prompt(for: task, previous: previous).utf8).write(to: URL(fileURLWithPath: promptFile), options: .atomic)

        let values = [
            "id": task.id.rawValue, "title": task.title, "worktree": worktree, "promptFile": promptFile,
            "attempt": String(attempt),
        ]
        var environment = agentEnvironment(task: task, worktree: worktree)
        environment["ORCHESTRATE_PROMPT_FILE"] = promptFile
        environment["ORCHESTRATE_ATTEMPT"] = String(attempt)
        return AgentInvocation(
            argv: command.map { AgentInvocation.substitute($0, values) }, environment: environment,
            directory: worktree, promptFile: promptFile, logPath: logPath)
    }

    /// The environment of agents and set-up commands: ours, without the variables git sets
    /// for hooks, plus `agent.env`, plus where the agent is.
    func agentEnvironment(task: TaskRecord, worktree: String) -> [String: String] {
        var environment = context.environment
        // Variables git sets for hooks would point the agent's git at the wrong repository.
        for key in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_PREFIX"] {
            environment.removeValue(forKey: key)
        }
        for (key, value) in config.agent.env { environment[key] = value }
        environment["ORCHESTRATE_TASK_ID"] = task.id.rawValue
        environment["ORCHESTRATE_WORKTREE"] = worktree
        environment["ORCHESTRATE_DATABASE"] = paths.database
        environment["ORCHESTRATE_HEARTBEAT_SECONDS"] = String(config.agent.heartbeatSeconds)
        return environment
    }

    /// The prompt: title, description, reviewer feedback, and how earlier attempts ended.
    func prompt(for task: TaskRecord, previous: [RunRecord]) -> String {
        var text = "# \(task.title)\n\nTask \(task.id) (branch \(task.branch)).\n"
        if let description = task.description, !description.isEmpty { text += "\n\(description)\n" }
        let loopSection = loopPromptSection(for: task)
        // Feedback the loop wrote is said, with its evidence, in the loop's own section.
        if let feedback = task.feedback, !feedback.isEmpty, !loopSection.contains(feedback) {
            text += "\n## Reviewer feedback\n\n\(feedback)\n"
        }
        text += loopSection
        let ended = previous.filter { $0.outcome != nil }
        if !ended.isEmpty {
            text += "\n## Earlier attempts\n\n"
            for run in ended {
                text += "- attempt \(run.attempt): \(Orchestrator.describe(run))\n"
            }
        }
        return text
    }

    /// One phrase for how a run ended: `failed (exit 3)`, `crashed (signal 9)`, …
    public static func describe(_ run: RunRecord) -> String {
        guard let outcome = run.outcome else { return "running" }
        switch outcome {
        case .failed: return "failed (exit \(run.exitStatus.map(String.init) ?? "?"))"
        case .timedOut where run.stoppedForStall:
            return "stalled (no activity for \(run.detailObject["idleSeconds"]?.intValue ?? 0)s; stopped)"
        case .crashed: return "crashed (signal \(run.signal.map { "\($0)\(signalName($0).map { " " + $0 } ?? "")" } ?? "?"))"
        default: return outcome.rawValue
        }
    }

    static func signalName(_ signal: Int32) -> String? {
        [SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT", SIGINT: "SIGINT",
         SIGBUS: "SIGBUS", SIGHUP: "SIGHUP", SIGQUIT: "SIGQUIT", SIGPIPE: "SIGPIPE"][signal]
    }
}
