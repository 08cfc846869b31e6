import Foundation
import OrchestrateTestSupport
import Testing

/// The manual page, the install script and the completions, through the real programs: `man`
/// (via `git help`), git's own bash completion, and the argument parser's command tree.
@Suite("manual and completions", .serialized)
struct ManualTests {
    static let page = GateFixture.packageRoot + "/docs/man/git-orchestrate.1"

    @Test("docs/man/git-orchestrate.1 is current: it has every command, option and abstract of the built binary")
    func manualIsCurrent() throws {
        let repo = try TestRepo(files: [:])
        let dump = try runProcess([orchestrateBinary, "--experimental-dump-help"], cwd: repo.scratch, environment: repo.environment)
        let tree = try #require(try TestRepo.json(dump.stdout) as? [String: Any])
        let text = try String(contentsOfFile: Self.page, encoding: .utf8)
        var missing: [String] = []
        func visit(_ command: [String: Any], path: [String]) {
            let name = command["commandName"] as? String ?? ""
            if !path.isEmpty, command["shouldDisplay"] as? Bool != false {
                if !text.contains(".It Em \(name)") { missing.append("command \((path + [name]).joined(separator: " "))") }
            }
            if let abstract = command["abstract"] as? String, !abstract.isEmpty, !text.contains(abstract) {
                missing.append("abstract of \(name): \(abstract)")
            }
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["shouldDisplay"] as? Bool != false {
                for option in argument["names"] as? [[String: Any]] ?? [] where option["kind"] as? String == "long" {
                    let long = option["name"] as? String ?? ""
                    if long == "help" { continue }  // written `Fl h , -help`
                    if !text.contains("Fl -\(long)") { missing.append("--\(long) of \(name)") }
                }
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] { visit(sub, path: path.isEmpty ? [] : path + [name]) }
        }
        visit(try #require(tree["command"] as? [String: Any]), path: [])
        #expect(missing.isEmpty, "docs/man/git-orchestrate.1 is out of date; run scripts/generate-manual. Missing: \(missing)")
        for section in ["EXIT STATUS", "ENVIRONMENT", "FILES", "SEE ALSO"] { #expect(text.contains(".Sh \"\(section)\"") || text.contains(".Sh \(section)")) }
    }

    @Test("the root help is the golden text")
    func rootHelpGolden() throws {
        let repo = try TestRepo(files: [:])
        let help = try repo.orchestrate("--help")
        let golden = GateFixture.packageRoot + "/Tests/Golden/help.txt"
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" { try Data(help.stdout.utf8).write(to: URL(fileURLWithPath: golden)) }
        #expect(help.stdout == (try String(contentsOfFile: golden, encoding: .utf8)), "update with UPDATE_GOLDEN=1")
    }

    /// Installs with scripts/install into a scratch prefix; returns the prefix.
    func installed(_ repo: TestRepo) throws -> String {
        let prefix = repo.scratch + "/prefix"
        let result = try runProcess(
            [GateFixture.packageRoot + "/scripts/install", "--prefix", prefix, "--binary", orchestrateBinary],
            cwd: repo.scratch, environment: repo.environment)
        guard result.status == 0 else { throw TestFailure("scripts/install failed: \(result)") }
        return prefix
    }

    @Test("git help orchestrate and git orchestrate --help show the installed manual page through man")
    func gitHelpShowsManual() throws {
        guard ensureInstalled(program: "man", package: "man-db") else { return }
        let repo = try TestRepo(initialize: true)
        let prefix = try installed(repo)
        repo.setEnv("PATH", prefix + "/bin:/usr/bin:/bin")
        repo.setEnv("MANPAGER", "cat")
        repo.setEnv("MANWIDTH", "80")
        for args in [["help", "orchestrate"], ["orchestrate", "--help"]] {
            let shown = try repo.gitArgsResult(args)
            #expect(shown.status == 0, "\(shown)")
            #expect(shown.stdout.contains("GIT-ORCHESTRATE(1)"), "\(shown)")
            #expect(shown.stdout.contains("git-orchestrate [-C path] subcommand [options]"), "\(shown)")
            #expect(shown.stdout.contains("ENVIRONMENT"), "\(shown)")
        }
        // A subcommand's --help is still the argument parser's.
        let sub = try repo.gitArgsResult(["orchestrate", "list", "--help"])
        #expect(sub.stdout.contains("USAGE: git-orchestrate list"), "\(sub)")
    }

    @Test("git's own bash completion completes `git orchestrate` commands, options and task ids")
    func bashCompletionThroughGit() throws {
        let gitCompletion = "/usr/share/bash-completion/completions/git"
        guard FileManager.default.fileExists(atPath: gitCompletion) else {
            print("SKIP bash completion: \(gitCompletion) (from the git package) is missing; this test did not run")
            return
        }
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Alpha", "--id", "alpha")
        try repo.orchestrateOK("add", "Beta", "--id", "beta")
        let prefix = try installed(repo)
        repo.setEnv("PATH", prefix + "/bin:/usr/bin:/bin")
        let driver = """
            source \(gitCompletion)
            source \(prefix)/share/bash-completion/completions/git-orchestrate
            complete_line() {
              COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
              read -ra COMP_WORDS <<<"$COMP_LINE"
              [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
              COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
              COMPREPLY=()
              __git_wrap__git_main
              echo "$1 => $(printf '%s\\n' "${COMPREPLY[@]}" | sort | tr '\\n' ' ')"
            }
            complete_line "git orchestrate li"
            complete_line "git orchestrate hooks "
            complete_line "git orchestrate show "
            complete_line "git orchestrate approve b"
            complete_line "git -C \(repo.path) orchestrate subm"

            """
        try repo.write("driver.sh", driver, in: repo.scratch)
        let result = try runProcess(["bash", repo.scratch + "/driver.sh"], cwd: repo.path, environment: repo.environment)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("git orchestrate li => list "), "\(result)")
        #expect(lines.contains { $0.hasPrefix("git orchestrate hooks  => ") && $0.contains("install status uninstall") }, "\(result)")
        #expect(lines.contains("git orchestrate show  => alpha beta "), "\(result)")
        #expect(lines.contains("git orchestrate approve b => beta "), "\(result)")
        #expect(lines.contains("git -C \(repo.path) orchestrate subm => submit "), "\(result)")
        // zsh's git completion calls _git-orchestrate, which the zsh script defines.
        #expect(repo.read("share/zsh/site-functions/_git-orchestrate", in: prefix)?.contains("_git-orchestrate()") == true)
        #expect(repo.read("share/fish/vendor_completions.d/git-orchestrate.fish", in: prefix)?.contains("complete -c 'git-orchestrate'") == true)
    }

    /// Whether `program` is on PATH, installing Debian `package` with apt-get when it is not;
    /// prints a visible SKIP line when it cannot.
    func ensureInstalled(program: String, package: String) -> Bool {
        let env = ProcessInfo.processInfo.environment
        if (try? runProcess(["sh", "-c", "command -v \(program)"], cwd: "/", environment: env))?.status == 0 { return true }
        let apt = try? runProcess(
            ["sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \(package)"],
            cwd: "/", environment: env)
        if apt?.status == 0 { return true }
        print("SKIP manual page: `\(program)` is missing and apt-get could not install \(package); this test did not run")
        return false
    }
}

extension TestRepo {
    /// Runs git with `args` in the main work tree; the whole result.
    func gitArgsResult(_ args: [String]) throws -> ProcessResult {
        try runProcess(["git"] + args, cwd: path, environment: environment)
    }
}
