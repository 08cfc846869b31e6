import Foundation
import OrchestrateTestSupport
import Testing

@Suite("hooks install")
struct HookInstallTests {
    static let names = ["pre-commit", "post-commit", "reference-transaction", "pre-push"]

    func hookStatus(_ repo: TestRepo) throws -> [String: String] {
        let json = try TestRepo.json(try repo.orchestrateOK("hooks", "status", "--format", "json")) as? [String: Any]
        let hooks = json?["hooks"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: hooks.compactMap { h in
            (h["name"] as? String).map { ($0, h["state"] as? String ?? "") }
        })
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test("init installs the shims byte for byte as in hooks/, and a second install changes nothing")
    func installedScriptsAreTheFiles() throws {
        let repo = try TestRepo(initialize: true)
        for name in Self.names {
            let installed = try #require(FileManager.default.contents(atPath: repo.path + "/.git/hooks/\(name)"))
            let shipped = try #require(FileManager.default.contents(atPath: GateFixture.packageRoot + "/hooks/\(name)"))
            #expect(installed == shipped, "hooks/\(name) differs from the installed script")
            #expect(try mode(repo.path + "/.git/hooks/\(name)") == 0o755)
        }
        #expect(try hookStatus(repo) == Dictionary(uniqueKeysWithValues: Self.names.map { ($0, "ours") }))
        let again = try repo.orchestrate("hooks", "install")
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.contains("unchanged"))
        let files = try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git/hooks")
        #expect(!files.contains { $0.contains("orchestrate-chained") || $0.contains("orchestrate-tmp") })
        #expect(try repo.git("config", "--get", "orchestrate.binary").trimmingCharacters(in: .whitespacesAndNewlines) == orchestrateBinary)
    }

    @Test("an existing hook is chained, its failure still blocks, and uninstall restores it byte for byte")
    func chainsAndRestores() throws {
        let repo = try TestRepo()
        try repo.orchestrateOK("init", "--no-hooks")
        let hooks = repo.path + "/.git/hooks"
        let original = "#!/bin/sh\n# the user's own check\nif [ -e \"$(git rev-parse --show-toplevel)/BLOCK\" ]; then echo 'user hook says no' >&2; exit 3; fi\n"
        try Data(original.utf8).write(to: URL(fileURLWithPath: hooks + "/pre-commit"))
        #expect(chmod(hooks + "/pre-commit", 0o750) == 0)
        try repo.orchestrateOK("hooks", "install")
        try repo.orchestrateOK("hooks", "install")  // twice: still exactly one chained copy
        #expect(try hookStatus(repo)["pre-commit"] == "chained")
        #expect(FileManager.default.contents(atPath: hooks + "/pre-commit.orchestrate-chained") == Data(original.utf8))

        // The user's hook still runs: its failure stops the commit, in a task worktree too.
        try repo.orchestrateOK("add", "Work")
        let worktree = try repo.orchestrateOK("start", "T1")
        try repo.write("BLOCK", "", in: worktree)
        try repo.write("f.txt", "x\n", in: worktree)
        try repo.git("add", "f.txt", in: worktree)
        let blocked = try repo.gitResult("commit", "-m", "blocked", in: worktree)
        #expect(blocked.status != 0)
        #expect(blocked.stderr.contains("user hook says no"))
        try FileManager.default.removeItem(atPath: worktree + "/BLOCK")
        let passed = try repo.gitResult("commit", "-q", "-m", "passes", in: worktree)
        #expect(passed.status == 0, "\(passed)")

        let removed = try repo.orchestrate("hooks", "uninstall")
        #expect(removed.status == 0, "\(removed)")
        #expect(FileManager.default.contents(atPath: hooks + "/pre-commit") == Data(original.utf8))
        #expect(try mode(hooks + "/pre-commit") == 0o750)
        for name in Self.names where name != "pre-commit" {
            #expect(!FileManager.default.fileExists(atPath: hooks + "/\(name)"))
        }
        #expect(!FileManager.default.fileExists(atPath: hooks + "/pre-commit.orchestrate-chained"))
        #expect(try repo.gitResult("config", "--get", "orchestrate.binary").status == 1)
        #expect(try hookStatus(repo)["pre-commit"] == "foreign")
        #expect(try hookStatus(repo)["post-commit"] == "missing")
    }

