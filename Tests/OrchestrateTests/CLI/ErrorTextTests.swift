import Foundation
import OrchestrateTestSupport
import Testing

/// User-visible error text: one `error:` sentence naming the object and the next step, with
/// the documented exit status (golden text, stderr included).
@Suite("error text")
struct ErrorTextTests {
    static let cases: [([String], Int32, String)] = [
        (["help", "nosuch"], 2, "error: \"nosuch\" is not a git orchestrate command; run `git orchestrate help` to list them\n"),
        (["help", "hooks", "nosuch"], 2, "error: \"nosuch\" is not a git orchestrate command; run `git orchestrate help` to list them\n"),
        (["log", "--limit", "-1"], 2, "error: --limit -1 is negative; pass how many of the newest events to show (0 or more)\n"),
        (["log", "--limit", "many"], 2, "error: the value 'many' is invalid for '--limit <limit>'; see `git orchestrate log --help`\n"),
        (["list", "--bogus"], 2, "error: unknown option '--bogus'; see `git orchestrate list --help`\n"),
        (["show"], 2, "error: missing expected argument '<id>'; see `git orchestrate show --help`\n"),
        (["hooks", "install", "--frob"], 2, "error: unknown option '--frob'; see `git orchestrate hooks install --help`\n"),
        (["list", "--format", "xml"], 2, "error: the value 'xml' is invalid for '--format <format>': provide one of 'table' and 'json'; see `git orchestrate list --help`\n"),
        (["logs", "T1", "--follow", "--format", "json"], 2, "error: --follow prints the output as it grows and --format json prints one document; use one of them\n"),
        (["approve", "T1", "--by", "rita"], 2, "error: --by \"rita\" is not an identity; write it as git does, such as \"Rita Reviewer <rita@example.com>\"\n"),
    ]

    @Test("usage and input errors are one sentence with exit 2", arguments: cases)
    func errorText(_ args: [String], _ status: Int32, _ stderr: String) throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Work")
        let result = try repo.orchestrateArgs(args)
        #expect(result.status == status, "\(result)")
        #expect(result.stderr == stderr)
        #expect(result.stdout.isEmpty)
    }

    @Test("help keeps its usage text, and the usage line shows -C")
    func helpText() throws {
        let repo = try TestRepo()
        let root = try repo.orchestrate("--help")
        #expect(root.status == 0)
        #expect(root.stdout.contains("USAGE: git orchestrate [-C <path>]... <subcommand> [<options>]"), "\(root)")
        let sub = try repo.orchestrate("hooks", "install", "--help")
        #expect(sub.status == 0)
        #expect(sub.stdout.contains("USAGE: git-orchestrate hooks install"), "\(sub)")
        #expect(try repo.orchestrate("help", "hooks", "install").stdout == sub.stdout)
    }

    @Test("run -- PROGRAM: a program that cannot be found names where it was looked for and uses no attempt; an untracked script of the main checkout is found")
    func runResolvesProgram() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Work")
        let missing = try repo.orchestrate("run", "T1", "--", "./nosuch.sh")
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderr.contains("the agent program ./nosuch.sh was not found: looked in the task's worktree (\(repo.worktreeRoot)/T1/nosuch.sh) and in \(repo.path)"), "\(missing)")
        #expect(try repo.taskJSON("T1")["attempts"] as? Int == 0)
        #expect(try repo.taskJSON("T1")["state"] as? String == "queued")
        let notOnPath = try repo.orchestrate("run", "T1", "--", "no-such-agent-program")
        #expect(notOnPath.status == 2)
        #expect(notOnPath.stderr.contains("the agent program no-such-agent-program is not on PATH"), "\(notOnPath)")

        // `up` checks the configured program before it claims anything.
        let original = try #require(repo.read(".augment-orchestrator.json"))
        try repo.write(".augment-orchestrator.json", #"{"agent": {"command": ["./missing-agent.sh"]}}"#)
        let up = try repo.orchestrate("up")
        #expect(up.status == 2, "\(up)")
        #expect(up.stderr.contains("the agent program ./missing-agent.sh was not found"), "\(up)")
        #expect(try repo.taskJSON("T1")["state"] as? String == "queued")
        try repo.write(".augment-orchestrator.json", original)

        // An untracked script in the main checkout, named relative to it, as a shell would.
        try repo.write("my-agent.sh", "#!/bin/sh\necho agent ran in \"$PWD\"\n")
        chmod(repo.path + "/my-agent.sh", 0o755)
        let ran = try repo.orchestrate("run", "T1", "--", "./my-agent.sh")
        #expect(ran.stderr.contains("note: running \(repo.path)/my-agent.sh (found in \(repo.path), not in the task's worktree)"), "\(ran)")
        let logs = try #require(try TestRepo.json(repo.orchestrateOK("logs", "T1", "--format", "json")) as? [String: Any])
        #expect((logs["log"] as? String)?.contains("agent ran in \(repo.worktreeRoot)/T1") == true, "\(logs)")
        #expect(logs["attempt"] as? Int == 1)
        #expect((logs["command"] as? [String])?.first == repo.path + "/my-agent.sh")

        // Not executable: permission denied, naming the path.
        chmod(repo.path + "/my-agent.sh", 0o644)
        try repo.orchestrateOK("add", "More", "--id", "T2")
        let denied = try repo.orchestrate("run", "T2", "--", "./my-agent.sh")
        #expect(denied.status == 2)
        #expect(denied.stderr.contains("permission denied: the agent program \(repo.path)/my-agent.sh is not executable"), "\(denied)")
    }

    @Test("permission problems say permission denied and name the path (run as another user)")
    func permissionDenied() throws {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            print("SKIP permission denied: needs root and setpriv to run as another user; this test did not run")
            return
        }
        let repo = try TestRepo(initialize: true)
        // The other user trusts the repository (git's safe.directory) and nothing else.
        try repo.write("global", "[safe]\n\tdirectory = *\n", in: repo.scratch)
        func asNobody(_ args: String...) throws -> ProcessResult {
            try runProcess(
                ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env",
                 "HOME=\(repo.scratch)", "GIT_CONFIG_GLOBAL=\(repo.scratch)/global", orchestrateBinary] + args,
                cwd: repo.path, environment: repo.environment)
        }
        let config = repo.path + "/.augment-orchestrator.json"
        chmod(config, 0o600)
        let unreadable = try asNobody("list")
        #expect(unreadable.status == 2, "\(unreadable)")
        #expect(unreadable.stderr == "error: permission denied: cannot read \(config); fix its permissions (`ls -l \(config)`)\n")
        chmod(config, 0o644)
        let database = repo.path + "/.git/orchestrate/orchestrate.sqlite"
        chmod(database, 0o600)
        let denied = try asNobody("list")
        #expect(denied.status != 0)
        #expect(denied.stderr.hasPrefix("error: permission denied: \(database)"), "\(denied)")
        // doctor does not mistake it for a damaged database (whose advice replaces the file).
        let doctor = try asNobody("doctor")
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("problem: permission denied: \(database)"), "\(doctor)")
        #expect(!doctor.stdout.contains("--new-database"), "\(doctor)")
    }
}
