import Foundation
import OrchestrateTestSupport
import Testing

@Suite("agent setup")
struct AgentSetupTests {
    @Test("a new worktree gets the copied ignored files, then the set-up command runs in it")
    func copiesAndRuns() throws {
        let repo = try TestRepo(
            files: ["README.md": "hello\n", ".gitignore": ".env\nconfig/*.local\nsetup-ran.txt\n", "config/app.json": "{}\n"],
            initialize: true)
        try repo.write(".env", "SECRET=42\n")
        try repo.write("config/db.local", "db\n")
        try repo.write("config/cache.local", "cache\n")
        try repo.setAgentConfig([
            "setup": ["copy": [".env", "config/*.local", "missing.txt"], "command": ["sh", "-c", "cat .env > setup-ran.txt; echo $ORCHESTRATE_TASK_ID >> setup-ran.txt"]]
        ])
        try repo.orchestrateOK("add", "Needs env")
        let start = try repo.orchestrate("start", "T1")
        #expect(start.status == 0, "\(start)")
        let worktree = start.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(repo.read(".env", in: worktree) == "SECRET=42\n")
        #expect(repo.read("config/db.local", in: worktree) == "db\n")
        #expect(repo.read("config/cache.local", in: worktree) == "cache\n")
        #expect(repo.read("setup-ran.txt", in: worktree) == "SECRET=42\nT1\n")
        #expect(start.stderr.contains("`agent.setup.copy` entry missing.txt matches nothing"))
        // Ignored copies leave the worktree clean.
        #expect(try repo.git("status", "--porcelain", in: worktree).isEmpty)
    }

    @Test("a failing set-up command aborts the start and leaves nothing behind")
    func failureUndoesStart() throws {
        let repo = try TestRepo(initialize: true)
        try repo.setAgentConfig(["setup": ["command": ["sh", "-c", "echo broken; exit 4"]]])
        try repo.orchestrateOK("add", "Broken setup")
        let start = try repo.orchestrate("start", "T1")
        #expect(start.status == 1, "\(start)")
        #expect(start.stderr.contains("the set-up command of T1 exited with status 4 (last output: broken); the start was undone"))
        #expect(!FileManager.default.fileExists(atPath: repo.worktreeRoot + "/T1"))
        #expect(try repo.gitResult("rev-parse", "--verify", "-q", "refs/heads/orchestrate/T1").status != 0)
        #expect(try repo.git("worktree", "list", "--porcelain").components(separatedBy: "worktree ").count == 2)
        let task = try repo.taskJSON("T1")
        #expect(task["state"] as? String == "queued")
        #expect(task["worktree"] is NSNull)

        // `up` stops taking work when a task cannot be set up, and says why.
        try repo.setAgentConfig(["command": ["true"], "setup": ["command": ["sh", "-c", "exit 4"]]])
        let up = try repo.orchestrate("up")
        #expect(up.status == 1)
        #expect(up.stderr.contains("stopped starting new agents: the set-up command of T1 exited with status 4"))
        #expect(try repo.taskJSON("T1")["state"] as? String == "queued")
    }
}
