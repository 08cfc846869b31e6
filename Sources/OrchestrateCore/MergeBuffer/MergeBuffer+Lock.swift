import Foundation

/// The merge buffer's exclusive lock (`<state dir>/locks/merge.lock`, flock): one merge at a
/// time per repository. Released when the value is dropped or the process dies.
final class MergeLock {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Takes the lock, waiting up to `wait` seconds; fails naming the pid that holds it and
    /// `then`, the command to run again once it is free.
    static func acquire(directory: String, wait: TimeInterval, then: String = "git orchestrate merge") throws -> MergeLock {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/merge.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw OrchestrateError.failed("cannot open the merge lock \(path): \(String(cString: strerror(errno))); check the permissions of \(directory)")
        }
        let deadline = Date().addingTimeInterval(wait)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if Date() >= deadline {
                var buffer = [UInt8](repeating: 0, count: 32)
                let n = pread(fd, &buffer, 31, 0)
                let holder = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "unknown"
                close(fd)
                throw OrchestrateError.failed(
                    "another merge is running (pid \(holder)); wait for it to finish, then run `\(then)` again")
            }
            usleep(50_000)
        }
        let pid = "\(getpid())\n"
        ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        return MergeLock(fd: fd)
    }
}
