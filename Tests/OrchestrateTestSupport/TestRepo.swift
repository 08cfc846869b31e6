import Foundation

/// A real, hermetic git repository in its own scratch folder, removed when released.
/// git runs without the caller's GIT_* variables, with no system or global config, fixed
/// identities and dates and TZ=UTC, so that hashes are reproducible and hooks behave as they
/// would for a user.
public final class TestRepo: @unchecked Sendable {
    /// The scratch folder holding the repository (and its sibling worktree folder).
    public let scratch: String
    /// The repository's main work tree.
    public let path: String
    /// The environment every git and git-orchestrate call gets.
    public private(set) var environment: [String: String]

    /// Creates `<scratch>/repo` with branch `main` and one commit of `files`.
    public init(
        files: [String: String] = ["README.md": "hello\n"], name: String = "repo", initialize: Bool = false
    ) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent(
            "orchestrate-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        scratch = base.resolvingSymlinksInPath().path
        path = scratch + "/" + name
        environment = TestRepo.hermeticEnvironment(home: scratch)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
        if !files.isEmpty {
            for (file, content) in files { try write(file, content) }
            try git("add", "-A")
            try git("commit", "-q", "-m", "initial")
        }
        if initialize { try orchestrateOK("init") }
    }

    deinit { try? FileManager.default.removeItem(atPath: scratch) }

    /// The hermetic environment, with the built binary's folder first on PATH (hooks find it).
    public static func hermeticEnvironment(home: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") }
        env.removeValue(forKey: "ORCHESTRATE_ACTOR")
        env["HOME"] = home  // libgit2 reads $HOME/.gitconfig and ignores GIT_CONFIG_GLOBAL
        env["XDG_CONFIG_HOME"] = home + "/.config"
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["GIT_CONFIG_GLOBAL"] = "/dev/null"
        env["GIT_AUTHOR_NAME"] = "Ada Author"
        env["GIT_AUTHOR_EMAIL"] = "ada@example.com"
        env["GIT_COMMITTER_NAME"] = "Ada Author"
        env["GIT_COMMITTER_EMAIL"] = "ada@example.com"
        env["GIT_AUTHOR_DATE"] = "2026-01-01T00:00:00Z"
        env["GIT_COMMITTER_DATE"] = "2026-01-01T00:00:00Z"
        env["TZ"] = "UTC"
        env["NO_COLOR"] = "1"
        let binDir = URL(fileURLWithPath: orchestrateBinary).deletingLastPathComponent().path
        env["PATH"] = binDir + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        return env
    }

    /// Sets (or with nil removes) an environment variable for later calls.
    public func setEnv(_ key: String, _ value: String?) { environment[key] = value }

    /// The folder that holds task worktrees by default.
    public var worktreeRoot: String { scratch + "/" + URL(fileURLWithPath: path).lastPathComponent + ".worktrees" }

    // MARK: git

    /// Runs git in `dir` (default: the main work tree); throws with its output on failure.
    @discardableResult
    public func git(_ args: String..., in dir: String? = nil) throws -> String {
        try gitArgs(args, in: dir)
    }

    @discardableResult
    public func gitArgs(_ args: [String], in dir: String? = nil) throws -> String {
        let result = try runProcess(["git"] + args, cwd: dir ?? path, environment: environment)
        guard result.status == 0 else { throw TestFailure("git \(args.joined(separator: " ")) failed: \(result)") }
        return result.stdout
    }

    /// Runs git and returns the whole result, whatever the exit status.
    public func gitResult(_ args: String..., in dir: String? = nil, stdin: String? = nil) throws -> ProcessResult {
        try runProcess(["git"] + args, cwd: dir ?? path, environment: environment, stdin: stdin)
    }

