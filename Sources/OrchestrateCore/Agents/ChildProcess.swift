import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a child process ended, decoded from a `waitpid` status.
public enum Termination: Sendable, Equatable {
    case exited(Int32)
    case signaled(Int32)

    init(waitStatus status: Int32) {
        // WIFEXITED / WEXITSTATUS / WTERMSIG are C macros that do not import into Swift.
        if status & 0x7f == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signaled(status & 0x7f)
        }
    }
}

/// A child process started with `posix_spawn` in a process group of its own: no shell, output
/// appended to a log file, stdin from /dev/null, no inherited descriptors beyond 0–2.
/// Being a group leader lets the supervisor stop the agent and everything it started at once
/// (`kill(-pgid)`), and keeps the terminal's Ctrl-C away from the agent.
struct ChildProcess {
    let pid: pid_t

    /// Spawns `argv` in `directory` with exactly `environment`. A program name without a slash
    /// is looked up on the supervisor's PATH; a relative path with a slash is relative to
    /// `directory`. Throws `OrchestrateError.failed` naming the program when it cannot start.
    static func spawn(
        _ argv: [String], directory: String, environment: [String: String], logPath: String
    ) throws -> ChildProcess {
        guard let program = argv.first else { throw OrchestrateError.badInput("an agent command needs a program to run") }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }

        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        posix_spawnattr_setflags(&attributes, Int16(flags))
        posix_spawnattr_setpgroup(&attributes, 0)
        // The supervisor catches SIGINT/SIGTERM; the agent gets the default behaviour back and
        // an empty signal mask, whatever the supervisor had.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)

        // chdir first: the later actions (and a relative program path) resolve in the worktree.
        try SpawnExtensions.addChdir(&actions, directory)
        SpawnExtensions.addCloseFrom(&actions, 3)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = program.contains("/")
            ? posix_spawn(&pid, program, &actions, &attributes, cArgs, cEnv)
            : posix_spawnp(&pid, program, &actions, &attributes, cArgs, cEnv)
        guard status == 0 else {
            let reason = String(cString: strerror(status))
            throw OrchestrateError.failed(
                "could not start \(program) in \(directory): \(reason); check the command (`agent.command` or the one after `--`)")
        }
        return ChildProcess(pid: pid)
    }

    /// Returns how the child ended, or nil while it is still running. Never blocks.
    func poll() -> Termination? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid { return Termination(waitStatus: status) }
        if result == -1 && errno == ECHILD { return .exited(-1) }  // reaped elsewhere: unknown
        return nil
    }

    /// Sends `signal` to the child's whole process group.
    func signalGroup(_ signal: Int32) { ProcessGroup.signal(pid, signal) }
}

/// Process groups by their leader's pid.
enum ProcessGroup {
    /// Sends `signal` to every process in the group led by `pgid`.
    static func signal(_ pgid: pid_t, _ signal: Int32) {
        guard pgid > 1 else { return }  // never 0 (our own group) or 1 (init)
        _ = kill(-pgid, signal)
    }

    /// Whether any process is left in the group.
    static func hasMembers(_ pgid: pid_t) -> Bool {
        guard pgid > 1 else { return false }
        return kill(-pgid, 0) == 0 || errno == EPERM
    }
}

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+) and `…_addclosefrom_np` (2.34+)
/// are declared only under `_GNU_SOURCE`, which Swift's Glibc module does not define: they are
/// looked up by name in the C library instead.
enum SpawnExtensions {
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        let handle = dlopen(nil, RTLD_NOW)
        return dlsym(handle, name)
    }

    static func addChdir(_ actions: inout posix_spawn_file_actions_t, _ directory: String) throws {
        guard let address = symbol("posix_spawn_file_actions_addchdir_np") else {
            throw OrchestrateError.failed(
                "this C library lacks posix_spawn_file_actions_addchdir_np (glibc 2.29 or later is needed to start agents)")
        }
        let addChdir = unsafeBitCast(address, to: AddChdir.self)
        let status = addChdir(&actions, directory)
        guard status == 0 else {
            throw OrchestrateError.failed("could not prepare to start an agent in \(directory): \(String(cString: strerror(status)))")
        }
    }

    /// Closes every descriptor from `lowest` up in the child, when the C library can.
    static func addCloseFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) {
        // Without it the child still loses most descriptors (SQLite, libgit2 and Foundation
        // open with O_CLOEXEC); this makes sure of the rest.
        guard let address = symbol("posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(address, to: AddCloseFrom.self)(&actions, lowest)
    }
}
