import Foundation
import OrchestrateTestSupport
import Testing

@Suite("edit")
struct EditTests {
    typealias Object = [String: Any]

    func edits(_ repo: TestRepo, _ id: String) throws -> [Object] {
        let events = try #require(try TestRepo.json(repo.orchestrateOK("log", "--task", id, "--format", "json")) as? [Object])
        return events.filter { $0["kind"] as? String == "edited" }.compactMap { $0["detail"] as? Object }
    }

    @Test("each field changes, and each change is an audit event with the old and new value")
    func everyField() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "One")
        try repo.orchestrateOK("add", "Two")
        try repo.orchestrateOK("add", "Three", "--depends-on", "T1", "--paths", "src/**")
        let result = try repo.orchestrate(
            "edit", "T3", "--title", "Three, renamed", "--description", "Now with details", "--priority", "urgent",
            "--depends-on", "T2", "--no-depends-on", "T1", "--paths", "lib/**", "--paths", "docs/**", "--format", "json")
        #expect(result.status == 0, "\(result)")
        let task = try #require(try TestRepo.json(result.stdout) as? Object)
        #expect(task["title"] as? String == "Three, renamed")
        #expect(task["description"] as? String == "Now with details")
        #expect(task["priority"] as? String == "urgent")
        #expect(task["dependsOn"] as? [String] == ["T2"])
        #expect(task["paths"] as? [String] == ["lib/**", "docs/**"])
        #expect(NSDictionary(dictionary: task) == NSDictionary(dictionary: try #require(
            (try TestRepo.json(repo.orchestrateOK("list", "--format", "json")) as? [Object])?.last)))
        let changes = try edits(repo, "T3")
        #expect(changes.compactMap { $0["field"] as? String } == ["title", "description", "priority", "paths", "dependsOn"])
        #expect(changes[0]["old"] as? String == "Three" && changes[0]["new"] as? String == "Three, renamed")
        #expect(changes[1]["old"] is NSNull && changes[1]["new"] as? String == "Now with details")
        #expect(changes[2]["old"] as? String == "normal" && changes[2]["new"] as? String == "urgent")
        #expect(changes[3]["old"] as? [String] == ["src/**"] && changes[3]["new"] as? [String] == ["lib/**", "docs/**"])
        #expect(changes[4]["old"] as? [String] == ["T1"] && changes[4]["new"] as? [String] == ["T2"])
        // The queue follows: T3 now waits on T2 only, and T1's dependents no longer include it.
        #expect((try repo.taskJSON("T1")["dependents"] as? [String]) == [])
        #expect((try repo.taskJSON("T2")["dependents"] as? [String]) == ["T3"])
        #expect(try repo.orchestrate("audit", "verify").status == 0)
        // Setting a field to what it already is records nothing.
        try repo.orchestrateOK("edit", "T3", "--priority", "urgent")
        #expect(try edits(repo, "T3").count == 5)
    }

    @Test("errors: unknown and invalid ids, cycles, unknown dependencies, landed tasks, nothing to change; nothing written", arguments: [
        (["T9", "--title", "x"], "error: there is no task T9; run `git orchestrate list` to see the tasks\n"),
        (["../x", "--title", "x"], "is not a valid task id"),
        (["T1", "--depends-on", "T2"], "error: depending on T2 would make a dependency cycle T1 → T2 → T1; remove one of those dependencies\n"),
        (["T1", "--depends-on", "T1"], "error: task T1 cannot depend on itself (cycle T1 → T1)\n"),
        (["T1", "--depends-on", "ghost"], "error: --depends-on ghost: there is no task ghost; add it first\n"),
        (["T2", "--no-depends-on", "T3"], "error: --no-depends-on T3: task T2 does not depend on T3 (it depends on T1)\n"),
        (["T3", "--title", "x"], "error: task T3 is cancelled and can no longer be edited; add a new task instead\n"),
        (["T1"], "error: nothing to change for task T1;"),
        (["T1", "--title", " "], "error: --title must not be empty; give task T1 a title\n"),
    ])
    func errors(args: [String], message: String) throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "One")
        try repo.orchestrateOK("add", "Two", "--depends-on", "T1")
        try repo.orchestrateOK("add", "Three")
        try repo.orchestrateOK("cancel", "T3")
        let before = try repo.orchestrateOK("log", "--format", "json")
        let result = try repo.orchestrateArgs(["edit"] + args)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix(message) || result.stderr.contains(message), "\(result.stderr)")
        #expect(try repo.orchestrateOK("log", "--format", "json") == before)
    }

    @Test("editing a running task's title and description rewrites the prompt file its agent reads")
    func runningPrompt() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Old title", "--description", "old words")
        // An agent that makes no commits leaves the task running, with its worktree and prompt.
        let run = try repo.orchestrate("run", "T1", "--", "sh", "-c", "exit 0")
        #expect(run.status == 0, "\(run)")
        #expect(try repo.taskJSON("T1")["state"] as? String == "running")
        let path = repo.path + "/.git/orchestrate/prompts/T1/1.md"
        #expect((try String(contentsOfFile: path, encoding: .utf8)).hasPrefix("# Old title"))
        try repo.orchestrateOK("edit", "T1", "--title", "New title", "--description", "new words")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("# New title\n"))
        #expect(text.contains("new words") && !text.contains("old words"))
    }

    @Test("kill -9 between the database and the prompt file: repeating the edit puts the prompt right")
    func killBeforePrompt() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Old title")
        #expect(try repo.orchestrate("run", "T1", "--", "sh", "-c", "exit 0").status == 0)
        let path = repo.path + "/.git/orchestrate/prompts/T1/1.md"
        let errFile = repo.scratch + "/edit.err"
        _ = FileManager.default.createFile(atPath: errFile, contents: nil)
        var env = repo.environment
        env["ORCHESTRATE_TEST_PAUSE"] = "edit-before-prompt"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: orchestrateBinary)
        process.arguments = ["edit", "T1", "--title", "New title"]
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errFile))
        try process.run()
        var paused = false
        for _ in 0..<400 where !paused {
            paused = String(decoding: FileManager.default.contents(atPath: errFile) ?? Data(), as: UTF8.self)
                .contains("paused at edit-before-prompt")
            if !paused { usleep(50_000) }
        }
        #expect(paused)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(try repo.taskJSON("T1")["title"] as? String == "New title")
        #expect((try String(contentsOfFile: path, encoding: .utf8)).hasPrefix("# Old title"))
        try repo.orchestrateOK("edit", "T1", "--title", "New title")
        #expect((try String(contentsOfFile: path, encoding: .utf8)).hasPrefix("# New title"))
        #expect(try edits(repo, "T1").count == 1)
    }
}
