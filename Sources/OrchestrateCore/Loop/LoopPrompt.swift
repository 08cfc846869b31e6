import Foundation
import OrchestrateModel

/// The part of an attempt's prompt file that says why the task came back: the evidence of the
/// newest return in full (check output, conflicting paths and the commands to rebase), the
/// earlier ones in a line each. The agent acts on it without a person relaying anything.
struct LoopPrompt {
    let task: TaskRecord
    /// The causes of every return, oldest first.
    let causes: [LoopCause]

    var text: String {
        guard let last = causes.last else { return "" }
        var text = "\n## Returned to you: \(last.summary)\n\n"
        let worktree = task.worktree ?? "the task's worktree"
        switch last {
        case .checkFailed(let check, let command, let status, let timedOut, let tail, let commit):
            text += "The merge buffer rebased your work and ran the check `\(check)`"
            if let commit { text += " on commit \(commit)" }
            text += ":\n\n    command: \(LoopPrompt.shellWords(command))\n"
            text += timedOut ? "    result: timed out\n" : "    exit status: \(status)\n"
            text += "\nLast lines of its output:\n\n```\n\(tail)\n```\n"
            text += "\nYour work is in \(worktree) on branch \(task.branch), as the check saw it. Fix the failure there and commit.\n"
        case .conflicted(let paths, let target, let tip, _):
            text += "Replaying your work onto \(target) at \(tip) conflicted in:\n\n"
            text += paths.map { "- \($0)\n" }.joined()
            text += "\nRebase onto that commit in \(worktree), resolve the conflicts, and continue:\n\n"
            text += "    cd \(LoopPrompt.shellWord(worktree))\n    git rebase \(tip)\n"
            text += "    # resolve the conflicts in the files above, then:\n"
            text += "    git add \(paths.map(LoopPrompt.shellWord).joined(separator: " "))\n"
            text += "    GIT_EDITOR=true git rebase --continue\n"
            text += "\n(`git rebase \(target)` takes \(target)'s newest tip instead.)\n"
        case .approvalVoided(let reason, let target, let tip):
            text += "The approval no longer holds: \(reason).\n"
            if let tip {
                text += "\nRebase onto \(target) at \(tip) in \(worktree), check that the change still does what it should, and commit:\n\n"
                text += "    cd \(LoopPrompt.shellWord(worktree))\n    git rebase \(tip)\n"
            }
        case .rejected(let reason):
            text += "A reviewer rejected the change: \(reason)\n"
        case .stalled(let idle):
            text += "The last attempt made no commit, changed no file and reported no progress for \(idle)s, "
            text += "so it was stopped. Its work is kept in \(worktree). Report progress with "
            text += "`git orchestrate heartbeat \(task.id) --progress MESSAGE` while you work.\n"
        }
        if causes.count > 1 {
            text += "\nEarlier returns:\n\n"
            text += causes.dropLast().enumerated().map { "\($0.offset + 1). \($0.element.summary)\n" }.joined()
        }
        return text
    }

    /// A word as a POSIX shell reads it: bare when safe, else in single quotes.
    static func shellWord(_ word: String) -> String {
        let safe = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_./=:@%+,"))
        if !word.isEmpty && word.unicodeScalars.allSatisfy(safe.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func shellWords(_ words: [String]) -> String { words.map(shellWord).joined(separator: " ") }
}
