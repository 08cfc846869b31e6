import Foundation
import OrchestrateTestSupport
import Testing

@Suite("doctor")
struct DoctorTests {
    @Test("a healthy repository passes")
    func healthy() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "One")
        try repo.orchestrateOK("start", "T1")
        let result = try repo.orchestrate("doctor")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("ok: database"))
        #expect(result.stdout.contains("ok: audit trail intact"))
        #expect(result.stdout.contains("1 tasks and 1 worktrees agree"))
    }

    @Test("reports a missing worktree, a foreign branch and an unknown worktree")
    func problems() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "One")
        let path = try repo.orchestrateOK("start", "T1")
        try FileManager.default.removeItem(atPath: path)
        try repo.git("branch", "orchestrate/stray")
        try repo.git("worktree", "add", "-q", "-b", "side", repo.worktreeRoot + "/side")
        let result = try repo.orchestrate("doctor")
        #expect(result.status == 1)
        #expect(result.stdout.contains("problem: the worktree \(path) of T1 is missing"))
        #expect(result.stdout.contains("git orchestrate cancel T1"))
        #expect(result.stdout.contains("warning: the branch orchestrate/stray matches the task prefix but belongs to no task"))
        #expect(result.stdout.contains("warning: the worktree \(repo.worktreeRoot)/side (side) is not a task"))
        let json = try TestRepo.json(try repo.orchestrate("doctor", "--format", "json").stdout) as? [String: Any]
        #expect(json?["healthy"] as? Bool == false)
        let findings = json?["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { $0["severity"] as? String == "problem" && ($0["message"] as? String)?.contains("the worktree \(path) of T1 is missing") == true })
        // The advice works: cancel keeps the branch's work and closes the task.
        try repo.orchestrateOK("cancel", "T1")
        try repo.git("branch", "-D", "orchestrate/stray")
        #expect(try repo.orchestrate("doctor").status == 0)
    }

    @Test("--repair requeues a claim that never got its worktree (an interrupted start)")
    func repairInterruptedStart() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "One")
        // What a start killed between its claim and the worktree leaves behind.
        let db = repo.path + "/.git/orchestrate/orchestrate.sqlite"
        let sql = try runProcess(["sqlite3", db, "UPDATE tasks SET state = 'running' WHERE id = 'T1'"], cwd: repo.path, environment: repo.environment)
        #expect(sql.status == 0, "\(sql)")
        let found = try repo.orchestrate("doctor")
        #expect(found.status == 1)
        #expect(found.stdout.contains("task T1 is running but has no worktree or branch"))
        let repaired = try repo.orchestrate("doctor", "--repair")
        #expect(repaired.status == 0, "\(repaired)")
        #expect(repaired.stdout.contains("repaired: task T1 was claimed but never got a worktree"))
        #expect(try repo.orchestrateOK("start", "T1").hasSuffix("/T1"))
    }
}
