import Foundation
import OrchestrateTestSupport
import Testing

/// `watch` in a real terminal: tmux runs a shell, the test types into it and reads the screen.
final class TmuxSession {
    let repo: TestRepo
    let socket = "orchestrate-\(UUID().uuidString.prefix(8))"

    init(_ repo: TestRepo, columns: Int = 110, rows: Int = 32) throws {
        self.repo = repo
        try run("new-session", "-d", "-s", "w", "-x", "\(columns)", "-y", "\(rows)", "sh")
    }

    deinit { _ = try? run("kill-server") }

    @discardableResult
    func run(_ args: String...) throws -> String { try runArgs(args) }

    func keys(_ keys: String...) throws { try runArgs(["send-keys", "-t", "w"] + keys) }

    /// Through python's `close_fds`: Foundation's `Process` learns that a child ended when a
    /// descriptor it gave the child closes, and the tmux server, which forks off the first
    /// client, would otherwise keep it open for ever.
    @discardableResult
    private func runArgs(_ args: [String]) throws -> String {
        let wrapper = "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:], close_fds=True).returncode)"
        let result = try runProcess(["python3", "-c", wrapper, "tmux", "-L", socket] + args, cwd: repo.path, environment: repo.environment)
        guard result.status == 0 else { throw TestFailure("tmux \(args.joined(separator: " ")): \(result)") }
        return result.stdout
    }

    /// The visible screen; with `escapes`, its colours and attributes too.
    func screen(escapes: Bool = false) throws -> String {
        escapes ? try run("capture-pane", "-p", "-e", "-t", "w") : try run("capture-pane", "-p", "-t", "w")
    }

    /// Waits up to `seconds` for the screen to hold `text`.
    func waitFor(_ text: String, within seconds: Double = 10) throws -> Bool {
        try eventually(within: seconds) { try screen().contains(text) }
    }
}

@Suite("watch")
struct WatchTests {
    @Test("watch in tmux: renders, selects, reviews, approves, follows other processes, filters, resizes, quits cleanly")
    func inTmux() throws {
        guard ToolInstall.ensure("tmux", apt: ["tmux"]) else {
            print("SKIPPED watch in tmux: tmux is not installed and apt-get could not install it")
            return
        }
        let repo = try ReviewFixture.repo()
        try ReviewFixture.submittedTask(repo, id: "T1", file: "f.txt", content: "one\ntwo\n")
        try repo.orchestrateOK("add", "Queued work \u{1B}[2J\u{1B}[31mred", "--id", "T2", "--priority", "high")
        let tmux = try TmuxSession(repo)
        // Rita runs watch (Ada wrote T1 and may not approve her own work).
        try tmux.keys(
            "stty -g > before.txt; GIT_COMMITTER_NAME='Rita Reviewer' GIT_COMMITTER_EMAIL=rita@example.com git-orchestrate watch; echo watch-exited-$?; stty -g > after.txt",
            "Enter")
        #expect(try tmux.waitFor("git orchestrate watch — main at"), "\((try? tmux.screen()) ?? "")")
        var screen = try tmux.screen()
        // An agent's escape sequence is shown, not obeyed.
        for heading in ["AGENTS", "TASKS", "MERGE ORDER", "RECENT EVENTS", "▶ T1", "T2", "submitted 1", "Queued work \\x1b[2J\\x1b[31mred"] {
            #expect(screen.contains(heading), "\(heading) missing:\n\(screen)")
        }
        #expect(!(try tmux.screen(escapes: true)).contains("\u{1B}[33m"))  // NO_COLOR: no colours
        try tmux.keys("Down")
        #expect(try tmux.waitFor("▶ T2"))
        try tmux.keys("Up")
        #expect(try tmux.waitFor("▶ T1"))
        try tmux.keys("Enter")
        #expect(try tmux.waitFor("review of T1"), "\((try? tmux.screen()) ?? "")")
        screen = try tmux.screen()
        #expect(screen.contains("commits (1):") && screen.contains("+one"), "\(screen)")
        try tmux.keys("q")
        #expect(try tmux.waitFor("RECENT EVENTS"))
        try tmux.keys("a")
        #expect(try tmux.waitFor("approve T1, comment"))
        try tmux.keys("-l", "fine by me")
        try tmux.keys("Enter")
        #expect(try tmux.waitFor("approved T1 (1/1)"), "\((try? tmux.screen()) ?? "")")
        let approval = try #require(try repo.auditEvents(task: "T1").last)
        #expect(approval["kind"] as? String == "approved")
        #expect(approval["actor"] as? String == "Rita Reviewer <rita@example.com>")
        #expect((approval["detail"] as? [String: Any])?["comment"] as? String == "fine by me")
        #expect(try tmux.waitFor("MERGE ORDER  T1"))
        // Another process adds a task: the view follows the audit trail.
        try repo.orchestrateOK("add", "From elsewhere", "--id", "T3")
        #expect(try tmux.waitFor("From elsewhere", within: 2), "\((try? tmux.screen()) ?? "")")
        try tmux.keys("/")
        try tmux.keys("-l", "elsewhere")
        try tmux.keys("Enter")
        #expect(try tmux.waitFor("(filter: elsewhere)"))
        screen = try tmux.screen()
        #expect(screen.contains("▶ T3") && !screen.contains("Queued work"), "\(screen)")
        // A resize redraws at the new width.
        try tmux.run("resize-window", "-t", "w", "-x", "60", "-y", "24")
        #expect(try eventually(within: 5) { try tmux.screen().split(separator: "\n").first.map { $0.count <= 60 && $0.hasPrefix("git orchestrate watch") } ?? false })
        try tmux.keys("q")
        #expect(try tmux.waitFor("watch-exited-0"), "\((try? tmux.screen()) ?? "")")
        #expect(try eventually(within: 5) { repo.read("after.txt") != nil })
        #expect(repo.read("before.txt") == repo.read("after.txt"))  // the terminal's modes are back
        #expect(!(try tmux.screen()).contains("RECENT EVENTS"))  // the alternate screen is gone
    }

    @Test("watch without a terminal refuses with the next step")
    func notATerminal() throws {
        let repo = try TestRepo(initialize: true)
        let result = try repo.orchestrate("watch")
        #expect(result.status == 2)
        #expect(result.stderr == "error: watch needs a terminal on stdin and stdout; in a script use `git orchestrate status --format json`\n")
    }
}