    @Test("a committed, relative core.hooksPath is never written to, and the gate, progress and the user's hooks run in every worktree")
    func relativeHooksPath() throws {
        let repo = try TestRepo()
        try repo.git("init", "-q", "--bare", GateFixture.remote(repo))
        try repo.git("remote", "add", "origin", GateFixture.remote(repo))
        try repo.git("push", "-q", "origin", "main")
        // husky style: the hooks are tracked files, the setting is relative.
        let userHook = "#!/bin/sh\necho \"user pre-commit in $PWD\" >&2\n"
        try repo.write(".githooks/pre-commit", userHook)
        chmod(repo.path + "/.githooks/pre-commit", 0o755)
        try repo.git("add", "-A")
        try repo.git("commit", "-q", "-m", "hooks")
        try repo.git("config", "core.hooksPath", ".githooks")
        try repo.orchestrateOK("init")
        try repo.git("add", ".augment-orchestrator.json")
        try repo.git("commit", "-q", "-m", "config")

        // Nothing tracked was touched.
        #expect(try repo.git("status", "--porcelain").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.githooks") == ["pre-commit"])
        #expect(repo.read(".githooks/pre-commit") == userHook)
        let status = try #require(try TestRepo.json(try repo.orchestrateOK("hooks", "status", "--format", "json")) as? [String: Any])
        #expect(status["folder"] as? String == repo.path + "/.git/orchestrate/hooks")

        // A task worktree runs our shims (progress, the gate) and the user's hook of its checkout.
        try repo.orchestrateOK("add", "Work")
        let worktree = try repo.orchestrateOK("start", "T1")
        try repo.write("a.txt", "a\n", in: worktree)
        try repo.git("add", "a.txt", in: worktree)
        let committed = try repo.gitResult("commit", "-q", "-m", "work", in: worktree)
        #expect(committed.status == 0, "\(committed)")
        #expect(committed.stderr.contains("user pre-commit in \(worktree)"), "\(committed)")
        let oid = try repo.revParse("HEAD", in: worktree)
        let progress = try GateFixture.events(repo, task: "T1").filter { $0["kind"] as? String == "progress" }
        #expect(progress.map { $0["oid"] as? String } == [oid])
        let push = try repo.gitResult("push", "origin", "HEAD:main", in: worktree)
        #expect(push.status != 0, "\(push)")
        #expect(push.stderr.contains("refused") && push.stderr.contains("approval"), "\(push)")
        #expect(try GateFixture.remoteTip(repo, "main") != oid)

        // The main checkout runs them too, and the user's hook there.
        let mainCommit = try repo.gitResult("commit", "-q", "--allow-empty", "-m", "main", in: repo.path)
        #expect(mainCommit.stderr.contains("user pre-commit in \(repo.path)"), "\(mainCommit)")
        let hooks = try repo.orchestrateOK("hooks", "status")
        #expect(hooks.contains("work tree \(worktree): runs these hooks"), "\(hooks)")

        // A worktree that lost the setting is reported by doctor and hooks status, and install fixes it.
        try repo.git("config", "--worktree", "--unset", "core.hooksPath", in: worktree)
        let doctor = try repo.orchestrate("doctor")
        #expect(doctor.stdout.contains("git does not run the git-orchestrate hooks in the work tree \(worktree)"), "\(doctor)")
        try repo.orchestrateOK("hooks", "install")
        #expect(try repo.git("config", "--worktree", "core.hooksPath", in: worktree).hasPrefix(repo.path + "/.git/orchestrate/hooks"))

        // Uninstall leaves the repository as git had it.
        try repo.orchestrateOK("hooks", "uninstall")
        #expect(try repo.git("rev-parse", "--git-path", "hooks", in: worktree).trimmingCharacters(in: .whitespacesAndNewlines) == ".githooks")
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/orchestrate/hooks"))
        #expect(try repo.gitResult("config", "extensions.worktreeConfig").status != 0)
        #expect(try repo.git("status", "--porcelain").isEmpty)
    }

