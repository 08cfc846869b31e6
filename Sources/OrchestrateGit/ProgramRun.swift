import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a program run to completion printed, and how it ended.
public struct ProgramOutput: Sendable {
    /// The exit status, or 128 + the signal number when a signal ended it.
    public var status: Int32
    public var stdout: Data
    public var stderr: Data
}

/// Runs a short helper program (git itself, for the answers only git gives exactly) and waits
/// for it, without Foundation's `Process`.
///
/// Why: on Linux `Process.waitUntilExit()` spins the run loop in 50 ms slices, so a child that
/// has already exited is noticed up to 50 ms late, and `Process.run()` lists /proc/self/fd
/// before each start. Traced on `submit` (strace -tt): 48 and 50 ms lost after each of its
/// two git children had exited, about 100 ms of a 470 ms command. Here the caller blocks in
/// `poll` on the child's pipes and then in `waitpid`: nothing is lost.
public enum ProgramRun {
    /// Runs `argv` (`argv[0]` looked up on the PATH of `environment`) in `directory` with
    /// stdin from /dev/null; returns its output. Throws when it cannot be started.
    public static func run(_ argv: [String], environment: [String: String], directory: String? = nil) throws -> ProgramOutput {
        guard let name = argv.first, let program = locate(name, path: environment["PATH"]) else {
            throw GitError(code: .notFound, errorClass: 0, message: "\(argv.first ?? "a program") is not on PATH", function: "ProgramRun.run")
        }
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard pipe(&outPipe) == 0 else { throw failure("pipe") }
        guard pipe(&errPipe) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            throw failure("pipe")
        }
        // The child keeps only the dup2 copies on 1 and 2 (pipe2 is not visible to Swift).
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        if let directory {
            // glibc 2.29+ declares it only under _GNU_SOURCE, which Swift's Glibc lacks.
            typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
            guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addchdir_np") else {
                close(outPipe[0]); close(outPipe[1]); close(errPipe[0]); close(errPipe[1])
                throw failure("posix_spawn_file_actions_addchdir_np")
            }
            _ = unsafeBitCast(symbol, to: AddChdir.self)(&actions, directory)
        }
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, nil, cArgs, cEnv)
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0]); close(errPipe[0])
            errno = spawned
            throw failure("posix_spawn \(program)")
        }
        let (stdout, stderr) = drain(outPipe[0], errPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ProgramOutput(status: code, stdout: stdout, stderr: stderr)
    }

    /// Reads both pipes to their ends (together: a child blocked on a full stderr pipe must
    /// not wait for us to finish stdout), then closes them.
    static func drain(_ out: Int32, _ err: Int32) -> (Data, Data) {
        var buffers = [Data(), Data()]
        var fds = [pollfd(fd: out, events: Int16(POLLIN), revents: 0), pollfd(fd: err, events: Int16(POLLIN), revents: 0)]
        var chunk = [UInt8](repeating: 0, count: 65536)
        while fds.contains(where: { $0.fd >= 0 }) {
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
                let count = chunk.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    buffers[i].append(contentsOf: chunk[0..<count])
                } else if count == 0 || errno != EINTR {
                    close(fds[i].fd)
                    fds[i].fd = -1  // poll ignores negative descriptors
                }
            }
        }
        return (buffers[0], buffers[1])
    }

    /// The executable `name` resolves to on `path` (as execvp would), or nil.
    static func locate(_ name: String, path: String?) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        let folders = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false)
        for folder in folders {
            let candidate = (folder.isEmpty ? "." : String(folder)) + "/" + name
            var info = stat()
            if stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    static func failure(_ what: String) -> GitError {
        GitError(code: .generic, errorClass: 0, message: "\(what) failed: \(String(cString: strerror(errno)))", function: "ProgramRun.run")
    }
}
