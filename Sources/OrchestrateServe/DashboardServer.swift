import Foundation
import Hummingbird
import Logging
import OrchestrateCore

/// `git orchestrate serve`: the dashboard on Hummingbird. Binds, prints the link with its
/// token (the only line on stdout), and serves until interrupted.
public enum DashboardServer {
    /// What `serve` was asked for.
    public struct Options: Sendable {
        public var bind: String
        public var port: Int
        public var open: Bool

        public init(bind: String, port: Int, open: Bool) {
            self.bind = bind
            self.port = port
            self.open = open
        }

        /// Whether the address is this machine's alone.
        public var isLoopback: Bool {
            ["localhost", "::1", "[::1]"].contains(bind) || bind.hasPrefix("127.")
        }
    }

    /// Serves until the process is stopped. `open` opens a fresh `Orchestrator` for one
    /// request (on the thread that uses it); `head` is the audit trail the event stream
    /// watches; `say` prints the link on stdout and `warn` writes to stderr.
    public static func run(
        _ options: Options, documents: DashboardDocuments, head: AuditHead,
        open: @escaping @Sendable () throws -> Orchestrator,
        say: @escaping @Sendable (String) -> Void, warn: @escaping @Sendable (String) -> Void
    ) async throws {
        let port = PortCell(options.port)
        let access = Access(token: Access.newToken(), bind: options.bind, port: port)
        let watcher = AuditWatcher(head: head)
        await watcher.start()
        var logger = Logger(label: "git-orchestrate.serve")
        logger.logLevel = .critical
        if !options.isLoopback {
            warn("warning: serving on \(options.bind), not only on this machine: anyone who can reach it and learns the token can approve, reject and merge; keep the link secret, or leave out --bind")
        }
        let responder = DashboardResponder(access: access, core: CoreRunner(open: open), watcher: watcher, documents: documents)
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(options.bind, port: options.port)),
            onServerRunning: { channel in
                port.value = channel.localAddress?.port ?? options.port
                let host = options.bind.contains(":") && !options.bind.hasPrefix("[") ? "[\(options.bind)]" : options.bind
                let url = "http://\(host):\(port.value)/?token=\(access.token)"
                say(url)
                warn("serving the dashboard of this repository; open the link above (Ctrl-C stops)")
                if options.open { openBrowser(url, warn: warn) }
            },
            logger: logger)
        // No graceful shutdown: event streams never end on their own, and every state change
        // is a Core transaction that a stop cannot cut in half. SIGINT/SIGTERM end the process.
        try await app.runService(gracefulShutdownSignals: [])
    }

    /// `--open`: the desktop's browser through `xdg-open` (or `open` on macOS), when there is one.
    static func openBrowser(_ url: String, warn: @Sendable (String) -> Void) {
        let opener = FileManager.default.isExecutableFile(atPath: "/usr/bin/open") ? "/usr/bin/open" : "/usr/bin/xdg-open"
        guard FileManager.default.isExecutableFile(atPath: opener) else {
            warn("note: --open found no browser opener (\(opener)); open the link yourself")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: opener)
        process.arguments = [url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { warn("note: could not start \(opener): \(error); open the link yourself") }
    }
}