    @Test("a repository of format version 1 still opens once install turns on extensions.worktreeConfig")
    func formatVersionOne() throws {
        let repo = try TestRepo()
        try repo.git("config", "core.repositoryformatversion", "1")
        try repo.git("config", "core.hooksPath", ".githooks")
        try repo.orchestrateOK("init")
        #expect(try repo.git("config", "extensions.worktreeConfig").trimmingCharacters(in: .whitespacesAndNewlines) == "true")
        try repo.orchestrateOK("add", "Work")
        let worktree = try repo.orchestrateOK("start", "T1")
        let oid = try repo.commit("a.txt", "a\n", in: worktree)
        let progress = try GateFixture.events(repo, task: "T1").filter { $0["kind"] as? String == "progress" }
        #expect(progress.map { $0["oid"] as? String } == [oid])
    }

    @Test("an absolute core.hooksPath is shared by every worktree")
    func absoluteHooksPath() throws {
        let repo = try TestRepo()
        let shared = repo.scratch + "/shared-hooks"
        try repo.git("config", "core.hooksPath", shared)
        try repo.orchestrateOK("init")
        #expect(try hookStatus(repo).values.allSatisfy { $0 == "ours" })
        try repo.orchestrateOK("add", "Work")
        let worktree = try repo.orchestrateOK("start", "T1")
        let oid = try repo.commit("a.txt", "a\n", in: worktree)
        let progress = try GateFixture.events(repo, task: "T1").filter { $0["kind"] as? String == "progress" }
        #expect(progress.map { $0["oid"] as? String } == [oid])
    }

    @Test("a hook replaced by another tool is reported, not overwritten")
    func foreignAfterInstall() throws {
        let repo = try TestRepo()
        try repo.write(".git/hooks/pre-push", "#!/bin/sh\nexit 0\n")
        try repo.orchestrateOK("init")
        let other = "#!/bin/sh\necho other tool\n"
        try repo.write(".git/hooks/pre-push", other)
        #expect(try hookStatus(repo)["pre-push"] == "foreign")
        let result = try repo.orchestrate("hooks", "install")
        #expect(result.status == 1)
        #expect(result.stderr.contains("was replaced by another hook"))
        #expect(repo.read(".git/hooks/pre-push") == other)
        let doctor = try repo.orchestrate("doctor")
        #expect(doctor.stdout.contains("pre-push is another tool's hook") || doctor.stderr.contains("pre-push is another tool's hook"), "\(doctor)")
    }

    @Test("an older shim is updated, and an install interrupted after moving a hook aside is completed")
    func upgradeAndRecovery() throws {
        let repo = try TestRepo(initialize: true)
        let hooks = repo.path + "/.git/hooks"
        try repo.write(".git/hooks/post-commit", "#!/bin/sh\n# git-orchestrate hook shim: post-commit (an old version)\nexit 0\n")
        #expect(try hookStatus(repo)["post-commit"] == "outdated")
        // As if install was killed between moving the user's pre-push aside and writing ours.
        let user = "#!/bin/sh\nexit 0\n"
        try FileManager.default.removeItem(atPath: hooks + "/pre-push")
        try repo.write(".git/hooks/pre-push.orchestrate-chained", user)
        #expect(try hookStatus(repo)["pre-push"] == "missing")
        try repo.orchestrateOK("hooks", "install")
        let status = try hookStatus(repo)
        #expect(status["post-commit"] == "ours")
        #expect(status["pre-push"] == "chained")
        #expect(FileManager.default.contents(atPath: hooks + "/post-commit")
            == FileManager.default.contents(atPath: GateFixture.packageRoot + "/hooks/post-commit"))
        try repo.orchestrateOK("hooks", "uninstall")
        #expect(repo.read(".git/hooks/pre-push") == user)
    }
}
