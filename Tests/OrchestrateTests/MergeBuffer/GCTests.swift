import Foundation
import OrchestrateTestSupport
import Testing

@Suite("gc")
struct GCTests {
    /// A repository that keeps worktrees after landing, with `count` tasks landed.
    func landedKeepingWorktrees(_ count: Int) throws -> (repo: TestRepo, tasks: [(id: String, worktree: String)]) {
        let repo = try TestRepo.forMerge()
        try repo.commitConfig(#"{"merge": {"keepWorktrees": true}}"#, message: "keep worktrees")
        var tasks: [(id: String, worktree: String)] = []
        for n in 1...count { tasks.append(try repo.approvedTask("Task \(n)", files: [("t\(n).txt", "\(n)\n")])) }
        try repo.orchestrateOK("merge")
        return (repo, tasks)
    }

    @Test("removes the worktrees and branches of landed and rejected tasks; restore brings a rejected one back")
    func removesFinished() throws {
        let (repo, landed) = try landedKeepingWorktrees(2)
        let rejected = try repo.approvedTask("Rejected", files: [("r.txt", "r\n")])
        try repo.orchestrateOK("reject", rejected.id, "--reason", "not now")
        let open = try repo.approvedTask("Still open", files: [("o.txt", "o\n")], approve: false)

        let plan = try repo.orchestrate("gc", "--dry-run")
        #expect(plan.status == 0, "\(plan)")
        #expect(plan.stdout.contains("\(landed[0].id)\twould remove\tworktree \(landed[0].worktree), branch orchestrate/\(landed[0].id)"))
        #expect(FileManager.default.fileExists(atPath: landed[0].worktree))

        let gc = try repo.orchestrate("gc")
        #expect(gc.status == 0, "\(gc)")
        for task in landed + [rejected] {
            #expect(gc.stdout.contains("\(task.id)\tremoved"))
            #expect(!FileManager.default.fileExists(atPath: task.worktree))
            #expect(try repo.gitResult("rev-parse", "--verify", "-q", "refs/heads/orchestrate/\(task.id)").status != 0)
        }
        #expect(!gc.stdout.contains(open.id))
        #expect(FileManager.default.fileExists(atPath: open.worktree))
        let worktrees = try repo.git("worktree", "list", "--porcelain")
        #expect(!worktrees.contains(landed[0].worktree) && worktrees.contains(open.worktree))
        #expect(try repo.auditKinds(task: landed[0].id).last == "collected")
        let shown = try TestRepo.json(try repo.orchestrateOK("show", landed[0].id, "--format", "json")) as? [String: Any]
        #expect(shown?["worktree"] is NSNull)

        #expect(try repo.orchestrateOK("gc") == "nothing to remove: no finished task has a worktree or branch left")
        try repo.orchestrateOK("restore", rejected.id)
        #expect(try repo.git("show", "orchestrate/\(rejected.id):r.txt") == "r\n")
    }

    @Test("never loses work: uncommitted changes keep the worktree, commits found nowhere else are kept first")
    func keepsWork() throws {
        let (repo, tasks) = try landedKeepingWorktrees(2)
        let dirty = tasks[0], ahead = tasks[1]
        try repo.write("notes.txt", "mine\n", in: dirty.worktree)
        let late = try repo.commit("late.txt", "after landing\n", message: "Late commit", in: ahead.worktree)

        let gc = try repo.orchestrate("gc", "--format", "json")
        #expect(gc.status == 1, "\(gc)")
        #expect(gc.stderr.contains(
            "kept \(dirty.id): the worktree \(dirty.worktree) has uncommitted changes (notes.txt); commit or remove them, then run `git orchestrate gc` again"))
        let outcomes = (try TestRepo.json(gc.stdout) as? [String: Any])?["tasks"] as? [[String: Any]] ?? []
        let byID = Dictionary(uniqueKeysWithValues: outcomes.map { ($0["id"] as? String ?? "", $0) })
        #expect(byID[dirty.id]?["action"] as? String == "kept")
        #expect(byID[ahead.id]?["action"] as? String == "removed")
        let keptRef = "refs/orchestrate/rejected/\(ahead.id)/1"
        #expect(byID[ahead.id]?["keptRef"] as? String == keptRef)
        #expect(try repo.git("rev-parse", keptRef).trimmingCharacters(in: .whitespacesAndNewlines) == late)
        #expect(try repo.read("notes.txt", in: dirty.worktree) == "mine\n")
        #expect(try repo.gitResult("rev-parse", "--verify", "-q", "refs/heads/orchestrate/\(dirty.id)").status == 0)
    }

    @Test("a branch checked out in the main checkout is left, with the reason")
    func checkedOutElsewhere() throws {
        let (repo, tasks) = try landedKeepingWorktrees(1)
        try repo.git("worktree", "remove", tasks[0].worktree)
        try repo.git("switch", "-q", "orchestrate/\(tasks[0].id)")
        let gc = try repo.orchestrate("gc")
        #expect(gc.status == 1)
        #expect(gc.stderr.contains("kept \(tasks[0].id): the branch orchestrate/\(tasks[0].id) is checked out in \(repo.path)"), "\(gc)")
        #expect(try repo.git("branch", "--show-current").contains("orchestrate/\(tasks[0].id)"))
    }
}
