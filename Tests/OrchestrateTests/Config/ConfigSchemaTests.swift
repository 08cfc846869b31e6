import Foundation
import OrchestrateTestSupport
import Testing

/// The tool and docs/config.schema.json judge every configuration alike: a table of right and
/// wrong files, each read by `git orchestrate` and by Python's `jsonschema` (strict JSON, each
/// key once).
@Suite("configuration schema")
struct ConfigSchemaTests {
    /// (file text, whether it is valid).
    static let table: [(String, Bool)] = [
        (#"{}"#, true),
        (#"{"$schema": "https://git-orchestrate.dev/config.schema.json", "target": "main"}"#, true),
        (#"{"$schema": 1}"#, false),
        (#"{"target": "main"}"#, true),
        (#"{"target": "feature/x"}"#, true),
        (#"{"target": "bad..name"}"#, false),
        (#"{"target": ""}"#, false),
        (#"{"target": "a.lock"}"#, false),
        (#"{"target": "x y"}"#, false),
        (#"{"target": "main/"}"#, false),
        (#"{"branchPrefix": "agents/"}"#, true),
        (#"{"branchPrefix": "/x"}"#, false),
        (#"{"branchPrefix": "a..b/"}"#, false),
        (#"{"worktreeRoot": ""}"#, false),
        (#"{"worktreeRoot": "../wt"}"#, true),
        (#"{"protectedBranches": ["main", "release/*"]}"#, true),
        (#"{"protectedBranches": "main"}"#, false),
        (#"{"approvals": {"required": 0}}"#, false),
        (#"{"approvals": {"required": 2, "allowSelfApproval": true}}"#, true),
        (#"{"approvals": {"required": 1.0}}"#, true),
        (#"{"approvals": {"required": 1.5}}"#, false),
        (#"{"approvals": {"approvers": [""]}}"#, false),
        (#"{"approvals": {"requried": 1}}"#, false),
        (#"{"checks": [{"name": "t", "command": ["make", "test"], "timeoutSeconds": 60}]}"#, true),
        (#"{"checks": [{"name": "t", "command": []}]}"#, false),
        (#"{"checks": [{"name": "t", "command": "make test"}]}"#, false),
        (#"{"checks": [{"command": ["x"]}]}"#, false),
        (#"{"merge": {"maxRetries": -1}}"#, false),
        (#"{"merge": {"keepWorktrees": "yes"}}"#, false),
        (#"{"merge": {"batchSize": 1, "parallelChecks": 4}}"#, true),
        (#"{"merge": {"batchSize": 0}}"#, false),
        (#"{"merge": {"batchSize": 2.5}}"#, false),
        (#"{"merge": {"parallelChecks": 0}}"#, false),
        (#"{"merge": {"parallelChecks": "2"}}"#, false),
        (#"{"merge": {"cleanup": "foreground"}}"#, true),
        (#"{"merge": {"cleanup": "later"}}"#, false),
        (#"{"stacking": true, "enforcePaths": false}"#, true),
        (#"{"gate": {"failClosed": false, "allowProtectedDeletion": true}}"#, true),
        (#"{"agent": {"command": ["my-agent", "{id}"], "env": {"A": ""}, "setup": {"copy": [".env"]}}}"#, true),
        (#"{"agent": {"command": ["x", ""]}}"#, false),
        (#"{"agent": {"env": {"A": 1}}}"#, false),
        (#"{"agent": {"maxConcurrent": 0}}"#, false),
        (#"{"targets": "main"}"#, false),
        ("{\"target\": \"main\",}", false),
        ("{\"protectedBranches\": [\"main\",]}", false),
        ("{\"target\": \"main\",\n \"target\": \"dev\"}", false),
        ("{\n// a comment\n\"target\": \"main\"}", false),
        ("[]", false),
    ]

    static let checker = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        def once(pairs):
            keys = [k for k, _ in pairs]
            if len(keys) != len(set(keys)): raise ValueError("duplicate key")
            return dict(pairs)
        for path in sys.argv[2:]:
            try:
                jsonschema.Draft202012Validator(schema).validate(json.loads(open(path).read(), object_pairs_hook=once))
                print("valid")
            except Exception:
                print("invalid")
        """

    @Test("the tool and docs/config.schema.json agree on every configuration of the table")
    func toolAndSchemaAgree() throws {
        guard let bin = PythonTools.bin(installing: ["jsonschema"], for: "configuration schema") else { return }
        let repo = try TestRepo(initialize: true)
        var files: [String] = []
        for (i, entry) in Self.table.enumerated() {
            try repo.write("case\(i).json", entry.0, in: repo.scratch)
            files.append(repo.scratch + "/case\(i).json")
        }
        try repo.write("check.py", Self.checker, in: repo.scratch)
        let schema = GateFixture.packageRoot + "/docs/config.schema.json"
        let python = try runProcess([bin + "/python3", repo.scratch + "/check.py", schema] + files, cwd: repo.scratch, environment: repo.environment)
        #expect(python.status == 0, "\(python)")
        let verdicts = python.stdout.split(separator: "\n").map { $0 == "valid" }
        #expect(verdicts.count == Self.table.count)
        for (i, entry) in Self.table.enumerated() where i < verdicts.count {
            try repo.write(".augment-orchestrator.json", entry.0)
            let tool = try repo.orchestrate("list")
            #expect(verdicts[i] == entry.1, "the schema judged \(entry.0) \(verdicts[i] ? "valid" : "invalid")")
            #expect((tool.status == 0) == entry.1, "the tool judged \(entry.0): \(tool)")
            if !entry.1 {
                #expect(tool.status == 2 && tool.stderr.hasPrefix("error: \(repo.path)/.augment-orchestrator.json"), "\(tool)")
                #expect(tool.stderr.split(separator: "\n").count == 1, "\(tool)")
            }
        }
    }

    @Test("a duplicate key names the key and both lines; a trailing comma names its line")
    func strictJSONMessages() throws {
        let repo = try TestRepo(initialize: true)
        try repo.write(".augment-orchestrator.json", "{\n  \"target\": \"main\",\n  \"stacking\": true,\n  \"target\": \"dev\"\n}\n")
        let duplicate = try repo.orchestrate("list")
        #expect(duplicate.status == 2)
        #expect(duplicate.stderr.contains("the key \"target\" appears twice in one object (lines 2 and 4)"), "\(duplicate)")
        try repo.write(".augment-orchestrator.json", "{\n  \"target\": \"main\",\n}\n")
        let comma = try repo.orchestrate("list")
        #expect(comma.status == 2)
        #expect(comma.stderr.contains("a trailing comma before `}` at line 3"), "\(comma)")
    }

    @Test("an invalid target is exit 2 naming the key, and init writes $schema")
    func targetValidatedAndSchemaWritten() throws {
        let repo = try TestRepo(initialize: true)
        let written = try #require(try TestRepo.json(repo.read(".augment-orchestrator.json") ?? "") as? [String: Any])
        #expect(written["$schema"] as? String == "https://git-orchestrate.dev/config.schema.json")
        try repo.write(".augment-orchestrator.json", #"{"target": "bad..name"}"#)
        let bad = try repo.orchestrate("status")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("key `target` is \"bad..name\", which is not a valid branch name"), "\(bad)")
        let other = try TestRepo()
        let initBad = try other.orchestrate("init", "--target", "bad..name")
        #expect(initBad.status == 2)
        #expect(initBad.stderr.contains("--target \"bad..name\" is not a valid branch name"), "\(initBad)")
    }
}
