import Foundation

extension Orchestrator {
    /// Finds the agent's program before anything is recorded, so that a command that cannot be
    /// found is bad input (exit 2) naming where it was looked for, and uses up no attempt.
    /// A relative path with a slash is looked for in the task's worktree first (where the agent
    /// runs: a tracked script), then in the directory the command was given in (an untracked
    /// script of the main checkout, as a shell would find it), which is then passed absolute.
    /// A bare name is looked up on PATH; an absolute path must exist. A nil `worktree` stands
    /// for the worktrees `up` will create: there a relative script must be tracked.
    func resolveProgram(_ command: [String], worktree: String?) throws -> [String] {
        guard let program = command.first else { return command }
        var argv = command
        let fm = FileManager.default
        func usable(_ path: String) throws -> Bool {
            guard fm.fileExists(atPath: path) else { return false }
            guard fm.isExecutableFile(atPath: path) else {
                throw OrchestrateError.badInput(
                    "permission denied: the agent program \(path) is not executable; run `chmod +x \(path)` or start it through its interpreter")
            }
            return true
        }
        if program.hasPrefix("/") {
            guard try usable(program) else {
                throw OrchestrateError.badInput("the agent program \(program) does not exist; fix the path (nothing was run)")
            }
        } else if program.contains("/") {
            let inWorktree = URL(fileURLWithPath: (worktree ?? worktreeRootPath + "/<id>") + "/" + program).standardizedFileURL.path
            let cwd = fm.currentDirectoryPath
            let inCwd = URL(fileURLWithPath: cwd + "/" + program).standardizedFileURL.path
            // Before `start`, the worktree will hold what the main work tree tracks.
            let worktreeExists = worktree.map { fm.fileExists(atPath: $0) } ?? false
            let beforeStart = URL(fileURLWithPath: paths.mainWorktree + "/" + program).standardizedFileURL.path
            let candidate = worktreeExists ? inWorktree : beforeStart
            if try usable(candidate) {
                if worktreeExists || isTracked(program) { return argv }
            }
            guard try usable(inCwd) else {
                throw OrchestrateError.badInput(
                    "the agent program \(program) was not found: looked in the task's worktree (\(inWorktree)) and in \(cwd) (\(inCwd)); pass an absolute path or a program on PATH (no attempt was used)")
            }
            context.err("note: running \(inCwd) (found in \(cwd), not in the task's worktree)")
            argv[0] = inCwd
        } else {
            let dirs = (context.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            guard dirs.contains(where: { fm.isExecutableFile(atPath: $0 + "/" + program) }) else {
                throw OrchestrateError.badInput(
                    "the agent program \(program) is not on PATH (\(dirs.joined(separator: ":"))); install it or give its path (no attempt was used)")
            }
        }
        return argv
    }

    /// Whether `path` (relative to the work tree root) is a file the target branch tracks.
    private func isTracked(_ path: String) -> Bool {
        let relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        return (try? mainRepository.treeEntryExists(at: targetTip(), path: relative)) ?? false
    }
}