    /// `git rev-parse <rev>` (trimmed).
    public func revParse(_ rev: String, in dir: String? = nil) throws -> String {
        try git("rev-parse", rev, in: dir).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: git-orchestrate

    /// Runs the real `git-orchestrate` binary in `dir` (default: the main work tree).
    public func orchestrate(_ args: String..., in dir: String? = nil, stdin: String? = nil) throws -> ProcessResult {
        try orchestrateArgs(args, in: dir, stdin: stdin)
    }

    public func orchestrateArgs(_ args: [String], in dir: String? = nil, stdin: String? = nil) throws -> ProcessResult {
        try runProcess([orchestrateBinary] + args, cwd: dir ?? path, environment: environment, stdin: stdin)
    }

    /// Runs `git-orchestrate` and throws unless it exits 0; returns stdout trimmed.
    @discardableResult
    /// Runs git-orchestrate as another person: their git identity (`Name <email>`), or
    /// `ORCHESTRATE_ACTOR` for a bare name. (Naming someone with `approve --by` proves nothing;
    /// the person runs the command.)
    public func orchestrateAs(_ identity: String, _ args: String..., in dir: String? = nil) throws -> ProcessResult {
        try runProcess([orchestrateBinary] + args, cwd: dir ?? path, environment: environment(as: identity))
    }

    /// `orchestrateAs` that throws unless it succeeds; returns stdout trimmed.
    @discardableResult
    public func orchestrateOKAs(_ identity: String, _ args: String..., in dir: String? = nil) throws -> String {
        try orchestrateOKAs(identity, args, in: dir)
    }

    @discardableResult
    public func orchestrateOKAs(_ identity: String, _ args: [String], in dir: String? = nil) throws -> String {
        let result = try runProcess([orchestrateBinary] + args, cwd: dir ?? path, environment: environment(as: identity))
        guard result.status == 0 else {
            throw TestFailure("git-orchestrate \(args.joined(separator: " ")) as \(identity) failed: \(result)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The environment with `identity` as the acting person.
    public func environment(as identity: String) -> [String: String] {
        var env = environment
        if let open = identity.lastIndex(of: "<"), let close = identity.lastIndex(of: ">"), open < close {
            env["GIT_COMMITTER_NAME"] = identity[..<open].trimmingCharacters(in: .whitespaces)
            env["GIT_COMMITTER_EMAIL"] = String(identity[identity.index(after: open)..<close])
        } else {
            env["ORCHESTRATE_ACTOR"] = identity
        }
        return env
    }

    @discardableResult
    public func orchestrateOK(_ args: String..., in dir: String? = nil) throws -> String {
        let result = try orchestrateArgs(args, in: dir)
        guard result.status == 0 else {
            throw TestFailure("git-orchestrate \(args.joined(separator: " ")) failed: \(result)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: files

    /// Writes `content` to `file` (relative to `dir`, default the main work tree).
    public func write(_ file: String, _ content: String, in dir: String? = nil) throws {
        let url = URL(fileURLWithPath: (dir ?? path) + "/" + file)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }

    /// Reads `file` (relative to `dir`, default the main work tree), nil when absent.
    public func read(_ file: String, in dir: String? = nil) -> String? {
        FileManager.default.contents(atPath: (dir ?? path) + "/" + file).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes a file and commits it with the git CLI in `dir`; returns the new commit id.
    @discardableResult
    public func commit(_ file: String, _ content: String, message: String? = nil, in dir: String? = nil) throws -> String {
        try write(file, content, in: dir)
        try git("add", "--", file, in: dir)
        try git("commit", "-q", "-m", message ?? "change \(file)", in: dir)
        return try revParse("HEAD", in: dir)
    }

    /// The task object of `show <id> --format json` (with its history and runs).
    public func taskJSON(_ id: String) throws -> [String: Any] {
        let text = try orchestrateOK("show", id, "--format", "json")
        guard let object = try TestRepo.json(text) as? [String: Any] else { throw TestFailure("show printed \(text)") }
        return object
    }

    /// Parses JSON printed by `--format json`.
    public static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }
}

/// A failure in test set-up, carrying the evidence.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
