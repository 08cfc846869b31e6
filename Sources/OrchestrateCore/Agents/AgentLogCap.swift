import Foundation

/// Keeps an agent's log within `agent.maxLogBytes`. The agent writes to the file directly
/// (O_APPEND, no pipe through the supervisor, so a supervisor that dies never blocks it); the
/// supervisor checks the size at each poll and, past the cap, rewrites the file as a line
/// saying what was dropped followed by the most recent half of the cap.
enum AgentLogCap {
    /// Cuts the log at `path` back when it is larger than `maxBytes`; returns how many bytes
    /// were dropped (nil when nothing was done). Output the agent appends while the file is
    /// being rewritten (a few milliseconds) can be lost with the dropped part.
    @discardableResult
    static func enforce(_ path: String, maxBytes: Int) -> Int? {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, Int(info.st_size) > maxBytes else { return nil }
        let size = Int(info.st_size)
        let keep = maxBytes / 2
        var tail = [UInt8](repeating: 0, count: keep)
        let read = pread(fd, &tail, keep, off_t(size - keep))
        guard read > 0 else { return nil }
        tail.removeSubrange(read...)
        // Start at a line boundary when one is near, so that the first kept line is whole.
        if let newline = tail.prefix(4096).firstIndex(of: 0x0a) { tail.removeSubrange(...newline) }
        let dropped = size - tail.count
        let header = Array("[git-orchestrate] \(dropped) bytes of earlier output dropped (agent.maxLogBytes = \(maxBytes)); the most recent output follows\n".utf8)
        let content = header + tail
        let written = content.withUnsafeBytes { pwrite(fd, $0.baseAddress, content.count, 0) }
        guard written == content.count else { return nil }
        ftruncate(fd, off_t(content.count))
        return dropped
    }
}
