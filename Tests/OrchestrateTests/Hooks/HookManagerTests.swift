import Foundation
import OrchestrateTestSupport
import Testing

/// Our hooks next to the real pre-commit framework and lefthook, installed from PyPI into a
/// virtual environment by the test itself.
@Suite("hook managers", .serialized)
struct HookManagerTests {
    /// The venv's bin folder, or nil (with a visible message) when pip cannot install them.
    static let managers: String? = PythonTools.bin(installing: ["pre-commit", "lefthook"], for: "hook managers")

    func repo(_ bin: String) throws -> TestRepo {
        let repo = try TestRepo(files: [
            "README.md": "hello\n",
            ".pre-commit-config.yaml": """
                repos:
                - repo: local
                  hooks:
                  - id: say
                    name: say
                    entry: echo PRECOMMIT-RAN
                    language: system
                    pass_filenames: false
                    verbose: true

                """,
            "lefthook.yml": "pre-commit:\n  commands:\n    say:\n      run: echo LEFTHOOK-RAN\n",
        ])
        repo.setEnv("PATH", bin + ":" + (repo.environment["PATH"] ?? ""))
        try repo.git("init", "-q", "--bare", GateFixture.remote(repo))
        try repo.git("remote", "add", "origin", GateFixture.remote(repo))
        try repo.git("push", "-q", "origin", "main")
        return repo
    }

    /// Commits a change on main and expects it to succeed; returns git's output.
    @discardableResult
    func commitWorks(_ repo: TestRepo, _ file: String) throws -> String {
        try repo.write(file, file + "\n")
        try repo.git("add", file)
        let result = try repo.gitResult("commit", "-m", "change \(file)")
        #expect(result.status == 0, "\(result)")
        return result.stdout + result.stderr
    }

    func gateRefuses(_ repo: TestRepo) throws {
        let push = try repo.gitResult("push", "origin", "main")
        #expect(push.status != 0, "\(push)")
        #expect(push.stderr.contains("refused"), "\(push)")
    }

    func hookFiles(_ repo: TestRepo) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git/hooks").filter { !$0.hasSuffix(".sample") }.sorted()
    }

    @Test("pre-commit installed after us runs our shim as its legacy hook; install keeps commits working; uninstall leaves what pre-commit expects")
    func preCommitAfterUs() throws {
        guard let bin = Self.managers else { return }
        let repo = try repo(bin)
        try repo.orchestrateOK("init")
        try repo.run(["pre-commit", "install"])
        let status = try #require(try TestRepo.json(repo.orchestrateOK("hooks", "status", "--format", "json")) as? [String: Any])
        let preCommit = (status["hooks"] as? [[String: Any]])?.first { $0["name"] as? String == "pre-commit" }
        #expect(preCommit?["state"] as? String == "hosted")
        #expect(try commitWorks(repo, "a.txt").contains("PRECOMMIT-RAN"))
        // doctor's advice, followed, never breaks commits (it used to make every commit fail).
        try repo.orchestrateOK("hooks", "install")
        #expect(try commitWorks(repo, "b.txt").contains("PRECOMMIT-RAN"))
        try gateRefuses(repo)

        try repo.orchestrateOK("hooks", "uninstall")
        #expect(try hookFiles(repo) == ["pre-commit"])
        #expect(try commitWorks(repo, "c.txt").contains("PRECOMMIT-RAN"))
        try repo.run(["pre-commit", "uninstall"])
        #expect(try hookFiles(repo).isEmpty)
    }

    @Test("pre-commit installed first is chained; installing it again later does not loop")
    func preCommitFirst() throws {
        guard let bin = Self.managers else { return }
        let repo = try repo(bin)
        try repo.run(["pre-commit", "install"])
        let original = repo.read(".git/hooks/pre-commit")
        try repo.orchestrateOK("init")
        #expect(try commitWorks(repo, "a.txt").contains("PRECOMMIT-RAN"))
        try gateRefuses(repo)
        // A second `pre-commit install` moves our shim to pre-commit.legacy.
        try repo.run(["pre-commit", "install"])
        #expect(try commitWorks(repo, "b.txt").contains("PRECOMMIT-RAN"))
        try repo.orchestrateOK("hooks", "install")
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/pre-commit.orchestrate-chained"))
        try gateRefuses(repo)
        try repo.orchestrateOK("hooks", "uninstall")
        #expect(try hookFiles(repo) == ["pre-commit"])
        #expect(repo.read(".git/hooks/pre-commit") == original)
    }

    @Test("lefthook installed after us: doctor says our shim was moved aside, install chains lefthook, uninstall leaves no .old of ours")
    func lefthookAfterUs() throws {
        guard let bin = Self.managers else { return }
        let repo = try repo(bin)
        try repo.orchestrateOK("init")
        try repo.run(["lefthook", "install"])
        let doctor = try repo.orchestrate("doctor")
        #expect(doctor.stdout.contains("is lefthook's, which moved our shim to"), "\(doctor)")
        try repo.orchestrateOK("hooks", "install")
        #expect(try !hookFiles(repo).contains { $0.hasSuffix(".old") })
        #expect(try commitWorks(repo, "a.txt").contains("LEFTHOOK-RAN"))
        try gateRefuses(repo)
        try repo.orchestrateOK("hooks", "uninstall")
        #expect(try !hookFiles(repo).contains { $0.hasSuffix(".old") || $0.contains("orchestrate") })
        #expect(try commitWorks(repo, "b.txt").contains("LEFTHOOK-RAN"))
        try repo.run(["lefthook", "uninstall"])
        #expect(try hookFiles(repo).isEmpty)
    }
}

extension TestRepo {
    /// Runs another program in the main work tree with this repository's environment.
    func run(_ argv: [String]) throws {
        let result = try runProcess(argv, cwd: path, environment: environment)
        guard result.status == 0 else { throw TestFailure("\(argv.joined(separator: " ")) failed: \(result)") }
    }
}
