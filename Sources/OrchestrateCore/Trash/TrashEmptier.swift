import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What `merge` did with the worktrees it set aside, for the user and for scripts that wait.
public struct TrashStatus: Sendable, Equatable {
    /// `<state>/trash`.
    public var path: String
    /// The entries set aside by this run (folders under `path`): gone once emptied.
    public var entries: [String]
    /// The background emptier started for them (`git orchestrate gc --trash`), if any.
    public var emptierPid: Int32?
    /// Where the emptier writes what it did.
    public var log: String
    /// Whether the trash was emptied before `merge` returned (`merge.cleanup: "foreground"`).
    public var emptied: Bool
}

extension Orchestrator {
    /// The end of a merge: nil when the trash holds nothing to empty; else it is emptied or an
    /// emptier started (entries a killed run left are emptied along with this run's).
    func disposeOfTrashAfterMerge() -> TrashStatus? {
        let entries = trashedThisRun
        trashedThisRun = []
        let waiting = trash.entryNames().filter(trash.isMoved)
        guard !waiting.isEmpty || !trash.deletingNames().isEmpty else { return nil }
        return disposeOfTrash(entries: entries.isEmpty ? waiting : entries)
    }

    /// After a run that set worktrees aside: empties the trash in the foreground, or starts
    /// `git orchestrate gc --trash` in a session of its own (setsid, so it outlives `merge`
    /// and a terminal's hang-up), its output appended to `<state>/logs/trash.log`.
    func disposeOfTrash(entries: [String]) -> TrashStatus {
        let log = paths.logsDir + "/trash.log"
        var status = TrashStatus(path: trash.directory, entries: entries, emptierPid: nil, log: log, emptied: false)
        if config.merge.cleanup == .background, let binary = HookFiles.currentExecutable(),
            (binary as NSString).lastPathComponent == "git-orchestrate"
        {
            do {
                status.emptierPid = try spawnDetached([binary, "-C", paths.mainWorktree, "gc", "--trash"], log: log)
                return status
            } catch {
                context.err("note: could not start the trash emptier (\(error)); emptying the trash now")
            }
        }
        do {
            _ = try emptyTrash(finishingMoves: false) { context.err("merge: trash: " + $0) }
            status.emptied = true
        } catch {
            context.err("note: could not empty the trash \(trash.directory) (\(error)); run `git orchestrate gc`")
        }
        return status
    }

    /// Starts `argv` detached from this process: a new session, stdin from /dev/null, stdout and
    /// stderr appended to `log`, no other descriptor inherited. Never waited for.
    private func spawnDetached(_ argv: [String], log: String) throws -> Int32 {
        try FileManager.default.createDirectory(atPath: paths.logsDir, withIntermediateDirectories: true)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc 2.26+) is hidden behind _GNU_SOURCE: its value is 0x80.
        let setsid: Int32 = 0x80
        posix_spawnattr_setflags(&attributes, Int16(setsid | POSIX_SPAWN_SETSIGMASK))
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        SpawnExtensions.addCloseFrom(&actions, 3)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = context.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        guard status == 0 else { throw OrchestrateError.failed("could not start \(argv[0]): \(String(cString: strerror(status)))") }
        // A long-lived caller (serve, mcp, up) must not collect zombies, one per merge: reap it
        // when it ends. A short one exits first, and init reaps it.
        let child = pid
        Thread.detachNewThread {
            var ignored: Int32 = 0
            _ = waitpid(child, &ignored, 0)
        }
        return pid
    }
}
