import Foundation

extension Repository {
    /// The commits HEAD of linked worktree `name` pointed to, newest first, from its reflog
    /// (`<common dir>/worktrees/<name>/logs/HEAD`). Read from the file so that it works when the
    /// worktree folder, or the branch it had checked out, is gone: that reflog is then the last
    /// trace of commits made there. Empty when there is none.
    public func worktreeHeadHistory(name: String) -> [ObjectID] {
        guard let data = FileManager.default.contents(atPath: commonDir + "/worktrees/\(name)/logs/HEAD") else { return [] }
        var result: [ObjectID] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n").reversed() {
            // "<old> <new> <identity> <time> <zone>\t<message>"
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count >= 2, let new = ObjectID(hex: String(fields[1])), !new.isZero, !result.contains(new) else { continue }
            result.append(new)
        }
        return result
    }
}
