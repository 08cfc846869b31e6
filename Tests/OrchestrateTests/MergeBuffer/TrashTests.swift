import Foundation
import OrchestrateTestSupport
import Testing

/// The trash of landed worktrees (docs/merge-buffer.md): set aside by `merge` in two renames,
/// emptied afterwards by a detached `gc --trash` (or by `gc`, `doctor --repair`), never losing
/// uncommitted work — with real processes, real SIGKILLs and git as the oracle.
@Suite("trash of landed worktrees")
struct TrashTests {
    /// A task whose worktree holds an uncommitted edit of a tracked file and an untracked file.
    private func dirtyLanding(_ repo: TestRepo) throws -> (id: String, worktree: String) {
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        try repo.write("a.txt", "a, edited after approval\n", in: t1.worktree)
        try repo.write("notes/untracked.txt", "only here\n", in: t1.worktree)
        return t1
    }

    /// Waits until every entry the merge reported is gone from the trash.
    private func waitForTrash(_ report: [String: Any]) throws {
        let trash = try #require(report["trash"] as? [String: Any], "merge reports its trash")
        let path = try #require(trash["path"] as? String)
        let entries = trash["entries"] as? [String] ?? []
        for _ in 0..<600 {
            if entries.allSatisfy({ !FileManager.default.fileExists(atPath: path + "/" + $0) }) { return }
            usleep(50_000)
        }
        throw TestFailure("the trash \(path) still holds \(entries) after 30 s")
    }

    /// git's own view agrees that no worktree but the main one is left, and nothing to prune.
    private func expectGitAgrees(_ repo: TestRepo) throws {
        let list = try repo.git("worktree", "list", "--porcelain")
        #expect(list.components(separatedBy: "worktree ").count == 2, "only the main worktree: \(list)")
        #expect(try repo.gitResult("worktree", "prune", "-n", "-v").stderr.isEmpty && repo.gitResult("worktree", "prune", "-n", "-v").stdout.isEmpty)
    }

    /// The uncommitted work of `id` is kept exactly once, file contents readable back.
    private func expectKept(_ repo: TestRepo, _ id: String) throws {
        let refs = try repo.git("for-each-ref", "--format=%(refname)", "refs/orchestrate/rejected/\(id)/")
        #expect(refs == "refs/orchestrate/rejected/\(id)/1\n", "kept once: \(refs)")
        let ref = "refs/orchestrate/rejected/\(id)/1"
        #expect(try repo.git("show", "\(ref):a.txt") == "a, edited after approval\n")
        #expect(try repo.git("show", "\(ref):notes/untracked.txt") == "only here\n")
        let events = try TestRepo.json(repo.orchestrateOK("log", "--task", id, "--format", "json")) as? [[String: Any]] ?? []
        let collected = events.filter { $0["kind"] as? String == "collected" }
        #expect(collected.count == 1 && (collected.first?["detail"] as? [String: Any])?["keptRef"] as? String == ref, "the audit says so: \(collected)")
        #expect(try repo.orchestrateOK("show", id).contains(ref), "show names the kept ref")
    }

