import Foundation
import OrchestrateTestSupport
import Testing

@Suite("add")
struct AddTests {
    @Test("default ids count up; the id alone goes to stdout")
    func defaultIDs() throws {
        let repo = try TestRepo(initialize: true)
        #expect(try repo.orchestrate("add", "One").stdout == "T1\n")
        #expect(try repo.orchestrateOK("add", "Two", "--priority", "urgent", "--depends-on", "T1") == "T2")
        #expect(try repo.orchestrateOK("add", "Named", "--id", "login-form.v2") == "login-form.v2")
        #expect(try repo.orchestrateOK("add", "Three") == "T3")
        let list = try #require(try TestRepo.json(repo.orchestrateOK("list", "--format", "json")) as? [[String: Any]])
        let two = try #require(list.first { $0["id"] as? String == "T2" })
        #expect(two["priority"] as? String == "urgent")
        #expect(two["dependsOn"] as? [String] == ["T1"])
        #expect(two["state"] as? String == "queued")
        #expect(two["branch"] as? String == "orchestrate/T2")
        #expect(two["worktree"] is NSNull)
        #expect(two["base"] is NSNull)
        #expect(two["attempts"] as? Int == 0)
    }

    @Test("hostile and malformed ids are refused with exit 2 before anything is written", arguments: [
        "../../etc", "a b", "x.lock", "-rf", ".hidden", "a..b", String(repeating: "a", count: 65), "", "t/1", "ü",
    ])
    func badIDs(id: String) throws {
        let repo = try TestRepo(initialize: true)
        let result = try repo.orchestrate("add", "Bad", "--id", id)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("is not a valid task id") || result.stderr.contains("; see `git orchestrate add --help`"), "\(result)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result)")
        #expect(try repo.orchestrateOK("list", "--format", "json") == "[]")
        #expect(try repo.git("for-each-ref", "refs/heads/orchestrate").isEmpty)
    }

    @Test("unknown dependencies, self-dependencies and duplicates are refused; nothing is written")
    func badDependencies() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "One")
        let unknown = try repo.orchestrate("add", "Two", "--depends-on", "T9")
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "error: --depends-on T9: there is no task T9; add it first\n")
        let cycle = try repo.orchestrate("add", "Loop", "--id", "L", "--depends-on", "L")
        #expect(cycle.status == 2)
        #expect(cycle.stderr.contains("cycle L → L"))
        let duplicate = try repo.orchestrate("add", "Again", "--id", "T1")
        #expect(duplicate.status == 2)
        #expect(duplicate.stderr.contains("a task T1 already exists"))
        let list = try #require(try TestRepo.json(repo.orchestrateOK("list", "--format", "json")) as? [[String: Any]])
        #expect(list.count == 1)
        let events = try #require(try TestRepo.json(repo.orchestrateOK("log", "--format", "json")) as? [[String: Any]])
        #expect(events.filter { $0["kind"] as? String == "added" }.count == 1)
    }

    @Test("bad usage exits 2 with one error sentence pointing at the command's help")
    func usage() throws {
        let repo = try TestRepo(initialize: true)
        let noTitle = try repo.orchestrate("add")
        #expect(noTitle.status == 2)
        #expect(noTitle.stderr == "error: missing expected argument '<title>' (or pass --from-file FILE, or --template NAME); see `git orchestrate add --help`\n")
        let badPriority = try repo.orchestrate("add", "x", "--priority", "asap")
        #expect(badPriority.status == 2)
        let unknownState = try repo.orchestrate("list", "--state", "sleeping")
        #expect(unknownState.status == 2)
        let help = try repo.orchestrate("--help")
        #expect(help.status == 0)
        #expect(help.stdout.contains("SUBCOMMANDS"))
        #expect(help.stderr.isEmpty)
    }

    @Test("the description comes from a file, and list filters by state")
    func descriptionAndFilter() throws {
        let repo = try TestRepo(initialize: true)
        try repo.write("notes.md", "Line one\nLine two\n")
        try repo.orchestrateOK("add", "Documented", "--description-file", repo.path + "/notes.md")
        try repo.orchestrateOK("add", "Other")
        try repo.orchestrateOK("start", "T2")
        let show = try #require(try TestRepo.json(repo.orchestrateOK("show", "T1", "--format", "json")) as? [String: Any])
        #expect(show["description"] as? String == "Line one\nLine two\n")
        let running = try #require(try TestRepo.json(repo.orchestrateOK("list", "--state", "running", "--format", "json")) as? [[String: Any]])
        #expect(running.map { $0["id"] as? String } == ["T2"])
        let missing = try repo.orchestrate("add", "x", "--description-file", "/nonexistent/file")
        #expect(missing.status == 2)
    }
}
