import Foundation
import OrchestrateCore
import OrchestrateModel

/// Shows the supervisor's progress on stderr: plain lines, and on a terminal a live block of
/// one line per running agent (task, elapsed, last activity) redrawn below them.
final class AgentProgressView {
    let context: Context
    private var drawn = 0
    private var lastBlock: [AgentActivity] = []

    init(context: Context) { self.context = context }

    var observer: SupervisorObserver {
        SupervisorObserver(event: { [self] in self.show($0) }, tick: { [self] in self.redraw($0) })
    }

    /// Removes the live block (call before printing the result).
    func finish() { erase() }

    private func show(_ event: SupervisorEvent) {
        erase()
        switch event {
        case .started(let run, let task):
            context.err("started \(task.id) (attempt \(run.attempt), pid \(run.pid.map(String.init) ?? "?")): \(TerminalText.escape(Short.title(task.title))) — log \(run.logPath ?? "-")")
        case .stopping(let id, let what):
            context.err("\(id): \(what)")
        case .ended(let result):
            lastBlock.removeAll { $0.task == result.run.task }
            context.err("ended \(result.run.task) (attempt \(result.run.attempt)): \(Orchestrator.describe(result.run)); task is \(result.taskState.rawValue)")
        case .note(let text):
            context.err("note: \(text)")
        }
        draw(lastBlock)
    }

    private func redraw(_ agents: [AgentActivity]) {
        lastBlock = agents
        guard context.stderrIsTerminal else { return }
        erase()
        draw(agents)
    }

    private func draw(_ agents: [AgentActivity]) {
        guard context.stderrIsTerminal, !agents.isEmpty else { return }
        let now = context.now()
        let width = AgentProgressView.terminalWidth()
        var lines: [String] = []
        for a in agents {
            var line = "  \(a.task)  #\(a.attempt)  \(Duration.text(now.timeIntervalSince(a.startedAt)))"
            if let at = a.lastOutputAt { line += "  active \(Duration.text(now.timeIntervalSince(at))) ago" }
            if let output = a.lastOutput { line += "  " + TerminalText.escape(output.trimmingCharacters(in: .whitespaces)) }
            lines.append(String(line.prefix(max(20, width - 1))))
        }
        context.errRaw(lines.map { $0 + "\n" }.joined())
        drawn = lines.count
    }

    private func erase() {
        guard context.stderrIsTerminal, drawn > 0 else { return }
        context.errRaw(String(repeating: "\u{1B}[1A\u{1B}[2K", count: drawn))
        drawn = 0
    }

    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 100
    }
}
