import Foundation
import OrchestrateTestSupport
import Testing

/// The identity recorded for an event is exactly git's (`git var GIT_COMMITTER_IDENT`), from
/// whichever source git takes it, and commands that vouch for something refuse without one.
@Suite("identity")
struct IdentityTests {
    /// One configuration source and what it sets up.
    struct Setup: CustomTestStringConvertible, Sendable {
        var name: String
        var prepare: @Sendable (TestRepo) throws -> Void
        var gitPrefix: [String] = []
        var testDescription: String { name }
    }

    static let setups: [Setup] = [
        Setup(name: "GIT_COMMITTER_NAME/EMAIL beat every file") { repo in
            try writeConfig(repo, repo.scratch + "/global", name: "Global Gail", email: "gail@example.com")
            repo.setEnv("GIT_CONFIG_GLOBAL", repo.scratch + "/global")
            repo.setEnv("GIT_COMMITTER_NAME", "Env Erin")
            repo.setEnv("GIT_COMMITTER_EMAIL", "erin@example.com")
        },
        Setup(name: "GIT_CONFIG_GLOBAL, not ~/.gitconfig") { repo in
            try writeConfig(repo, repo.scratch + "/.gitconfig", name: "Home Hal", email: "hal@example.com")
            try writeConfig(repo, repo.scratch + "/global", name: "Global Gail", email: "gail@example.com")
            repo.setEnv("GIT_CONFIG_GLOBAL", repo.scratch + "/global")
        },
        Setup(name: "~/.gitconfig over XDG") { repo in
            try writeConfig(repo, repo.scratch + "/.gitconfig", name: "Home Hal", email: "hal@example.com")
            try writeConfig(repo, repo.scratch + "/.config/git/config", name: "Xdg Xena", email: "xena@example.com")
            repo.setEnv("GIT_CONFIG_GLOBAL", nil)
        },
        Setup(name: "XDG config alone") { repo in
            try writeConfig(repo, repo.scratch + "/.config/git/config", name: "Xdg Xena", email: "xena@example.com")
            repo.setEnv("GIT_CONFIG_GLOBAL", nil)
        },
        Setup(name: "GIT_CONFIG_SYSTEM") { repo in
            try writeConfig(repo, repo.scratch + "/system", name: "System Sam", email: "sam@example.com")
            repo.setEnv("GIT_CONFIG_NOSYSTEM", nil)
            repo.setEnv("GIT_CONFIG_SYSTEM", repo.scratch + "/system")
        },
        Setup(name: "GIT_CONFIG_NOSYSTEM hides GIT_CONFIG_SYSTEM") { repo in
            try writeConfig(repo, repo.scratch + "/system", name: "System Sam", email: "sam@example.com")
            try writeConfig(repo, repo.scratch + "/global", name: "Global Gail", email: "gail@example.com")
            repo.setEnv("GIT_CONFIG_SYSTEM", repo.scratch + "/system")
            repo.setEnv("GIT_CONFIG_GLOBAL", repo.scratch + "/global")
        },
        Setup(name: "repository config over global") { repo in
            try writeConfig(repo, repo.scratch + "/global", name: "Global Gail", email: "gail@example.com")
            repo.setEnv("GIT_CONFIG_GLOBAL", repo.scratch + "/global")
            try repo.git("config", "user.name", "Local Lou")
            try repo.git("config", "user.email", "lou@example.com")
        },
        Setup(name: "includeIf gitdir: in the global file") { repo in
            try writeConfig(repo, repo.scratch + "/work.inc", name: "Work Wanda", email: "wanda@example.com")
            try repo.write("global", """
                [user]
                \tname = Global Gail
                \temail = gail@example.com
                [includeIf "gitdir:\(repo.path)/"]
                \tpath = \(repo.scratch)/work.inc

                """, in: repo.scratch)
            repo.setEnv("GIT_CONFIG_GLOBAL", repo.scratch + "/global")
        },
        Setup(name: "git -c user.name=… (GIT_CONFIG_PARAMETERS)", prepare: { repo in
            try writeConfig(repo, repo.scratch + "/global", name: "Global Gail", email: "gail@example.com")
            repo.setEnv("GIT_CONFIG_GLOBAL", repo.scratch + "/global")
        }, gitPrefix: ["-c", "user.name=Dash Dana", "-c", "user.email=dana@example.com"]),
    ]