    @Test("a landed worktree holding uncommitted and untracked files: merge returns with it set aside, the emptier keeps the work under refs/orchestrate/rejected and deletes the rest")
    func dirtyWorktreeIsKept() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try dirtyLanding(repo)
        // The user edits an unrelated file of the main checkout meanwhile: the edit stays.
        try repo.write("README.md", "hello, being edited\n")
        let merged = try repo.orchestrate("merge", "--no-checks", "--format", "json")
        #expect(merged.status == 0, "\(merged)")
        let report = try #require(try TestRepo.json(merged.stdout) as? [String: Any])
        #expect(!FileManager.default.fileExists(atPath: t1.worktree), "set aside before merge returns")
        try expectGitAgrees(repo)
        #expect(try repo.gitResult("rev-parse", "--verify", "-q", "refs/heads/orchestrate/\(t1.id)").status != 0, "the branch went")
        try waitForTrash(report)
        try expectKept(repo, t1.id)
        let log = try #require((report["trash"] as? [String: Any])?["log"] as? String)
        #expect(String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self).contains("kept the uncommitted work of \(t1.id)"))
        #expect(repo.read("README.md") == "hello, being edited\n" && repo.read("a.txt") == "a\n", "the user's edit stays, the landing arrives")
        #expect(try repo.git("status", "--porcelain") == " M README.md\n")
        try repo.orchestrateOK("audit", "verify")
    }

    @Test("merge.cleanup foreground: the trash is empty when merge returns")
    func foreground() throws {
        let repo = try TestRepo.forMerge()
        try repo.commitConfig(#"{"merge": {"cleanup": "foreground"}}"#, message: "foreground cleanup")
        let t1 = try dirtyLanding(repo)
        let merged = try repo.orchestrate("merge", "--no-checks", "--format", "json")
        #expect(merged.status == 0, "\(merged)")
        let trash = try #require((try TestRepo.json(merged.stdout) as? [String: Any])?["trash"] as? [String: Any])
        #expect(trash["emptied"] as? Bool == true && trash["emptierPid"] is NSNull)
        #expect((try FileManager.default.contentsOfDirectory(atPath: trash["path"] as? String ?? "")).isEmpty)
        try expectKept(repo, t1.id)
    }

    @Test("kill -9 of merge while setting a worktree aside: merge, gc or doctor --repair finishes it, the work kept", arguments: [
        ("before-trash-move", "merge"), ("trash-admin-moved", "merge"), ("trash-admin-moved", "gc"), ("before-trash-move", "doctor"),
        ("trash-admin-moved", "doctor"),
    ])
    func killedWhileSettingAside(point: String, then command: String) throws {
        let repo = try TestRepo.forMerge()
        let t1 = try dirtyLanding(repo)
        let merge = try BackgroundMerge(repo, pause: point, args: ["--no-checks"])
        try merge.wait(for: "paused at \(point)")
        merge.kill9()
        switch command {
        case "merge":
            let again = try repo.orchestrate("merge", "--no-checks", "--format", "json")
            #expect(again.status == 0, "\(again)")
            try waitForTrash(try #require(try TestRepo.json(again.stdout) as? [String: Any]))
        case "gc":
            let gc = try repo.orchestrate("gc")
            #expect(gc.status == 0, "\(gc)")
        default:
            let before = try repo.orchestrate("doctor")
            #expect(before.stdout.contains("trash"), "doctor reports the trash: \(before)")
            let repaired = try repo.orchestrate("doctor", "--repair")
            #expect(repaired.stdout.contains("trash"), "\(repaired)")
            let after = try repo.orchestrate("doctor")
            #expect(!after.stdout.contains("the trash holds"), "\(after)")
        }
        #expect(!FileManager.default.fileExists(atPath: t1.worktree))
        try expectGitAgrees(repo)
        try expectKept(repo, t1.id)
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "merged")
        #expect(try repo.taskJSON(t1.id)["worktree"] is NSNull)
    }

    @Test("kill -9 of the background emptier before or in the middle of deleting: gc finishes, the work kept once", arguments: ["before-trash-delete", "trash-deleting"])
    func emptierKilled(point: String) throws {
        let repo = try TestRepo.forMerge()
        let t1 = try dirtyLanding(repo)
        repo.setEnv("ORCHESTRATE_TEST_PAUSE", point)
        let merged = try repo.orchestrate("merge", "--no-checks", "--format", "json")
        repo.setEnv("ORCHESTRATE_TEST_PAUSE", nil)
        #expect(merged.status == 0, "\(merged)")
        let trash = try #require((try TestRepo.json(merged.stdout) as? [String: Any])?["trash"] as? [String: Any])
        let pid = try #require(trash["emptierPid"] as? Int)
        let log = try #require(trash["log"] as? String)
        for _ in 0..<400 where !(String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self).contains("paused at \(point)")) {
            usleep(50_000)
        }
        #expect(kill(pid_t(pid), SIGKILL) == 0, "the emptier outlived merge, paused at \(point)")
        let path = trash["path"] as? String ?? ""
        if point == "trash-deleting" {
            // What a kill in the middle of deleting leaves: some files gone, some not.
            let doomed = try #require(try FileManager.default.contentsOfDirectory(atPath: path).first { $0.hasPrefix(".deleting-") })
            try? FileManager.default.removeItem(atPath: path + "/" + doomed + "/tree/a.txt")
        }
        let doctor = try repo.orchestrate("doctor")
        #expect(doctor.stdout.contains("trash"), "\(doctor)")
        let gc = try repo.orchestrate("gc")
        #expect(gc.status == 0, "\(gc)")
        #expect((try FileManager.default.contentsOfDirectory(atPath: path)).isEmpty, "gc emptied the trash")
        try expectKept(repo, t1.id)
        try expectGitAgrees(repo)
    }

    @Test("merge.keepWorktrees: the worktree stays and follows what landed; nothing goes to the trash")
    func keepWorktrees() throws {
        let repo = try TestRepo.forMerge()
        try repo.commitConfig(#"{"merge": {"keepWorktrees": true}}"#, message: "keep worktrees")
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        try repo.commit("other.txt", "x\n", message: "external")
        let merged = try repo.orchestrate("merge", "--no-checks", "--format", "json")
        #expect(merged.status == 0, "\(merged)")
        #expect((try TestRepo.json(merged.stdout) as? [String: Any])?["trash"] is NSNull)
        #expect(FileManager.default.fileExists(atPath: t1.worktree + "/a.txt"))
        #expect(try repo.revParse("HEAD", in: t1.worktree) == repo.revParse("main"))
        #expect(try repo.git("status", "--porcelain", in: t1.worktree) == "")
    }

    @Test("a task branch checked out in another work tree is kept, with its worktree; the other task's go")
    func branchCheckedOutElsewhere() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        let t2 = try repo.approvedTask("Add b", files: [("b.txt", "b\n")])
        // A second linked worktree (not a task's) has T1's branch too, by force.
        try repo.git("worktree", "add", "-q", "-f", repo.scratch + "/side", "orchestrate/\(t1.id)")
        let merged = try repo.orchestrate("merge", "--no-checks", "--format", "json")
        #expect(merged.status == 0, "\(merged)")
        #expect(try repo.gitResult("rev-parse", "--verify", "-q", "refs/heads/orchestrate/\(t1.id)").status == 0, "kept: checked out in side")
        #expect(merged.stderr.contains("kept the branch orchestrate/\(t1.id)"))
        #expect(!FileManager.default.fileExists(atPath: t2.worktree))
        #expect(try repo.gitResult("rev-parse", "--verify", "-q", "refs/heads/orchestrate/\(t2.id)").status != 0)
    }

    @Test("worktrees on another file system than the state folder (no rename possible): removed in place as before, a dirty one kept")
    func otherFileSystem() throws {
        var shm = stat()
        var tmp = stat()
        guard stat("/dev/shm", &shm) == 0, stat(NSTemporaryDirectory(), &tmp) == 0, shm.st_dev != tmp.st_dev else {
            print("skipped: /dev/shm is not another file system here, so a worktree root across file systems cannot be made")
            return
        }
        let root = "/dev/shm/orchestrate-trash-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try TestRepo.forMerge()
        try repo.commitConfig(#"{"worktreeRoot": "\#(root)"}"#, message: "worktrees elsewhere")
        let clean = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        let dirty = try repo.approvedTask("Add b", files: [("b.txt", "b\n")])
        try repo.write("scratch.txt", "mine\n", in: dirty.worktree)
        let merged = try repo.orchestrate("merge", "--no-checks", "--format", "json")
        #expect(merged.status == 0, "\(merged)")
        #expect(clean.worktree.hasPrefix(root) && !FileManager.default.fileExists(atPath: clean.worktree))
        #expect(repo.read("scratch.txt", in: dirty.worktree) == "mine\n", "kept: \(merged.stderr)")
        #expect((try TestRepo.json(merged.stdout) as? [String: Any])?["trash"] is NSNull)
    }
}
