import ArgumentParser
import Foundation
import OrchestrateCore
import OrchestrateModel

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "A full-screen, live terminal view: agents, the queue, the merge order, recent events.",
        discussion: """
            Redraws when the audit trail changes (any process: the CLI, hooks, agents, merges) and \
            when the terminal is resized. Keys: ↑/↓ select a task, Enter shows its review, a \
            approves and r rejects (each asks for a comment or reason), / filters, q quits.
            """)

    func run() throws {
        guard Terminal.isInteractive else {
            throw OrchestrateError.badInput("watch needs a terminal on stdin and stdout; in a script use `git orchestrate status --format json`")
        }
        let orchestrator = try Live.orchestrator()
        let terminal = Terminal(environment: Live.context.environment)
        terminal.start()
        defer { terminal.restore() }
        var session = WatchSession(orchestrator: orchestrator, terminal: terminal)
        try session.loop()
    }
}

/// The loop of `watch`: read on audit change, draw, handle keys.
struct WatchSession {
    let orchestrator: Orchestrator
    let terminal: Terminal
    var model = WatchModel()
    var quit = false

    init(orchestrator: Orchestrator, terminal: Terminal) {
        self.orchestrator = orchestrator
        self.terminal = terminal
    }

    mutating func loop() throws {
        try reload()
        draw()
        while !quit {
            switch terminal.wait(milliseconds: 250) {
            case .keys(let bytes):
                handle(bytes)
                draw()
            case .resized:
                terminal.put("\u{1B}[2J")
                draw()
            case .timeout:
                // One primary-key lookup: only a change of the audit trail is worth a redraw.
                if (try? orchestrator.latestAuditSeq()) != model.seq {
                    try reload()
                    draw()
                }
            }
        }
    }

    mutating func reload() throws {
        model.seq = try orchestrator.latestAuditSeq()
        model.report = try orchestrator.status()
        model.events = try orchestrator.auditLog(task: nil, since: nil, limit: 50)
        model.settleSelection()
    }

    func draw() {
        let size = terminal.size
        terminal.put(WatchScreen(columns: size.columns, rows: size.rows, colors: terminal.colors).frame(model, now: Date()))
    }

    mutating func handle(_ bytes: [UInt8]) {
        if let prompt = model.prompt {
            handlePrompt(prompt, bytes)
            return
        }
        let up = bytes == [27, 91, 65] || bytes == [27, 79, 65], down = bytes == [27, 91, 66] || bytes == [27, 79, 66]
        if model.review != nil {
            if up { model.reviewOffset = max(0, model.reviewOffset - 1) }
            if down { model.reviewOffset = min(max(0, (model.review?.count ?? 0) - 1), model.reviewOffset + 1) }
            if bytes == [27] || bytes == [UInt8(ascii: "q")] { model.review = nil }
            return
        }
        if up { model.move(-1) } else if down { model.move(1) }
        switch bytes {
        case [UInt8(ascii: "q")], [3]: quit = true
        case [13], [10]:
            guard let id = model.selected else { return }
            do {
                model.review = try orchestrator.reviewTask(id, includePatch: true).text.components(separatedBy: "\n")
                model.reviewOffset = 0
            } catch {
                model.message = "\(error)"
            }
        case [UInt8(ascii: "a")]: if let id = model.selected { model.prompt = .approve(id, text: "") }
        case [UInt8(ascii: "r")]: if let id = model.selected { model.prompt = .reject(id, text: "") }
        case [UInt8(ascii: "/")]: model.prompt = .filter(text: model.filter)
        default: break
        }
    }

    mutating func handlePrompt(_ prompt: WatchModel.Prompt, _ bytes: [UInt8]) {
        // Bytes, not characters: a key can be several bytes of UTF-8.
        var text = Array(prompt.text.utf8)
        func typed() -> String { String(decoding: text, as: UTF8.self) }
        for byte in bytes {
            switch byte {
            case 27:
                model.prompt = nil
                return
            case 13, 10:
                model.prompt = nil
                submit(prompt.with(typed()))
                return
            case 127, 8:
                // Drop the whole last character, however many bytes it took.
                text = Array(String(typed().dropLast()).utf8)
            case 32...126, 128...255:
                text.append(byte)
            default: break
            }
        }
        model.prompt = prompt.with(typed())
    }

    mutating func submit(_ prompt: WatchModel.Prompt) {
        do {
            switch prompt {
            case .approve(let id, let comment):
                let outcome = try orchestrator.approveTask(id, by: nil, comment: comment.isEmpty ? nil : comment)
                model.message = "approved \(id) (\(outcome.approvals)/\(outcome.required))"
            case .reject(let id, let reason):
                guard !reason.isEmpty else {
                    model.message = "a rejection needs a reason; press r again"
                    return
                }
                _ = try orchestrator.rejectTask(id, reason: reason, requeue: false, cascade: false)
                model.message = "rejected \(id)"
            case .filter(let text):
                model.filter = text
                model.settleSelection()
            }
            try reload()
        } catch let error as OrchestrateError {
            model.message = "error: " + error.message
        } catch {
            model.message = "error: \(error)"
        }
    }
}
