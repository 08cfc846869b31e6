import Foundation
import OrchestrateTestSupport
import Testing

/// Broken states an interrupted merge (or a killed git command) leaves, made by hand: doctor
/// finds each, `doctor --repair` or the next `merge` puts it right, nothing of the user's lost.
@Suite("merge buffer recovery")
struct MergeRecoveryTests {
    @Test("a task worktree killed half way through its reset (some files new, the index old) is found by doctor and finished by doctor --repair; the task lands")
    func halfResetWorktree() throws {
        let repo = try TestRepo.forMerge()
        // One task at a time: the branch and its worktree move before the checks (a batch
        // moves them after its landing, and the crash matrix kills it there).
        try repo.commitConfig("""
            {"merge": {"batchSize": 1}, "checks": [{"name": "has a", "command": ["test", "-f", "a.txt"]}]}
            """, message: "a check")
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        try repo.commit("other.txt", "x\n", message: "external")
        let merge = try BackgroundMerge(repo, pause: "before-worktree-reset")
        try merge.wait(for: "paused at before-worktree-reset")
        merge.kill9()
        // What libgit2's reset leaves when killed after writing one file, before the index.
        try repo.write("other.txt", "x\n", in: t1.worktree)
        #expect(try repo.git("status", "--porcelain", in: t1.worktree) != "")
        let doctor = try repo.orchestrate("doctor")
        #expect(doctor.status == 1 && doctor.stdout.contains("half reset"), "\(doctor)")
        let repaired = try repo.orchestrate("doctor", "--repair")
        #expect(repaired.stdout.contains("finished resetting it"), "\(repaired)")
        #expect(try repo.git("status", "--porcelain", in: t1.worktree) == "")
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0, "\(result)")
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "merged")
    }

    @Test("the same half reset, without doctor, with a file cut short by the kill and the reset's index.lock left: the next merge finishes it and lands (never blocked forever)", arguments: [false, true])
    func halfResetFinishedByMerge(torn: Bool) throws {
        let repo = try TestRepo.forMerge()
        try repo.commitConfig("""
            {"checks": [{"name": "true", "command": ["true"]}]}
            """, message: "a check")
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        try repo.commit("other.txt", "x\n", message: "external")
        let merge = try BackgroundMerge(repo, pause: "before-worktree-reset")
        try merge.wait(for: "paused at before-worktree-reset")
        merge.kill9()
        try repo.write("other.txt", torn ? "" : "x\n", in: t1.worktree)
        if torn {
            let admin = try repo.git("rev-parse", "--git-dir", in: t1.worktree).trimmingCharacters(in: .whitespacesAndNewlines)
            _ = FileManager.default.createFile(atPath: admin + "/index.lock", contents: nil)
        }
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0 && result.stderr.contains("finished resetting the worktree"), "\(result)")
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "merged")
    }

    @Test("a kill in the middle of deleting a landed task's branch leaves git's lock on it: the next merge removes it and doctor is satisfied")
    func landedBranchLockRemoved() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        _ = try repo.orchestrateOK("merge")
        // What libgit2 leaves when killed between taking the ref's lock and removing it.
        let lock = repo.path + "/.git/refs/heads/orchestrate/\(t1.id).lock"
        try FileManager.default.createDirectory(atPath: repo.path + "/.git/refs/heads/orchestrate", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: lock, contents: Data()))
        #expect(try repo.orchestrate("doctor").status == 1)
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0 && result.stderr.contains("removed \(lock)"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: lock))
        let doctor = try repo.orchestrate("doctor")
        #expect(doctor.status == 0, "\(doctor)")
    }

    @Test("a checkout left showing landed files as staged reversals (git's index.lock held during the catch-up) is found by doctor and brought forward, the user's own edit kept")
    func stagedReversalsBroughtForward() throws {
        let repo = try TestRepo.forMerge(files: ["README.md": "hello\n", "b.txt": "b\n", "c.txt": "c\n"])
        let t1 = try repo.approvedTask("Change", files: [("a.txt", "a\n"), ("b.txt", "b2\n"), ("c.txt", "c2\n")])
        let lock = repo.path + "/.git/index.lock"
        _ = FileManager.default.createFile(atPath: lock, contents: nil)
        let merged = try repo.orchestrate("merge", "--no-checks")
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "merged", "\(merged)")
        try FileManager.default.removeItem(atPath: lock)
        let status = try repo.git("status", "--porcelain")
        #expect(status.contains("D  a.txt") || status.contains("D  b.txt") || status.contains("M  b.txt"), "the checkout shows the landing reversed: \(status)")
        // The user edits one landed file meanwhile: that edit is theirs.
        try repo.write("c.txt", "my own c\n")
        let doctor = try repo.orchestrate("doctor")
        #expect(doctor.status == 1 && doctor.stdout.contains("staged reversals"), "\(doctor)")
        let repaired = try repo.orchestrate("doctor", "--repair")
        #expect(repaired.stdout.contains("brought \(repo.path) forward"), "\(repaired)")
        #expect(repaired.stdout.contains("left c.txt"), "\(repaired)")
        #expect(repo.read("a.txt") == "a\n" && repo.read("b.txt") == "b2\n")
        #expect(repo.read("c.txt") == "my own c\n", "the user's edit is kept")
        let after = try repo.git("status", "--porcelain", "--", "a.txt", "b.txt")
        #expect(after == "", "nothing landed shows reversed: \(after)")
        #expect(try repo.git("diff", "--cached", "--name-only", "--", "a.txt", "b.txt") == "")
    }

    @Test("a stale refs/heads/main.lock: merge's error names the lock file; once it is gone the task lands")
    func staleRefLock() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        try repo.commit("other.txt", "x\n", message: "external")
        let lock = repo.path + "/.git/refs/heads/main.lock"
        _ = FileManager.default.createFile(atPath: lock, contents: nil)
        let result = try repo.orchestrate("merge")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("refs/heads/main.lock") && !result.stderr.contains("kept moving"), "\(result)")
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "approved")
        try FileManager.default.removeItem(atPath: lock)
        let again = try repo.orchestrate("merge")
        #expect(again.status == 0, "\(again)")
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "merged")
        try repo.orchestrateOK("audit", "verify")
    }

    @Test("a target moved back behind its newest landing: doctor names the landing, doctor --repair moves the target forward to it")
    func targetMovedBack() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        try repo.orchestrateOK("merge")
        let landed = try repo.revParse("main")
        try repo.git("reset", "-q", "--hard", "main~1")
        let doctor = try repo.orchestrate("doctor")
        #expect(doctor.status == 1 && doctor.stdout.contains("does not contain the recorded landing of \(t1.id)"), "\(doctor)")
        let repaired = try repo.orchestrate("doctor", "--repair")
        #expect(repaired.stdout.contains("moved it forward"), "\(repaired)")
        #expect(try repo.revParse("main") == landed)
        #expect(repo.read("a.txt") == "a\n")
        #expect(try repo.git("status", "--porcelain") == "")
    }

    @Test("killed after the landing was recorded, before its cleanup or in the middle of removing the worktree: the next merge removes the worktree and branch as an uninterrupted run does", arguments: [false, true])
    func cleanupFinished(halfRemoved: Bool) throws {
        try cleanupFinished(halfRemoved: halfRemoved, folderGone: false)
        if halfRemoved { try cleanupFinished(halfRemoved: false, folderGone: true) }
    }

    private func cleanupFinished(halfRemoved: Bool, folderGone: Bool) throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        try repo.commit("other.txt", "x\n", message: "external")
        let merge = try BackgroundMerge(repo, pause: "before-cleanup")
        try merge.wait(for: "paused at before-cleanup")
        merge.kill9()
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "merged")
        #expect(FileManager.default.fileExists(atPath: t1.worktree))
        if halfRemoved {
            // What a removal killed half way leaves: the folder, no longer a repository.
            try FileManager.default.removeItem(atPath: t1.worktree + "/.git")
        }
        if folderGone {
            // Killed after the folder went, before git's admin data for it did.
            try FileManager.default.removeItem(atPath: t1.worktree)
        }
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0, "\(result)")
        #expect(!FileManager.default.fileExists(atPath: t1.worktree), "the worktree is removed")
        #expect(try repo.gitResult("rev-parse", "--verify", "-q", "refs/heads/orchestrate/\(t1.id)").status != 0, "and the branch")
        #expect(try repo.taskJSON(t1.id)["worktree"] is NSNull)
    }
}
