import Foundation
import OrchestrateTestSupport
import Testing

@Suite("init")
struct InitTests {
    @Test("writes the config once, creates the database, and is idempotent")
    func idempotent() throws {
        let repo = try TestRepo()
        let first = try repo.orchestrate("init", "--no-hooks")
        #expect(first.status == 0, "\(first)")
        let config = try #require(repo.read(".augment-orchestrator.json"))
        #expect(config.contains("\"target\": \"main\""))
        #expect(FileManager.default.fileExists(atPath: repo.path + "/.git/orchestrate/orchestrate.sqlite"))

        // A user's edit survives a second init.
        let edited = config.replacingOccurrences(of: "\"required\": 1", with: "\"required\": 2")
        try repo.write(".augment-orchestrator.json", edited)
        let second = try repo.orchestrate("init", "--no-hooks")
        #expect(second.status == 0, "\(second)")
        #expect(repo.read(".augment-orchestrator.json") == edited)
        // Only one `initialized` event, however often init runs.
        let log = try repo.orchestrateOK("log", "--format", "json")
        let events = try #require(try TestRepo.json(log) as? [[String: Any]])
        #expect(events.filter { $0["kind"] as? String == "initialized" }.count == 1)
    }

    @Test("refuses outside a repository, on an unborn branch, and on a bad config")
    func refusals() throws {
        let outside = try TestRepo(files: [:])
        try FileManager.default.removeItem(atPath: outside.path + "/.git")
        let notRepo = try outside.orchestrate("init")
        #expect(notRepo.status == 2)
        #expect(notRepo.stderr.contains("is not inside a git repository"))

        let unborn = try TestRepo(files: [:])
        let result = try unborn.orchestrate("init")
        #expect(result.status == 2)
        #expect(result.stderr.contains("has no commits yet"))
        #expect(!FileManager.default.fileExists(atPath: unborn.path + "/.augment-orchestrator.json"))

        let repo = try TestRepo()
        try repo.write(".augment-orchestrator.json", #"{"target": "main", "aproovals": {}}"#)
        let bad = try repo.orchestrate("init")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("unknown key `aproovals`"))
        #expect(bad.stderr.contains(".augment-orchestrator.json"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/orchestrate/orchestrate.sqlite"))
    }

    @Test("wrong types name the key; malformed JSON names the file")
    func configErrors() throws {
        let repo = try TestRepo(initialize: true)
        try repo.write(".augment-orchestrator.json", #"{"approvals": {"required": "two"}}"#)
        let wrongType = try repo.orchestrate("list")
        #expect(wrongType.status == 2)
        #expect(wrongType.stderr.contains("key `approvals.required` must be a whole number, not a string"))
        try repo.write(".augment-orchestrator.json", #"{"target": "main",,}"#)
        let malformed = try repo.orchestrate("list")
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("is not valid JSON"))
        try repo.write(".augment-orchestrator.json", #"{"checks": [{"name": "t", "command": "make test"}]}"#)
        let shellString = try repo.orchestrate("list")
        #expect(shellString.status == 2)
        #expect(shellString.stderr.contains("`checks[0].command` must be an array of strings"))
    }

    @Test("works from inside a task worktree and with -C")
    func fromWorktree() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "First")
        let worktree = try repo.orchestrateOK("start", "T1")
        try repo.orchestrateOK("add", "Second", in: worktree)
        let list = try repo.orchestrateOK("-C", repo.path, "list", "--format", "json", in: repo.scratch)
        let tasks = try #require(try TestRepo.json(list) as? [[String: Any]])
        #expect(tasks.map { $0["id"] as? String } == ["T1", "T2"])
        let missing = try repo.orchestrate("-C", repo.scratch + "/nope", "list")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot change to"))
    }
}
