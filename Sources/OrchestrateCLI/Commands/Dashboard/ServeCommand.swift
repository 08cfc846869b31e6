import ArgumentParser
import Foundation
import OrchestrateCore
import OrchestrateModel
import OrchestrateServe

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the live dashboard and JSON API on this machine, protected by a token.",
        discussion: """
            Prints http://127.0.0.1:PORT/?token=… on stdout: open it (the page keeps the token in a \
            cookie). Scripts send `Authorization: Bearer <token>` to /api/…. Actions from the page \
            are recorded with your identity, as the commands record them. See docs/dashboard.md.
            """)

    @Option(name: .long, help: "The port (default: a free one the system picks).")
    var port: Int = 0

    @Option(name: .long, help: "The address to listen on; anything but the loopback address is reachable by others.")
    var bind: String = "127.0.0.1"

    @Flag(name: .long, help: "Open the dashboard in the desktop's browser.")
    var open = false

    func run() throws {
        guard (0...65535).contains(port) else {
            throw OrchestrateError.badInput("--port \(port) is not a port; use 1–65535, or 0 for a free one")
        }
        // Fails before binding when the repository is not set up.
        let head = try Live.orchestrator().auditHead
        // Core reports progress on stdout only for commands; here stdout carries the link alone.
        let environment = ProcessInfo.processInfo.environment
        let context = Context(
            environment: environment, clock: { Date() },
            stdout: { FileHandle.standardError.write(Data($0.utf8)) },
            stderr: { FileHandle.standardError.write(Data($0.utf8)) })
        let options = DashboardServer.Options(bind: bind, port: port, open: open)
        let failure = FailureBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await DashboardServer.run(
                    options, documents: .cli, head: head, open: { try Orchestrator.open(context) },
                    say: { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) },
                    warn: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
            } catch {
                failure.message = "cannot serve on \(options.bind):\(options.port): \(Self.describe(error)); pick another --port or --bind"
            }
            done.signal()
        }
        done.wait()
        if let message = failure.message { throw OrchestrateError.failed(message) }
    }
}

extension ServeCommand {
    /// NIO's socket errors as a person reads them (`Address already in use`).
    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if let start = text.range(of: "): "), let end = text.range(of: ")", range: start.upperBound..<text.endIndex) {
            return String(text[start.upperBound..<end.lowerBound])
        }
        return text
    }
}

/// The server's error, handed from its task to the waiting command thread.
private final class FailureBox: @unchecked Sendable {
    // @unchecked: written by the server task before it signals, read after the wait.
    var message: String?
}

extension DashboardDocuments {
    /// The CLI's own `--format json` builders, so `/api/…` prints what the commands print.
    static let cli = DashboardDocuments(
        status: { report, now in report.json(now: now) }, task: { $0.json }, show: { detail, now in detail.json(now: now) },
        review: { $0.json }, merge: { $0.json })
}
