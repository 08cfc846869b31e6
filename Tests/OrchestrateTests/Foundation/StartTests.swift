import Foundation
import OrchestrateTestSupport
import Testing

@Suite("start, next and cancel")
struct StartTests {
    @Test("start creates the worktree and branch at the target tip, as git sees them")
    func start() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Login form")
        let tip = try repo.revParse("main")
        let path = try repo.orchestrateOK("start", "T1")
        #expect(path == repo.worktreeRoot + "/T1")
        let porcelain = try repo.git("worktree", "list", "--porcelain")
        #expect(porcelain.contains("worktree \(path)\nHEAD \(tip)\nbranch refs/heads/orchestrate/T1"))
        #expect(try repo.git("status", "--porcelain", in: path).isEmpty)
        #expect(repo.read("README.md", in: path) == "hello\n")
        let task = try #require(try TestRepo.json(repo.orchestrateOK("show", "T1", "--format", "json")) as? [String: Any])
        #expect(task["state"] as? String == "running")
        #expect(task["base"] as? String == tip)
        #expect(task["head"] as? String == tip)
        #expect(task["worktree"] as? String == path)

        let again = try repo.orchestrate("start", "T1")
        #expect(again.status == 2)
        #expect(again.stderr.contains("task T1 is running, not queued"))
        let unknown = try repo.orchestrate("start", "T7")
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("there is no task T7"))
    }

    @Test("--base starts elsewhere; a bad base leaves nothing behind")
    func base() throws {
        let repo = try TestRepo(initialize: true)
        let first = try repo.revParse("HEAD")
        try repo.commit("second.txt", "2\n")
        try repo.orchestrateOK("add", "Old base")
        let path = try repo.orchestrateOK("start", "T1", "--base", first)
        #expect(try repo.revParse("HEAD", in: path) == first)
        try repo.orchestrateOK("add", "Bad base")
        let bad = try repo.orchestrate("start", "T2", "--base", "no-such-branch")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--base no-such-branch does not name a commit"))
        #expect(try repo.gitResult("rev-parse", "--verify", "-q", "orchestrate/T2").status != 0)
        #expect(!FileManager.default.fileExists(atPath: repo.worktreeRoot + "/T2"))
        let state = try #require(try TestRepo.json(repo.orchestrateOK("show", "T2", "--format", "json")) as? [String: Any])
        #expect(state["state"] as? String == "queued")
    }

    @Test("a failure half way (folder in the way) undoes the branch and requeues the task")
    func halfWay() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Blocked")
        try repo.write("T1/keep.txt", "mine\n", in: repo.worktreeRoot)
        let result = try repo.orchestrate("start", "T1")
        #expect(result.status == 2)
        #expect(result.stderr.contains("already exists"))
        #expect(repo.read("T1/keep.txt", in: repo.worktreeRoot) == "mine\n")
        #expect(try repo.gitResult("rev-parse", "--verify", "-q", "orchestrate/T1").status != 0)
        #expect(try repo.orchestrateOK("list", "--state", "queued").contains("T1"))
        #expect(!(try repo.git("worktree", "list")).contains("T1"))
    }

    @Test("dependencies: start refuses until landed; --stack builds on the dependency's branch")
    func stacking() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Base work")
        try repo.orchestrateOK("add", "On top", "--depends-on", "T1")
        let refused = try repo.orchestrate("start", "T2")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("depends on T1, which has not landed"))
        let stackEarly = try repo.orchestrate("start", "T2", "--stack")
        #expect(stackEarly.status == 2)
        #expect(stackEarly.stderr.contains("start T1 first"))
        let one = try repo.orchestrateOK("start", "T1")
        let head = try repo.commit("a.txt", "a\n", in: one)
        let two = try repo.orchestrateOK("start", "T2", "--stack")
        #expect(try repo.revParse("HEAD", in: two) == head)
        let task = try #require(try TestRepo.json(repo.orchestrateOK("show", "T2", "--format", "json")) as? [String: Any])
        #expect(task["stacked"] as? Bool == true)
        #expect(task["base"] as? String == head)
    }

    @Test("next hands out by priority then age, and only ready tasks")
    func nextOrder() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "low", "--priority", "low")
        try repo.orchestrateOK("add", "normal old")
        try repo.orchestrateOK("add", "urgent but blocked", "--priority", "urgent", "--depends-on", "T2")
        try repo.orchestrateOK("add", "high", "--priority", "high")
        try repo.orchestrateOK("add", "normal new")
        var order: [String] = []
        for _ in 0..<4 {
            let task = try #require(try TestRepo.json(repo.orchestrateOK("next", "--agent", "bot", "--format", "json")) as? [String: Any])
            order.append(task["id"] as? String ?? "?")
            #expect(task["claimedBy"] as? String == "bot")
            #expect(FileManager.default.fileExists(atPath: task["worktree"] as? String ?? "/nonexistent"))
        }
        #expect(order == ["T4", "T2", "T5", "T1"])
        let none = try repo.orchestrate("next")
        #expect(none.status == 1)
        #expect(none.stdout.isEmpty)
        #expect(none.stderr.contains("no task is ready"))
    }

    @Test("two processes racing for next never get the same task")
    func racingNext() throws {
        let repo = try TestRepo(initialize: true)
        for i in 1...4 { try repo.orchestrateOK("add", "task \(i)") }
        let results = try racing(8) { i in try repo.orchestrate("next", "--agent", "agent\(i)", "--format", "json") }
        let winners = results.filter { $0.status == 0 }
        let ids = try winners.map { try #require((try TestRepo.json($0.stdout) as? [String: Any])?["id"] as? String) }
        #expect(ids.count == 4, "\(results)")
        #expect(Set(ids).count == 4)
        #expect(results.filter { $0.status == 1 }.allSatisfy { $0.stderr.contains("no task is ready") }, "\(results)")
        let claimed = try #require(try TestRepo.json(repo.orchestrateOK("log", "--format", "json")) as? [[String: Any]])
        #expect(claimed.filter { $0["kind"] as? String == "claimed" }.count == 4)
    }

    @Test("cancel keeps committed and uncommitted work under refs/orchestrate/rejected, then removes the worktree")
    func cancel() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Doomed")
        let path = try repo.orchestrateOK("start", "T1")
        let committed = try repo.commit("done.txt", "committed\n", in: path)
        try repo.write("wip.txt", "untracked work\n", in: path)
        try repo.write("README.md", "edited\n", in: path)
        let result = try repo.orchestrate("cancel", "T1", "--reason", "not needed")
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("refs/orchestrate/rejected/T1/1"))
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try repo.gitResult("rev-parse", "--verify", "-q", "orchestrate/T1").status != 0)
        let kept = "refs/orchestrate/rejected/T1/1"
        #expect(try repo.revParse(kept + "^") == committed)
        #expect(try repo.git("show", kept + ":wip.txt") == "untracked work\n")
        #expect(try repo.git("show", kept + ":README.md") == "edited\n")
        #expect(try repo.git("show", kept + ":done.txt") == "committed\n")
        let again = try repo.orchestrate("cancel", "T1")
        #expect(again.status == 2)
        #expect(again.stderr.contains("already cancelled"))
    }

    @Test("cancel of a queued task and of a clean started task keeps no ref")
    func cancelNothing() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Queued")
        try repo.orchestrateOK("add", "Started")
        let path = try repo.orchestrateOK("start", "T2")
        try repo.orchestrateOK("cancel", "T1")
        try repo.orchestrateOK("cancel", "T2")
        // (refs/orchestrate/ledger holds the governance events; no work is kept.)
        #expect(try repo.git("for-each-ref", "refs/orchestrate/rejected").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

/// Runs `count` copies of `body` at the same time on separate threads.
func racing(_ count: Int, _ body: @escaping @Sendable (Int) throws -> ProcessResult) throws -> [ProcessResult] {
    let lock = NSLock()
    nonisolated(unsafe) var results: [ProcessResult] = []
    nonisolated(unsafe) var failure: Error?
    DispatchQueue.concurrentPerform(iterations: count) { i in
        do {
            let result = try body(i)
            lock.withLock { results.append(result) }
        } catch {
            lock.withLock { failure = error }
        }
    }
    if let failure { throw failure }
    return results
}