    @Test("the actor of every event is git's committer identity", arguments: setups)
    func actorIsGits(_ setup: Setup) throws {
        let repo = try identityRepo()
        try setup.prepare(repo)
        let expected = try gitIdent(repo, prefix: setup.gitPrefix)
        // Through git (`git -c … orchestrate`) when the source is git's own command line.
        let args = setup.gitPrefix + ["orchestrate", "add", "Identity check", "--id", "T1"]
        let added = try runProcess(["git"] + args, cwd: repo.path, environment: repo.environment)
        #expect(added.status == 0, "\(added)")
        let events = try #require(try TestRepo.json(repo.orchestrateOK("log", "--task", "T1", "--format", "json")) as? [[String: Any]])
        #expect(events.first?["actor"] as? String == expected)
    }

    @Test("a user cannot approve their own commit when GIT_CONFIG_GLOBAL names them and ~/.gitconfig does not")
    func selfApprovalFollowsGitConfigGlobal() throws {
        let repo = try identityRepo()
        try Self.writeConfig(repo, repo.scratch + "/.gitconfig", name: "Home Hal", email: "hal@example.com")
        try Self.writeConfig(repo, repo.scratch + "/global", name: "Global Gail", email: "gail@example.com")
        repo.setEnv("GIT_CONFIG_GLOBAL", repo.scratch + "/global")
        try repo.orchestrateOK("add", "Work", "--id", "T1")
        let worktree = try repo.orchestrateOK("start", "T1")
        try repo.commit("f.txt", "f\n", in: worktree)
        try repo.orchestrateOK("submit", "T1")
        let own = try repo.orchestrate("approve", "T1")
        #expect(own.status == 2, "\(own)")
        #expect(own.stderr.contains("Global Gail <gail@example.com> may not approve T1"), "\(own)")
    }

    @Test("with no identity anywhere, approve, reject and merge refuse with git's advice and record nothing")
    func noIdentityRefuses() throws {
        let repo = try identityRepo()
        // useConfigOnly: git refuses rather than guessing from the host name, wherever it runs.
        try repo.git("config", "user.useConfigOnly", "true")
        try repo.orchestrateOK("add", "Work", "--id", "T1")
        let worktree = try repo.orchestrateOK("start", "T1")
        try repo.write("f.txt", "f\n", in: worktree)
        try repo.git("add", "f.txt", in: worktree)
        try repo.gitArgs(["-c", "user.name=Cody", "-c", "user.email=cody@example.com", "commit", "-q", "-m", "work"], in: worktree)
        try repo.orchestrateOK("submit", "T1")
        #expect(try repo.gitResult("var", "GIT_COMMITTER_IDENT").status != 0)
        for args in [["approve", "T1"], ["reject", "T1", "--reason", "no"], ["merge", "T1"]] {
            let result = try repo.orchestrateArgs(args)
            #expect(result.status == 2, "\(args): \(result)")
            #expect(result.stderr.hasPrefix("error: git does not know who you are"), "\(result)")
            #expect(result.stderr.contains("git config user.email \"you@example.com\""), "\(result)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result)")
        }
        let kinds = try #require(try TestRepo.json(repo.orchestrateOK("log", "--format", "json")) as? [[String: Any]])
            .compactMap { $0["kind"] as? String }
        #expect(!kinds.contains("approved") && !kinds.contains("rejected") && !kinds.contains("landed"))
        #expect(!kinds.isEmpty)
        let actors = try #require(try TestRepo.json(repo.orchestrateOK("log", "--format", "json")) as? [[String: Any]])
            .compactMap { $0["actor"] as? String }
        #expect(!actors.contains("unknown"))
        let doctor = try repo.orchestrate("doctor")
        #expect(doctor.stdout.contains("warning: approve, reject and merge will refuse: git does not know who you are"), "\(doctor)")
    }

