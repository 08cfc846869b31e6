import Foundation

/// The built-in demo: a sample repository, a handful of tasks with dependencies, a scripted
/// agent, review, approval, the merge buffer (with a conflict and a failing check held back
/// while the rest lands), status, the audit log and its verification.
public struct Demo {
    let context: Context
    /// Our own executable, run for every step as a user would.
    let binary: String
    let root: String
    var repo: String { root + "/shop" }
    var environment: [String: String]

    public init(context: Context, directory: String?) throws {
        self.context = context
        binary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let fm = FileManager.default
        if let directory {
            let path = URL(fileURLWithPath: directory, relativeTo: URL(fileURLWithPath: fm.currentDirectoryPath)).standardizedFileURL.path
            if let contents = try? fm.contentsOfDirectory(atPath: path), !contents.isEmpty {
                throw OrchestrateError.badInput("\(path) is not empty; pass --dir with a new or empty folder")
            }
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
            root = path
        } else {
            root = fm.temporaryDirectory.appendingPathComponent("git-orchestrate-demo-\(UUID().uuidString.prefix(8))").path
            try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
        }
        // The demo must not depend on, nor change, the user's git configuration or identity.
        var env = context.environment.filter { !$0.key.hasPrefix("GIT_") }
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["GIT_CONFIG_GLOBAL"] = root + "/gitconfig"
        env["HOME"] = root
        env["GIT_AUTHOR_NAME"] = "Demo Maintainer"
        env["GIT_AUTHOR_EMAIL"] = "maintainer@demo.invalid"
        env["GIT_COMMITTER_NAME"] = "Demo Maintainer"
        env["GIT_COMMITTER_EMAIL"] = "maintainer@demo.invalid"
        env["PATH"] = URL(fileURLWithPath: binary).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        environment = env
    }

    /// Runs the whole flow; throws at the first step that does not behave as expected.
    public func run() throws {
        let agentPath = root + "/agent.sh"
        try write(root + "/gitconfig", "[user]\n\tname = Demo Maintainer\n\temail = maintainer@demo.invalid\n[init]\n\tdefaultBranch = main\n")
        try write(agentPath, DemoScript.agent)
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        section("A sample repository with one commit")
        try step(["git", "init", "-q", "-b", "main"], show: false)
        for (path, content) in DemoScript.files { try write(repo + "/" + path, content) }
        try step(["git", "add", "-A"], show: false)
        try step(["git", "commit", "-q", "-m", "A tiny shop"], show: false)
        context.err("created \(repo)")

        section("Set up git-orchestrate and queue five tasks")
        try orchestrate(["init"])
        try write(repo + "/.augment-orchestrator.json", DemoScript.config(agentPath: agentPath))
        try step(["git", "add", ".augment-orchestrator.json"], show: false)
        try step(["git", "commit", "-q", "-m", "Configure git-orchestrate"], show: false)
        // Everything after this tag must pass the approval gate at the end.
        try step(["git", "tag", "before-agents"], show: false)
        try orchestrate(["add", "Add bananas", "--priority", "high"])
        try orchestrate(["add", "Add a price total", "--depends-on", "T1"])
        try orchestrate(["add", "Promote to beta"])
        try orchestrate(["add", "Promote to gamma", "--priority", "low"])
        try orchestrate(["add", "Add plums", "--priority", "low"])
        try orchestrate(["list"])

        section("Agents work on every ready task, two at a time")
        try orchestrate(["up", "--max", "2"])
        try orchestrate(["status"])

        section("Review and approve")
        try orchestrate(["review", "T1"])
        for id in ["T1", "T3", "T4", "T5"] {
            try approveAsRita([id, "--comment", "looks right"])
        }

        section("The merge buffer lands what it can; a conflict and a failing check hold back only themselves")
        try orchestrate(["merge"], allowFailure: true)
        try step(["git", "log", "--oneline", "main"])

        section("T2 was waiting on T1; now it runs, is approved and lands")
        try orchestrate(["up", "--max", "2"])
        try approveAsRita(["T2"])
        try orchestrate(["merge"])

        section("The state of things, the audit trail, and the gate")
        try orchestrate(["status"])
        try orchestrate(["log", "--limit", "12"])
        try orchestrate(["audit", "verify"])
        try orchestrate(["verify", "before-agents..main"])
        section("Done")
        context.out("The sample repository is in \(repo); try `git -C \(repo) orchestrate status`.")
    }

    func section(_ title: String) { context.out("\n== \(title)") }

    func write(_ path: String, _ content: String) throws {
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
    }

    func orchestrate(_ args: [String], allowFailure: Bool = false) throws {
        try step([binary] + args, display: "git orchestrate " + args.map(quote).joined(separator: " "), allowFailure: allowFailure)
    }

    /// Rita, the reviewer, approves with her own git identity: naming her with `--by` would be
    /// only a claim (docs/security.md).
    func approveAsRita(_ args: [String]) throws {
        try step(
            ["env", "GIT_COMMITTER_NAME=Rita Reviewer", "GIT_COMMITTER_EMAIL=rita@demo.invalid", binary, "approve"] + args,
            display: "GIT_COMMITTER_NAME=\"Rita Reviewer\" GIT_COMMITTER_EMAIL=rita@demo.invalid git orchestrate approve "
                + args.map(quote).joined(separator: " "))
    }

    func quote(_ arg: String) -> String {
        arg.contains(where: { " <>'\"".contains($0) }) ? "\"\(arg)\"" : arg
    }

    /// Runs one command in the sample repository, echoing it and its output.
    func step(_ argv: [String], display: String? = nil, show: Bool = true, allowFailure: Bool = false) throws {
        if show { context.out("$ " + (display ?? argv.map(quote).joined(separator: " "))) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0].hasPrefix("/") ? argv[0] : "/usr/bin/env")
        process.arguments = argv[0].hasPrefix("/") ? Array(argv.dropFirst()) : argv
        process.currentDirectoryURL = URL(fileURLWithPath: repo)
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        if show && !text.isEmpty { context.out(text.hasSuffix("\n") ? String(text.dropLast()) : text) }
        if process.terminationStatus != 0 && !allowFailure {
            if !show { context.err(text) }
            throw OrchestrateError.failed(
                "the demo step `\(display ?? argv.joined(separator: " "))` exited \(process.terminationStatus); the sample repository is kept in \(repo) for a look")
        }
    }
}
