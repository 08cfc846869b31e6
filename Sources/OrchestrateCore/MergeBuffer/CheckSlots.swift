import Foundation
import OrchestrateGit
import OrchestrateModel

/// The folders checks run in: detached worktrees `<state>/check-slots/<n>`, made once and
/// recycled — each run resets its slot to the candidate commit, which writes only the files that
/// differ from the slot's previous commit. Never a task's worktree (its uncommitted work is
/// its own business) and never the user's checkout.
///
/// A kill at any point leaves at worst a slot half reset, or half made: the next run resets it
/// again (a reset writes every file that differs), or removes and makes it again when it is no
/// longer a work tree.
struct CheckSlots {
    /// `<state>/check-slots`.
    let root: String
    /// The main repository (where `git worktree add` registers the slots).
    let mainWorkTree: String
    let environment: [String: String]
    /// Crash testing: `before-slot-reset`, before a slot's files are written.
    let pause: (String) -> Void

    func path(_ slot: Int) -> String { root + "/\(slot)" }

    /// Puts `commit` (clean: tracked files exactly as committed, untracked files removed,
    /// ignored build output kept for the next run) in slot `slot` and returns its folder.
    func prepare(_ slot: Int, at commit: ObjectID) throws -> String {
        let folder = path(slot)
        pause("before-slot-reset")
        if let repo = try? Repository.open(at: folder) {
            do {
                try repo.hardReset(to: commit)
                return folder
            } catch let error as GitError where error.code == .locked {
                // Only this merge (holding the merge lock) uses the slots: the lock is a killed
                // run's.
                try? FileManager.default.removeItem(atPath: repo.gitDir + "/index.lock")
                try repo.hardReset(to: commit)
                return folder
            }
        }
        // Missing, or left half made or half removed by a kill: made again from scratch.
        if FileManager.default.fileExists(atPath: folder) { try FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = try? git(["worktree", "prune"])
        let added = try git(["worktree", "add", "--detach", "--force", folder, commit.hex])
        guard added.succeeded else {
            throw OrchestrateError.failed(
                "could not make the check slot \(folder) (git worktree add: \(added.firstError)); remove that folder, run `git worktree prune` and `git orchestrate merge` again")
        }
        return folder
    }

    private func git(_ args: [String]) throws -> ToolProcess.Result {
        try ToolProcess.run(["git"] + args, in: mainWorkTree, environment: environment)
    }
}

extension Orchestrator {
    /// This repository's check slots.
    var checkSlots: CheckSlots {
        CheckSlots(
            root: paths.stateDir + "/check-slots", mainWorkTree: paths.mainWorktree,
            environment: context.environment.filter { !["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR"].contains($0.key) },
            pause: { [unowned self] point in self.faultInjectionPause(point) })
    }
}
