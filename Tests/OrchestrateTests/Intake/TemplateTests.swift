import Foundation
import OrchestrateTestSupport
import Testing

@Suite("templates")
struct TemplateTests {
    typealias Object = [String: Any]

    static let config = """
        {
          "templates": {
            "bug-fix": {
              "title": "Fix: {summary}",
              "description": "Reproduce {summary} in {area}, then fix it with a test.",
              "priority": "high",
              "paths": ["Sources/{area}/**", "Tests/**"],
              "agentCommand": ["fixer", "--task", "{id}"]
            },
            "chore": { "title": "Chore" }
          }
        }
        """

    func repo() throws -> TestRepo {
        let repo = try TestRepo(initialize: true)
        try repo.write(".augment-orchestrator.json", Self.config)
        return repo
    }

    @Test("add --template fills title and description, takes priority and paths as defaults")
    func fill() throws {
        let repo = try repo()
        let id = try repo.orchestrateOK("add", "--template", "bug-fix", "--param", "summary=login fails", "--param", "area=Auth")
        #expect(id == "T1")
        let task = try repo.taskJSON("T1")
        #expect(task["title"] as? String == "Fix: login fails")
        #expect(task["description"] as? String == "Reproduce login fails in Auth, then fix it with a test.")
        #expect(task["priority"] as? String == "high")
        // Paths are globs, taken as written (a placeholder in them is not a parameter).
        #expect(task["paths"] as? [String] == ["Sources/{area}/**", "Tests/**"])
        // Options on the command line win over the template's defaults.
        try repo.orchestrateOK(
            "add", "--template", "chore", "--priority", "low", "--id", "tidy", "--depends-on", "T1", "--paths", "docs/**")
        let chore = try repo.taskJSON("tidy")
        #expect(chore["title"] as? String == "Chore")
        #expect(chore["priority"] as? String == "low")
        #expect(chore["dependsOn"] as? [String] == ["T1"])
        #expect(chore["paths"] as? [String] == ["docs/**"])
        let history = try #require(chore["history"] as? [Object])
        #expect((history.first?["detail"] as? Object)?["template"] as? String == "chore")
    }

    @Test("a task file entry may name a template with params")
    func inTaskFile() throws {
        let repo = try repo()
        let result = try repo.orchestrate("add", "--from-file", "-", stdin: #"""
            {"template": "bug-fix", "params": {"summary": "crash", "area": "UI"}, "priority": "urgent"}
            """#)
        #expect(result.stdout == "T1\n", "\(result)")
        let task = try repo.taskJSON("T1")
        #expect(task["title"] as? String == "Fix: crash")
        #expect(task["priority"] as? String == "urgent")
    }

    @Test("missing, unknown and malformed parameters and unknown templates are errors naming them", arguments: [
        (["--template", "bug-fix", "--param", "summary=x"],
         "error: --template bug-fix: template bug-fix needs the parameter area; pass it with --param area=VALUE (it takes area, summary)\n"),
        (["--template", "bug-fix", "--param", "summary=x", "--param", "area=y", "--param", "colour=red"],
         "error: --template bug-fix: template bug-fix has no parameter colour; it takes area, summary\n"),
        (["--template", "bug-fix", "--param", "summary"],
         "error: --param \"summary\" is not key=value; write it as --param summary=\"login fails\"\n"),
        (["--template", "feature"],
         "error: --template feature, field template: there is no template feature in .augment-orchestrator.json (configured: bug-fix, chore)\n"),
    ])
    func errors(args: [String], message: String) throws {
        let repo = try repo()
        let result = try repo.orchestrateArgs(["add"] + args)
        #expect(result.status == 2)
        #expect(result.stderr == message)
        #expect(try repo.orchestrateOK("list", "--format", "json") == "[]")
    }

    @Test("templates lists them, as a table and as JSON")
    func list() throws {
        let repo = try repo()
        let table = try repo.orchestrateOK("templates")
        #expect(table == """
            NAME     PRIORITY  PARAMETERS    TITLE
            bug-fix  high      area,summary  Fix: {summary}
            chore    -         -             Chore
            """)
        let json = try #require(try TestRepo.json(repo.orchestrateOK("templates", "--format", "json")) as? [Object])
        #expect(json.compactMap { $0["name"] as? String } == ["bug-fix", "chore"])
        #expect(json[0]["parameters"] as? [String] == ["area", "summary"])
        #expect(json[0]["agentCommand"] as? [String] == ["fixer", "--task", "{id}"])
        #expect(json[1]["agentCommand"] is NSNull)
    }

    @Test("a malformed template is a config error naming the key", arguments: [
        (#"{"templates": {"x": {"description": "no title"}}}"#, "key `templates.x` needs a `title`"),
        (#"{"templates": {"x": {"title": "t", "priority": "soon"}}}"#, "key `templates.x.priority` must be low, normal, high or urgent"),
        (#"{"templates": {"x": {"title": "t", "colour": 1}}}"#, "unknown key `templates.x.colour`"),
        (#"{"templates": []}"#, "key `templates` must be an object of named templates"),
    ])
    func badConfig(config: String, message: String) throws {
        let repo = try TestRepo(initialize: true)
        try repo.write(".augment-orchestrator.json", config)
        let result = try repo.orchestrate("templates")
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("a template's agent command runs its tasks; other tasks keep agent.command")
    func agentCommand() throws {
        let repo = try TestRepo(initialize: true)
        try repo.write(".augment-orchestrator.json", #"""
            {
              "agent": { "command": ["sh", "-c", "echo configured > who.txt"] },
              "templates": { "special": { "title": "Special {n}", "agentCommand": ["sh", "-c", "echo template {id} > who.txt"] } }
            }
            """#)
        try repo.orchestrateOK("add", "--template", "special", "--param", "n=1")
        try repo.orchestrateOK("add", "Plain")
        #expect(try repo.orchestrate("run", "T1").status == 0)
        #expect(try repo.orchestrate("run", "T2").status == 0)
        #expect(repo.read("who.txt", in: repo.worktreeRoot + "/T1") == "template T1\n")
        #expect(repo.read("who.txt", in: repo.worktreeRoot + "/T2") == "configured\n")
    }

    @Test("with no agent.command, up runs the tasks whose template has a command and names the first that has none")
    func upWithTemplateCommandsOnly() throws {
        let repo = try TestRepo(initialize: true)
        try repo.write(".augment-orchestrator.json", #"""
            { "templates": { "scripted": { "title": "Scripted {n}", "agentCommand": ["sh", "-c", "echo ran > ran.txt"] } } }
            """#)
        try repo.orchestrateOK("add", "--template", "scripted", "--param", "n=1", "--priority", "high")
        try repo.orchestrateOK("add", "Plain")
        let up = try repo.orchestrate("up", "--max", "1")
        #expect(up.status == 1, "\(up)")
        #expect(repo.read("ran.txt", in: repo.worktreeRoot + "/T1") == "ran\n")
        #expect(up.stderr.contains("no agent command is configured"), "\(up.stderr)")
    }
}
