import Foundation

/// The merge buffer's exclusive lock (`<state dir>/locks/merge.lock`, flock): one merge at a
/// time per repository. Released when the value is dropped or the process dies.
///
/// The file holds the holder's pid and is removed on release, so a file left behind means its
/// holder was killed: the next holder takes it over (flock is free once the process is gone)
/// and removes it in turn; `doctor` reports it and `--repair` removes it.
final class MergeLock {
    private let fd: Int32
    private let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit {
        // Unlinked while still held: a process waiting on this file notices (its inode is no
        // longer the one at the path) and opens the path again.
        unlink(path)
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// The lock file in `directory`.
    static func path(in directory: String) -> String { directory + "/merge.lock" }

    /// Takes the lock, waiting up to `wait` seconds; fails naming the pid that holds it and
    /// `then`, the command to run again once it is free.
    static func acquire(directory: String, wait: TimeInterval, then: String = "git orchestrate merge") throws -> MergeLock {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = path(in: directory)
        let deadline = Date().addingTimeInterval(wait)
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw OrchestrateError.failed("cannot open the merge lock \(path): \(String(cString: strerror(errno))); check the permissions of \(directory)")
            }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                // The previous holder may have removed the file between our open and our lock:
                // then this lock guards nothing, try again on the file now at the path.
                guard isStillAtPath(fd, path) else {
                    close(fd)
                    continue
                }
                let pid = "\(getpid())\n"
                ftruncate(fd, 0)
                _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
                return MergeLock(fd: fd, path: path)
            }
            if Date() >= deadline {
                let holder = readHolder(fd) ?? "unknown"
                close(fd)
                throw OrchestrateError.failed(
                    "another merge is running (pid \(holder)); wait for it to finish, then run `\(then)` again")
            }
            close(fd)
            usleep(50_000)
        }
    }

    /// What `doctor` sees at the lock: nothing, a merge holding it, or a file left by a holder
    /// that is gone (removed when `remove`).
    enum Inspection: Equatable {
        case absent
        case held(pid: String)
        case stale(pid: String, removed: Bool)
    }

    static func inspect(directory: String, remove: Bool) -> Inspection {
        let path = path(in: directory)
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return .absent }
        defer { close(fd) }
        let pid = readHolder(fd) ?? "unknown"
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return .held(pid: pid) }
        defer { flock(fd, LOCK_UN) }
        guard isStillAtPath(fd, path) else { return .absent }
        if remove { unlink(path) }
        return .stale(pid: pid, removed: remove)
    }

    private static func isStillAtPath(_ fd: Int32, _ path: String) -> Bool {
        var open = stat()
        var named = stat()
        guard fstat(fd, &open) == 0, stat(path, &named) == 0 else { return false }
        return open.st_ino == named.st_ino && open.st_dev == named.st_dev
    }

    private static func readHolder(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, 31, 0)
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
