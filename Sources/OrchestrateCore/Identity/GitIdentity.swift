import Foundation
import OrchestrateGit

/// The committer identity git itself would use here, as `git var GIT_COMMITTER_IDENT` prints it.
///
/// Asking git, rather than reading configuration through libgit2, is what makes it git's: the
/// environment (`GIT_COMMITTER_NAME`/`EMAIL`), `git -c` (`GIT_CONFIG_PARAMETERS`),
/// `GIT_CONFIG_GLOBAL`/`SYSTEM`/`NOSYSTEM`, XDG and `~/.gitconfig`, the repository's config,
/// `includeIf` and `user.useConfigOnly` all follow git's precedence because git applies them.
/// libgit2 1.5 ignores most of those. The price is one child process (about 2–20 ms here),
/// paid once per process and only by commands that record who acted.
public struct GitIdentity: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public let email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    /// `Name <email>`, as git writes it in a commit.
    public var description: String { "\(name) <\(email)>" }

    /// Parses `Name <email> 1700000000 +0000` (the date is git's, which we do not need).
    static func parse(_ line: String) -> GitIdentity? {
        guard let open = line.firstIndex(of: "<"), let close = line[open...].firstIndex(of: ">") else { return nil }
        let name = line[..<open].trimmingCharacters(in: .whitespaces)
        let email = String(line[line.index(after: open)..<close])
        return GitIdentity(name: name, email: email)
    }

    /// Runs `git var GIT_COMMITTER_IDENT` in `directory` with `environment` (git's hook
    /// variables included, so a hook sees the identity of the commit it runs for). Returns the
    /// identity, or the refusal in git's own words when git has none.
    static func resolve(environment: [String: String], directory: String) -> Result<GitIdentity, OrchestrateError> {
        // ProgramRun, not Foundation's Process: that notices a child's exit up to 50 ms late
        // on Linux, and every command that records an actor asks this once.
        let output: ProgramOutput
        do {
            output = try ProgramRun.run(["git", "var", "GIT_COMMITTER_IDENT"], environment: environment, directory: directory)
        } catch {
            return .failure(.failed("cannot run `git var GIT_COMMITTER_IDENT` to learn your identity (\(error)); make sure git is on PATH"))
        }
        let stdout = output.stdout
        let stderr = output.stderr
        let line = String(decoding: stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if output.status == 0, let identity = parse(line), !identity.email.isEmpty {
            return .success(identity)
        }
        let reason = String(decoding: stderr, as: UTF8.self)
            .split(separator: "\n").last { $0.hasPrefix("fatal:") }
            .map { String($0.dropFirst("fatal:".count)).trimmingCharacters(in: .whitespaces) }
            ?? "git var GIT_COMMITTER_IDENT failed"
        return .failure(.badInput(
            "git does not know who you are (\(reason)); run `git config user.email \"you@example.com\"` and `git config user.name \"Your Name\"` (add --global for every repository), as git itself asks"))
    }
}
