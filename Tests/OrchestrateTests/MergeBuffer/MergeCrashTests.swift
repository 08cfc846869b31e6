import Foundation
import OrchestrateTestSupport
import Testing

/// A `git-orchestrate merge` started in the background, to be killed.
final class BackgroundMerge {
    let process = Process()
    let errFile: String

    init(_ repo: TestRepo, pause: String?, args: [String] = []) throws {
        errFile = repo.scratch + "/merge-\(UUID().uuidString.prefix(6)).err"
        _ = FileManager.default.createFile(atPath: errFile, contents: nil)
        var env = repo.environment
        env["ORCHESTRATE_TEST_PAUSE"] = pause
        process.executableURL = URL(fileURLWithPath: orchestrateBinary)
        process.arguments = ["merge"] + args
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errFile))
        try process.run()
    }

    /// Waits until stderr (or `file`) shows `text`.
    func wait(for text: String, in file: String? = nil) throws {
        for _ in 0..<400 {
            if let data = FileManager.default.contents(atPath: file ?? errFile), String(decoding: data, as: UTF8.self).contains(text) { return }
            usleep(50_000)
        }
        throw TestFailure("merge never reached \(text)")
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

@Suite("merge buffer crashes")
struct MergeCrashTests {
    @Test("kill -9 after the target moved: doctor reports it, doctor --repair records the landing")
    func killAfterTargetMove() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        try repo.commit("other.txt", "x\n", message: "external")
        let merge = try BackgroundMerge(repo, pause: "after-target-move")
        try merge.wait(for: "paused at after-target-move")
        // One merge at a time: a second one names the running one.
        let second = try repo.orchestrate("merge")
        #expect(second.status == 1)
        #expect(second.stderr.contains("another merge is running (pid \(merge.process.processIdentifier))"))
        merge.kill9()
        #expect(try repo.subjects().last == "Add a: a.txt", "the whole landing is on main")
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "approved", "but not recorded yet")
        let doctor = try repo.orchestrate("doctor")
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("interrupted merge"))
        let repaired = try repo.orchestrate("doctor", "--repair")
        #expect(repaired.stdout.contains("recorded 1 landing"), "\(repaired)")
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "merged")
        #expect(try repo.auditKinds(task: t1.id).contains("landed"))
        #expect(repo.read("a.txt") == "a\n", "the checkout is brought along")
        #expect(try repo.git("status", "--porcelain") == "")
        try repo.orchestrateOK("audit", "verify")
    }

    @Test("kill -9 at the second landing: the checkout owed the first landing is brought up to date by doctor --repair")
    func killWithCheckoutOwed() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        let t2 = try repo.approvedTask("Add b", files: [("b.txt", "b\n")])
        try repo.write("notes.txt", "my own uncommitted notes\n")
        let merge = try BackgroundMerge(repo, pause: "after-target-move#2")
        try merge.wait(for: "paused at after-target-move")
        merge.kill9()
        #expect(try repo.subjects().suffix(2) == ["Add a: a.txt", "Add b: b.txt"], "both landings are on main")
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "merged")
        #expect(try repo.taskJSON(t2.id)["state"] as? String == "approved", "the second is not recorded yet")
        let doctor = try repo.orchestrate("doctor")
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("behind it by 1 landing"), "\(doctor)")
        let repaired = try repo.orchestrate("doctor", "--repair")
        #expect(repaired.stdout.contains("recorded 1 landing"), "\(repaired)")
        #expect(try repo.taskJSON(t2.id)["state"] as? String == "merged")
        #expect(repo.read("a.txt") == "a\n" && repo.read("b.txt") == "b\n", "the checkout shows both landings")
        #expect(try repo.git("status", "--porcelain") == "?? notes.txt\n", "and nothing else changed")
        #expect(repo.read("notes.txt") == "my own uncommitted notes\n")
        let again = try repo.orchestrate("doctor")
        #expect(!again.stdout.contains("interrupted merge"), "\(again)")
        try repo.orchestrateOK("audit", "verify")
    }

    @Test("kill -9 after journalling, before the target moved: the next merge drops the intent and lands")
    func killAfterJournal() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        try repo.commit("other.txt", "x\n", message: "external")
        let tip = try repo.revParse("main")
        let merge = try BackgroundMerge(repo, pause: "after-journal")
        try merge.wait(for: "paused at after-journal")
        merge.kill9()
        #expect(try repo.revParse("main") == tip, "the target did not move")
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0, "\(result)")
        #expect(try repo.subjects() == ["initial", "config", "external", "Add a: a.txt"])
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "merged")
        try repo.orchestrateOK("audit", "verify")
    }

    @Test("kill -9 between recording the rebased head and moving the branch: the approval holds and the next merge lands")
    func killBeforeBranchMove() throws {
        let repo = try TestRepo.forMerge()
        try repo.commitConfig("""
            {"checks": [{"name": "true", "command": ["true"]}]}
            """, message: "a check")
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        let approvedHead = try repo.revParse("orchestrate/\(t1.id)")
        try repo.commit("other.txt", "x\n", message: "external")
        let merge = try BackgroundMerge(repo, pause: "before-branch-move")
        try merge.wait(for: "paused at before-branch-move")
        merge.kill9()
        #expect(try repo.revParse("orchestrate/\(t1.id)") == approvedHead, "the branch did not move")
        try repo.orchestrateOK("status")
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "approved", "the approved commit keeps its approval")
        #expect(!(try repo.auditKinds(task: t1.id).contains("approvalVoided")))
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0, "\(result)")
        #expect(try repo.subjects().last == "Add a: a.txt")
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "merged")
        try repo.orchestrateOK("audit", "verify")
    }

    @Test("kill -9 between moving the branch and resetting its worktree: the next merge finishes the reset and lands")
    func killBeforeWorktreeReset() throws {
        let repo = try TestRepo.forMerge()
        try repo.commitConfig("""
            {"checks": [{"name": "has a", "command": ["test", "-f", "a.txt"]}]}
            """, message: "a check")
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        try repo.commit("other.txt", "x\n", message: "external")
        let merge = try BackgroundMerge(repo, pause: "before-worktree-reset")
        try merge.wait(for: "paused at before-worktree-reset")
        merge.kill9()
        #expect(try repo.git("status", "--porcelain", in: t1.worktree) != "", "the worktree still shows the old head")
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("finished resetting the worktree"), "\(result)")
        #expect(try repo.subjects().last == "Add a: a.txt")
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "merged")
    }

    @Test("a worktree with real uncommitted work is not reset, and no longer blocks: the checks run in a check slot, the task lands, the work is kept", arguments: [1, 20])
    func realWorkIsNotReset(batchSize: Int) throws {
        let repo = try TestRepo.forMerge()
        try repo.commitConfig("""
            {"merge": {"batchSize": \(batchSize), "cleanup": "foreground"}, "checks": [{"name": "has a", "command": ["sh", "-c", "test \\"$(cat a.txt)\\" = a && pwd > \(repo.scratch)/checked-in"]}]}
            """, message: "a check")
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        try repo.commit("other.txt", "x\n", message: "external")
        try repo.write("a.txt", "unfinished thought\n", in: t1.worktree)
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\(t1.id)\tlanded"), "\(result)")
        #expect(result.stderr.contains("\(t1.id) has uncommitted changes"), "\(result)")
        #expect(repo.read("a.txt") == "a\n", "the committed change landed")
        // The cleanup keeps the uncommitted work (the trash keeps it under a rejected ref).
        let kept = try repo.git("for-each-ref", "--format=%(refname)", "refs/orchestrate/rejected/\(t1.id)/").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!kept.isEmpty, "\(result)")
        if !kept.isEmpty { #expect(try repo.git("show", "\(kept):a.txt") == "unfinished thought\n") }
        let checkedIn = repo.read("checked-in", in: repo.scratch)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        #expect(checkedIn.hasSuffix("/orchestrate/check-slots/1"), "the check ran in a check slot, not in \(t1.worktree): \(checkedIn)")
    }

    @Test("kill -9 while a check sleeps: the target is untouched and the next merge lands")
    func killDuringCheck() throws {
        let repo = try TestRepo.forMerge()
        let started = repo.scratch + "/check-started"
        try repo.commitConfig("""
            {"checks": [{"name": "slow", "command": ["sh", "-c", "echo $$ > \(started); sleep 30"]}]}
            """, message: "slow check")
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        try repo.commit("other.txt", "x\n", message: "external")
        let tip = try repo.revParse("main")
        let merge = try BackgroundMerge(repo, pause: nil)
        try merge.wait(for: "\n", in: started)
        merge.kill9()
        if let pid = repo.read("check-started", in: repo.scratch).flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
            kill(pid, SIGKILL)
        }
        #expect(try repo.revParse("main") == tip)
        let result = try repo.orchestrate("merge", "--no-checks")
        #expect(result.status == 0, "\(result)")
        #expect(try repo.subjects().last == "Add a: a.txt")
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "merged")
    }
}
