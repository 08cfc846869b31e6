import Foundation
import OrchestrateTestSupport
import Testing

@Suite("add --from-file")
struct TaskFileTests {
    typealias Object = [String: Any]

    func tasks(_ repo: TestRepo) throws -> [Object] {
        try #require(try TestRepo.json(repo.orchestrateOK("list", "--format", "json")) as? [Object])
    }

    @Test("a JSON array: ids printed in order, fields stored, dependencies on the file and the queue, one audit event each")
    func jsonArray() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Already queued")
        try repo.write("tasks.json", """
            [
              {"id": "api", "title": "Build the API", "description": "REST, JSON", "priority": "high", "paths": ["Sources/API/**"]},
              {"title": "Client for the API", "dependsOn": ["api", "T1"]},
              {"id": "docs", "title": "Document it", "dependsOn": ["T2"], "priority": "low"}
            ]
            """)
        let result = try repo.orchestrate("add", "--from-file", "tasks.json")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "api\nT2\ndocs\n")
        let all = try tasks(repo)
        let api = try #require(all.first { $0["id"] as? String == "api" })
        #expect(api["description"] as? String == "REST, JSON")
        #expect(api["priority"] as? String == "high")
        #expect(api["paths"] as? [String] == ["Sources/API/**"])
        let client = try #require(all.first { $0["id"] as? String == "T2" })
        #expect(client["dependsOn"] as? [String] == ["T1", "api"])
        #expect(client["priority"] as? String == "normal")
        let added = try #require(try TestRepo.json(repo.orchestrateOK("log", "--format", "json")) as? [Object])
        #expect(added.filter { $0["kind"] as? String == "added" }.count == 4)
        #expect(try repo.orchestrate("audit", "verify").status == 0)
    }

    @Test("JSON Lines from stdin, blank lines skipped")
    func jsonLinesFromStdin() throws {
        let repo = try TestRepo(initialize: true)
        let lines = #"{"title": "One"}"# + "\n\n" + #"{"title": "Two", "dependsOn": ["T1"]}"# + "\n"
        let result = try repo.orchestrate("add", "--from-file", "-", stdin: lines)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "T1\nT2\n")
        #expect(try tasks(repo).last?["dependsOn"] as? [String] == ["T1"])
    }

    @Test("each invalid kind: exit 2 naming the entry and field, nothing written", arguments: [
        (#"[{"title": "A", "dependsOn": ["ghost"]}]"#, "tasks.json: entry 1, field dependsOn: there is no task ghost"),
        (#"[{"id": "a", "title": "A", "dependsOn": ["b"]}, {"id": "b", "title": "B", "dependsOn": ["a"]}]"#,
         "tasks.json: entry 1, field dependsOn: the tasks would make a dependency cycle a → b → a"),
        (#"[{"id": "a", "title": "A"}, {"id": "a", "title": "again"}]"#,
         "tasks.json: entry 2, field id: a is already used by tasks.json: entry 1"),
        (#"[{"id": "T1", "title": "taken"}]"#, "tasks.json: entry 1, field id: a task T1 already exists"),
        (#"[{"title": "A"}, {"title": "B", "priority": "asap"}]"#, "tasks.json: entry 2, field priority: \"asap\" is not a priority"),
        (#"[{"title": "A", "colour": "red"}]"#, "tasks.json: entry 1, field colour: is not a task field"),
        (#"[{"id": "../x", "title": "A"}]"#, "tasks.json: entry 1, field id: \"../x\" is not a valid task id"),
        (#"[{"description": "no title"}]"#, "tasks.json: entry 1, field title: is missing or empty"),
        (#"[{"title": "A", "paths": "src"}]"#, "tasks.json: entry 1, field paths: must be an array of strings, not a string"),
        (#"[{"title": "A", "template": "nope"}]"#, "tasks.json: entry 1, field template: there is no template nope"),
        (#"[{"title": "A"}, 7]"#, "tasks.json: entry 2 must be a JSON object"),
        (#"[{"title": "A"}"#, "tasks.json is not valid JSON"),
        ("{\"title\": \"A\"}\n{oops}\n", "tasks.json: line 2 is not valid JSON"),
        ("[]", "tasks.json holds no tasks (an empty array)"),
        ("\n\n", "tasks.json holds no tasks"),
    ])
    func invalid(file: String, message: String) throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Existing")
        try repo.write("tasks.json", file)
        let result = try repo.orchestrate("add", "--from-file", "tasks.json")
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("error: " + message), "\(result.stderr)")
        #expect(try tasks(repo).count == 1)
        #expect(try repo.orchestrateOK("log", "--format", "json").components(separatedBy: "\"added\"").count == 2)
    }

    @Test("a missing file and mixed forms are usage errors")
    func usage() throws {
        let repo = try TestRepo(initialize: true)
        let missing = try repo.orchestrate("add", "--from-file", "nope.json")
        #expect(missing.status == 2)
        #expect(missing.stderr == "error: cannot read the task file nope.json; check the path (or pass - for stdin)\n")
        let mixed = try repo.orchestrate("add", "Title", "--from-file", "x.json")
        #expect(mixed.status == 2)
        #expect(mixed.stderr.contains("--from-file takes every task and field from the file"))
        let withPriority = try repo.orchestrate("add", "--from-file", "x.json", "--priority", "high")
        #expect(withPriority.status == 2)
        #expect(withPriority.stderr.contains("--from-file takes every task and field from the file"))
    }

    @Test("1,000 tasks with a dependency chain go in as one transaction")
    func thousand() throws {
        let repo = try TestRepo(initialize: true)
        var entries: [String] = []
        for n in 1...1000 {
            let deps = n > 1 ? #", "dependsOn": ["t\#(n - 1)"]"# : ""
            entries.append(#"{"id": "t\#(n)", "title": "Task \#(n)", "paths": ["src/\#(n)/**"]\#(deps)}"#)
        }
        try repo.write("many.jsonl", entries.joined(separator: "\n"))
        let started = Date()
        let result = try repo.orchestrate("add", "--from-file", "many.jsonl")
        let seconds = Date().timeIntervalSince(started)
        print("add --from-file with 1,000 tasks took \(String(format: "%.2f", seconds)) s")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 1000)
        #expect(try tasks(repo).count == 1000)
        // One transaction: the audit trail's 1,000 events carry one timestamp (the transaction's clock).
        let events = try #require(try TestRepo.json(repo.orchestrateOK("log", "--format", "json", "--limit", "2000")) as? [Object])
        let added = events.filter { $0["kind"] as? String == "added" }
        #expect(added.count == 1000)
        #expect(Set(added.compactMap { $0["time"] as? String }).count == 1)
    }

    @Test("docs/task-file.schema.json accepts what add accepts and refuses what it refuses (checked with Python's jsonschema)")
    func schema() throws {
        guard let python = PythonMCPSDK.python else { return }
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../docs").standardized.path
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema)
            print(json.dumps([validator.is_valid(json.loads(text)) for text in sys.argv[2:]]))
            """
        let samples = [
            #"[{"id": "api", "title": "A", "priority": "high", "dependsOn": ["T1"], "paths": ["src/**"]}, {"template": "bug-fix", "params": {"summary": "x"}}]"#,
            #"{"title": "one JSON Lines entry"}"#,
            #"[{"description": "no title"}]"#,
            #"[{"title": "A", "colour": "red"}]"#,
            #"[{"title": "A", "priority": "asap"}]"#,
            #"[{"id": "../x", "title": "A"}]"#,
            #"[{"title": "A", "params": {"k": "v"}}]"#,
        ]
        let result = try runProcess(
            [python, "-c", script, docs + "/task-file.schema.json"] + samples, cwd: "/",
            environment: ProcessInfo.processInfo.environment)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "[true, true, false, false, false, false, false]\n", "\(result)")
        // …and `add --from-file` agrees on each.
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "First")
        try repo.write(".augment-orchestrator.json", #"{"templates": {"bug-fix": {"title": "Fix {summary}"}}}"#)
        for (sample, valid) in zip(samples, [true, true, false, false, false, false, false]) {
            #expect((try repo.orchestrate("add", "--from-file", "-", stdin: sample).status == 0) == valid, "\(sample)")
        }
    }
}
