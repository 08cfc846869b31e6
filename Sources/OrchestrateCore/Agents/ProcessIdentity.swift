import Foundation

/// A process named by its pid and its start time, so that a later process can tell whether a
/// recorded pid still belongs to the same program (pids are reused).
public struct ProcessIdentity: Sendable, Equatable {
    public var pid: Int32
    /// `/proc/<pid>/stat` field 22: clock ticks since boot when the process started.
    public var startTime: String?

    public init(pid: Int32, startTime: String?) {
        self.pid = pid
        self.startTime = startTime
    }

    /// This process.
    public static var current: ProcessIdentity {
        let pid = getpid()
        return ProcessIdentity(pid: pid, startTime: startTime(of: pid))
    }

    /// The start time of `pid` from `/proc/<pid>/stat`, or nil when there is no such process
    /// (or no /proc).
    public static func startTime(of pid: Int32) -> String? { stat(of: pid)?.startTime }

    /// Whether the process is still running (not a zombie) and is the one recorded: same start
    /// time when one was recorded.
    public var isAlive: Bool {
        guard pid > 0 else { return false }
        if let info = ProcessIdentity.stat(of: pid) {
            if info.state == "Z" || info.state == "X" { return false }
            if let startTime { return info.startTime == startTime }
            return true
        }
        // No /proc (not Linux): fall back to whether the pid exists at all.
        if FileManager.default.fileExists(atPath: "/proc/self/stat") { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// The state letter and start time of `pid`.
    static func stat(of pid: Int32) -> (state: Character, startTime: String)? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        // Field 2 is the command name in parentheses and may itself hold spaces or ')': the
        // fields after the last ')' are plain.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let rest = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // rest[0] is field 3 (state); field 22 is rest[19].
        guard rest.count > 19, let state = rest[0].first else { return nil }
        return (state, String(rest[19]))
    }
}

extension ProcessGroup {
    /// The live (not zombie) processes of the group led by `pgid`, from /proc; where there is
    /// no /proc, `[pgid]` when the group has any member at all.
    static func liveMembers(_ pgid: pid_t) -> [pid_t] {
        guard pgid > 1 else { return [] }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else {
            return hasMembers(pgid) ? [pgid] : []
        }
        var members: [pid_t] = []
        for entry in entries {
            guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { continue }
            let text = String(decoding: data, as: UTF8.self)
            guard let close = text.lastIndex(of: ")") else { continue }
            let rest = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
            // rest[0] is the state (field 3), rest[2] the process group (field 5).
            guard rest.count > 2, rest[0] != "Z", rest[0] != "X", pid_t(rest[2]) == pgid else { continue }
            members.append(pid)
        }
        return members
    }
}
