import Foundation
import OrchestrateModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Orchestrator {
    /// `agent.setup` for a new worktree: copies `setup.copy` (files, folders or globs, relative
    /// to the main work tree — typically gitignored things such as `.env`) into it, then runs
    /// `setup.command` there. Throws when the command fails, so that the start is undone.
    func runAgentSetup(_ task: TaskRecord, worktree: String) throws {
        let setup = config.agent.setup
        for pattern in setup.copy { try copyIntoWorktree(pattern, worktree: worktree, task: task.id) }
        guard let command = setup.command else { return }
        try runSetupCommand(command, task: task, worktree: worktree)
    }

    /// Copies what `pattern` matches in the main work tree to the same place in `worktree`;
    /// files the checkout already has are left alone.
    func copyIntoWorktree(_ pattern: String, worktree: String, task: TaskID) throws {
        let components = pattern.split(separator: "/")
        guard !pattern.hasPrefix("/"), !components.contains("..") else {
            throw OrchestrateError.badInput(
                "`agent.setup.copy` entry \(pattern.debugDescription) must be a path inside the work tree (no leading / or ..); fix \(Config.fileName)")
        }
        let root = paths.mainWorktree.hasSuffix("/") ? String(paths.mainWorktree.dropLast()) : paths.mainWorktree
        let matches = Orchestrator.expandGlob(Orchestrator.escapeGlob(root) + "/" + pattern)
        if matches.isEmpty {
            context.err("note: `agent.setup.copy` entry \(pattern) matches nothing in \(root); nothing copied for \(task)")
        }
        let fm = FileManager.default
        for source in matches where source.hasPrefix(root + "/") {
            let relative = String(source.dropFirst(root.count + 1))
            if relative == ".git" || relative.hasPrefix(".git/") { continue }
            let destination = worktree + "/" + relative
            if fm.fileExists(atPath: destination) {
                context.err("note: kept \(relative) as checked out in the worktree of \(task) (`agent.setup.copy` does not overwrite)")
                continue
            }
            try fm.createDirectory(
                atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            do {
                try fm.copyItem(atPath: source, toPath: destination)
            } catch {
                throw OrchestrateError.failed(
                    "could not copy \(relative) into the worktree of \(task) (\(error.localizedDescription)); check `agent.setup.copy` and the file's permissions")
            }
        }
    }

    /// Runs the set-up command in the worktree, output to `logs/<id>/setup.log`, stopped after
    /// `agent.timeoutSeconds`.
    func runSetupCommand(_ command: [String], task: TaskRecord, worktree: String) throws {
        try FileManager.default.createDirectory(atPath: logDirectory(for: task.id), withIntermediateDirectories: true)
        let log = logDirectory(for: task.id) + "/setup.log"
        let values = ["id": task.id.rawValue, "title": task.title, "worktree": worktree]
        let argv = command.map { AgentInvocation.substitute($0, values) }
        appendToLog(log, "[git-orchestrate] set-up of \(task.id) in \(worktree): \(JSONValue.array(argv.map(JSONValue.string)).canonicalText)")
        let child = try ChildProcess.spawn(
            argv, directory: worktree, environment: agentEnvironment(task: task, worktree: worktree), logPath: log)
        let deadline = Date().addingTimeInterval(TimeInterval(config.agent.timeoutSeconds))
        var termination: Termination?
        while termination == nil {
            termination = child.poll()
            if termination == nil && Date() >= deadline {
                child.signalGroup(SIGKILL)
            }
            if termination == nil { usleep(50_000) }
        }
        if !ProcessGroup.liveMembers(child.pid).isEmpty { child.signalGroup(SIGKILL) }
        let how: String
        switch termination {
        case .exited(0)?: return
        case .exited(let code)?: how = "exited with status \(code)"
        case .signaled(let signal)?: how = "was killed by signal \(signal)"
        case nil: how = "did not finish"
        }
        let last = logTail(log)?.split(separator: "\n").last.map { " (last output: \($0))" } ?? ""
        throw OrchestrateError.failed(
            "the set-up command of \(task.id) \(how)\(last); the start was undone — see \(log), fix `agent.setup.command` and start \(task.id) again")
    }

    static func escapeGlob(_ path: String) -> String {
        var escaped = ""
        for ch in path {
            if "*?[]\\".contains(ch) { escaped.append("\\") }
            escaped.append(ch)
        }
        return escaped
    }

    /// The paths `pattern` matches (glob(3)), sorted; empty when none.
    static func expandGlob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }
}
