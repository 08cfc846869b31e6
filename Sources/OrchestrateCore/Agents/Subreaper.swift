import Foundation

/// Agent descendants that leave the agent's process group (`setsid`, double forks) escape
/// `kill(-pgid)`. The supervisor makes itself the child subreaper (Linux
/// `prctl(PR_SET_CHILD_SUBREAPER)`), so such orphans are re-parented to it rather than to init,
/// and it recognises them by the `ORCHESTRATE_RUN_MARK` each agent's environment carries (and
/// its descendants inherit), to stop them when their run ends and reap them.
enum Subreaper {
    /// The variable that marks every process of one run.
    static let runVariable = "ORCHESTRATE_RUN_MARK"

    /// The mark of run `runID` of this supervisor: `<supervisor pid>/<run id>`. Run ids are only
    /// unique within one database, and other repositories' agents run on the same machine; a
    /// live supervisor's pid is unique, and this variable is only ever read while it lives.
    static func mark(ofRun runID: Int64) -> String { "\(getpid())/\(runID)" }

    typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32

    /// Makes this process the subreaper of its descendants; false where unsupported.
    @discardableResult
    static func become() -> Bool {
        // prctl is variadic in C and does not import into Swift: called through its address
        // with the fixed arguments it takes for this option.
        guard let address = SpawnExtensions.symbol("prctl") else { return false }
        let prctl = unsafeBitCast(address, to: Prctl.self)
        return prctl(36 /* PR_SET_CHILD_SUBREAPER */, 1, 0, 0, 0) == 0
    }

    /// The live processes, other than those in the group `exceptGroup`, whose environment says
    /// they belong to run `runID` (readable for processes of this user only, which agents are).
    static func strays(ofRun runID: Int64, exceptGroup: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let marker = Array("\(runVariable)=\(mark(ofRun: runID))".utf8)
        let me = getpid()
        var found: [pid_t] = []
        for entry in entries {
            guard let pid = pid_t(entry), pid != me, let stat = processStat(pid),
                stat.state != "Z", stat.state != "X", stat.group != exceptGroup,
                let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ")
            else { continue }
            if environ.split(separator: 0, omittingEmptySubsequences: true).contains(where: { $0.elementsEqual(marker) }) {
                found.append(pid)
            }
        }
        return found
    }

    /// Reaps the exited children of this process that are not agents it waits for itself
    /// (orphans re-parented here), so that none stays a zombie.
    static func reapOrphans(except leaders: Set<pid_t>) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
        let me = getpid()
        for entry in entries {
            guard let pid = pid_t(entry), !leaders.contains(pid), let stat = processStat(pid),
                stat.state == "Z", stat.parent == me
            else { continue }
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
        }
    }

    /// State, parent and process group of `pid`, from `/proc/<pid>/stat`.
    static func processStat(_ pid: pid_t) -> (state: Character, parent: pid_t, group: pid_t)? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return nil }
        let rest = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // rest[0] state (field 3), rest[1] parent (4), rest[2] process group (5).
        guard rest.count > 2, let state = rest[0].first, let parent = pid_t(rest[1]), let group = pid_t(rest[2]) else { return nil }
        return (state, parent, group)
    }
}