    @Test("--by accepts only `Name <email>`", arguments: ["not an identity", "bot-7", "<a@b.c>", "Name <no-at-sign>", "Name <a b@c.d>"])
    func byMustBeAnIdentity(_ by: String) throws {
        let repo = try identityRepo()
        repo.setEnv("GIT_COMMITTER_NAME", "Ada Author")
        repo.setEnv("GIT_COMMITTER_EMAIL", "ada@example.com")
        try repo.orchestrateOK("add", "Work", "--id", "T1")
        let result = try repo.orchestrate("approve", "T1", "--by", by)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("is not an identity; write it as git does"), "\(result)")
    }

    // MARK: helpers

    /// An initialised repository whose git identity comes from configuration only: the
    /// hermetic environment's committer variables are removed.
    func identityRepo() throws -> TestRepo {
        let repo = try TestRepo(initialize: true)
        for key in ["GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"] { repo.setEnv(key, nil) }
        return repo
    }

    /// `git var GIT_COMMITTER_IDENT` without the date: the oracle.
    func gitIdent(_ repo: TestRepo, prefix: [String] = []) throws -> String {
        let line = try repo.gitArgs(prefix + ["var", "GIT_COMMITTER_IDENT"])
        guard let close = line.lastIndex(of: ">") else { throw TestFailure("git var printed \(line)") }
        return String(line[...close])
    }

    static func writeConfig(_ repo: TestRepo, _ path: String, name: String, email: String) throws {
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try Data("[user]\n\tname = \(name)\n\temail = \(email)\n".utf8).write(to: URL(fileURLWithPath: path))
    }
}

/// `safe.directory` as git reads it, from every file and from `git -c`.
@Suite("ownership")
struct OwnershipTests {
    @Test("a repository owned by someone else is refused as git refuses it, and trusted as git trusts it")
    func safeDirectoryFollowsGit() throws {
        guard geteuid() == 0 else {
            print("SKIP ownership: changing a repository's owner needs root; this test ran as uid \(geteuid())")
            return
        }
        let repo = try TestRepo(initialize: true)
        let chown = try runProcess(["chown", "-R", "4242:4242", repo.path], cwd: repo.scratch, environment: repo.environment)
        #expect(chown.status == 0, "\(chown)")
        let refused = try repo.orchestrate("list")
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.hasPrefix("error: detected dubious ownership in repository at '\(repo.path)'"), "\(refused)")
        #expect(refused.stderr.contains("git config --global --add safe.directory \(repo.path)"), "\(refused)")
        #expect(try repo.gitResult("status").status != 0)

        // Trusted through GIT_CONFIG_GLOBAL (libgit2 alone reads only ~/.gitconfig).
        try repo.write("global", "[safe]\n\tdirectory = \(repo.path)\n", in: repo.scratch)
        repo.setEnv("GIT_CONFIG_GLOBAL", repo.scratch + "/global")
        #expect(try repo.gitResult("status").status == 0)
        let trusted = try repo.orchestrate("list")
        #expect(trusted.status == 0, "\(trusted)")

        // And ~/.gitconfig does not count when GIT_CONFIG_GLOBAL names another file.
        try repo.write(".gitconfig", "[safe]\n\tdirectory = *\n", in: repo.scratch)
        repo.setEnv("GIT_CONFIG_GLOBAL", "/dev/null")
        #expect(try repo.gitResult("status").status != 0)
        #expect(try repo.orchestrate("list").status == 2)
    }
}
