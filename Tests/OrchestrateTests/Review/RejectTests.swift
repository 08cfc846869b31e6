import Foundation
import OrchestrateTestSupport
import Testing

@Suite("reject and restore")
struct RejectTests {
    /// Bytes of every file in a work tree (the `.git` link excepted), keyed by relative path.
    static func files(in dir: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let root = URL(fileURLWithPath: dir)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [:] }
        for case let url as URL in walker where url.lastPathComponent != ".git" {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            result[String(url.path.dropFirst(root.path.count + 1))] = try Data(contentsOf: url)
        }
        return result
    }

    @Test("reject keeps committed, dirty and untracked work, resets to base; restore brings it back byte for byte")
    func rejectAndRestore() throws {
        let repo = try ReviewFixture.repo()
        let worktree = try ReviewFixture.submittedTask(repo)
        let committed = try repo.revParse("HEAD", in: worktree)
        let base = try repo.revParse("main")
        try repo.write("f.txt", "one\ntwo changed\n", in: worktree)                    // modified, unstaged
        try repo.write("staged.txt", "staged\n", in: worktree)
        try repo.git("add", "staged.txt", in: worktree)                              // new, staged
        try repo.write("notes/untracked.txt", "loose\n", in: worktree)               // untracked in a new folder
        try Data([0, 1, 2, 255, 254, 10, 13]).write(to: URL(fileURLWithPath: worktree + "/blob.bin"))
        try FileManager.default.removeItem(atPath: worktree + "/README.md")          // deleted
        let before = try Self.files(in: worktree)

        let result = try repo.orchestrate("reject", "T1", "--reason", "wrong approach")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "rejected T1; its branch and worktree are back at \(base.prefix(8))\n")
        #expect(result.stderr.contains("kept the work of T1 at refs/orchestrate/rejected/T1/1"))
        #expect(result.stderr.contains("`git orchestrate restore T1`"))
        // Rolled back: clean, at the base, no untracked leftovers.
        #expect(try repo.revParse("HEAD", in: worktree) == base)
        #expect(try repo.revParse("orchestrate/T1") == base)
        #expect(try repo.git("status", "--porcelain", "--untracked-files=all", in: worktree) == "")
        #expect(!FileManager.default.fileExists(atPath: worktree + "/notes"))
        let task = try ReviewFixture.show(repo)
        #expect(task["state"] as? String == "rejected")
        #expect(task["feedback"] as? String == "wrong approach")
        // The kept commit holds everything, on top of the committed work.
        let kept = try repo.revParse("refs/orchestrate/rejected/T1/1")
        #expect(try repo.revParse("\(kept)^") == committed)
        let keptFiles = try repo.git("ls-tree", "-r", "--name-only", kept).split(separator: "\n").map(String.init)
        #expect(keptFiles.sorted() == ["blob.bin", "f.txt", "notes/untracked.txt", "staged.txt"])
        let rejected = try #require(try ReviewFixture.events(repo).last)
        #expect(rejected["kind"] as? String == "rejected")
        let detail = try #require(rejected["detail"] as? [String: Any])
        #expect(detail["reason"] as? String == "wrong approach")
        #expect(detail["keptRef"] as? String == "refs/orchestrate/rejected/T1/1")
        #expect(detail["requeue"] as? Bool == false)

        let restored = try repo.orchestrate("restore", "T1")
        #expect(restored.status == 0, "\(restored)")
        #expect(restored.stdout == worktree + "\n")
        #expect(try repo.revParse("HEAD", in: worktree) == committed)
        #expect(try Self.files(in: worktree) == before)
        // The kept changes are uncommitted again (the staged file comes back unstaged).
        let status = try repo.git("status", "--porcelain", "--untracked-files=all", in: worktree)
        #expect(status == " D README.md\n M f.txt\n?? blob.bin\n?? notes/untracked.txt\n?? staged.txt\n")
        let after = try ReviewFixture.show(repo)
        #expect(after["state"] as? String == "running")
        #expect(after["base"] as? String == base)
        #expect(try ReviewFixture.events(repo).last?["kind"] as? String == "restored")
        // Nothing was deleted: the kept ref is still there.
        #expect(try repo.revParse("refs/orchestrate/rejected/T1/1") == kept)
    }

    @Test("reject --requeue removes the workspace; next starts the task again and show gives the feedback")
    func requeue() throws {
        let repo = try ReviewFixture.repo()
        let worktree = try ReviewFixture.submittedTask(repo)
        try repo.orchestrateOKAs(ReviewFixture.rita, "approve", "T1")
        #expect(try ReviewFixture.sqlite(repo, "SELECT count(*) FROM cleared_commits") == "1")
        let result = try repo.orchestrate("reject", "T1", "--reason", "use the new API", "--requeue")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("put it back in the queue"))
        #expect(!FileManager.default.fileExists(atPath: worktree))
        #expect(try repo.gitResult("rev-parse", "--verify", "-q", "refs/heads/orchestrate/T1").status != 0)
        // A rejected change is no longer cleared for the gate.
        #expect(try ReviewFixture.sqlite(repo, "SELECT count(*) FROM cleared_commits") == "0")
        let queued = try ReviewFixture.show(repo)
        #expect(queued["state"] as? String == "queued")
        #expect(queued["worktree"] is NSNull)

        let next = try repo.orchestrateOK("next", "--agent", "bot-2")
        #expect(next == "T1\t\(worktree)")
        #expect(try repo.revParse("HEAD", in: worktree) == repo.revParse("main"))
        let shown = try repo.orchestrateOK("show", "T1")
        #expect(shown.contains("feedback:   use the new API"))
        #expect(shown.contains("state:      running"))
        #expect(shown.contains("refs/orchestrate/rejected/T1/1"))
    }

    @Test("restore brings back the work of a cancelled task whose worktree was removed")
    func restoreCancelled() throws {
        let repo = try ReviewFixture.repo()
        try repo.orchestrateOK("add", "Work")
        let worktree = try repo.orchestrateOK("start", "T1")
        let committed = try repo.commit("f.txt", "x\n", in: worktree)
        try repo.orchestrateOK("cancel", "T1")
        #expect(!FileManager.default.fileExists(atPath: worktree))
        let restored = try repo.orchestrate("restore", "T1", "--ref", "1")
        #expect(restored.status == 0, "\(restored)")
        #expect(try repo.revParse("HEAD", in: worktree) == committed)
        #expect(repo.read("f.txt", in: worktree) == "x\n")
        #expect(try repo.git("status", "--porcelain", in: worktree) == "")
        #expect(try ReviewFixture.show(repo)["state"] as? String == "running")
        let unknown = try repo.orchestrate("restore", "T1", "--ref", "7")
        #expect(unknown.status == 2)
    }

    @Test("a requeued task can be restored instead of started afresh, uncommitted work included")
    func restoreRequeued() throws {
        let repo = try ReviewFixture.repo()
        let worktree = try ReviewFixture.submittedTask(repo)
        let committed = try repo.revParse("HEAD", in: worktree)
        let base = try repo.revParse("main")
        try repo.write("draft.txt", "half done\n", in: worktree)
        try repo.orchestrateOK("reject", "T1", "--reason", "split it", "--requeue")
        // The target moves on meanwhile; the restored work keeps its own base.
        try repo.commit("other.txt", "o\n")
        let restored = try repo.orchestrate("restore", "T1")
        #expect(restored.status == 0, "\(restored)")
        #expect(restored.stderr.contains("uncommitted changes are back"))
        #expect(try repo.revParse("HEAD", in: worktree) == committed)
        #expect(repo.read("draft.txt", in: worktree) == "half done\n")
        #expect(try repo.git("status", "--porcelain", in: worktree) == "?? draft.txt\n")
        let task = try ReviewFixture.show(repo)
        #expect(task["state"] as? String == "running")
        #expect(task["base"] as? String == base)
        #expect(task["feedback"] as? String == "split it")
        // `next` no longer hands it out.
        #expect(try repo.orchestrate("next").status == 1)
    }

    @Test("reject refuses what it cannot reject, with exit 2 and nothing changed")
    func refusals() throws {
        let repo = try ReviewFixture.repo()
        try repo.orchestrateOK("add", "Queued")
        let queued = try repo.orchestrate("reject", "T1", "--reason", "no")
        #expect(queued.status == 2)
        #expect(queued.stderr.contains("task T1 is queued; only running, submitted, approved, conflicted or failed tasks"))
        let missingReason = try repo.orchestrate("reject", "T1")
        #expect(missingReason.status == 2)
        let blank = try repo.orchestrate("reject", "T1", "--reason", "  ")
        #expect(blank.status == 2)
        #expect(try repo.orchestrate("restore", "T1").stderr.contains("has no kept work"))
        #expect(try ReviewFixture.show(repo)["state"] as? String == "queued")
    }

    @Test("restore refuses to overwrite changes made in the worktree after the rejection")
    func restoreKeepsNewChanges() throws {
        let repo = try ReviewFixture.repo()
        let worktree = try ReviewFixture.submittedTask(repo)
        try repo.orchestrateOK("reject", "T1", "--reason", "redo")
        try repo.write("new.txt", "started over\n", in: worktree)
        let result = try repo.orchestrate("restore", "T1")
        #expect(result.status == 2)
        #expect(result.stderr.contains("has changes made after the rejection (new.txt)"))
        #expect(repo.read("new.txt", in: worktree) == "started over\n")
        #expect(try ReviewFixture.show(repo)["state"] as? String == "rejected")
    }
}
