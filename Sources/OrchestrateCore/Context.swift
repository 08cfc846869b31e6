import Foundation

/// Everything from the outside world that Core touches: output streams, clock, environment and
/// the process's identity. Tests build one with a fixed clock and captured output.
public final class Context: @unchecked Sendable {
    // @unchecked: the sinks are only called from the command's own thread; the class is
    // shared with `Store` solely for its clock, which is a Sendable closure.
    public let environment: [String: String]
    public let clock: @Sendable () -> Date
    private let writeOut: (String) -> Void
    private let writeErr: (String) -> Void
    /// Whether stderr is a terminal (progress bars and live summaries only then).
    public let stderrIsTerminal: Bool

    public init(
        environment: [String: String], clock: @escaping @Sendable () -> Date,
        stdout: @escaping (String) -> Void, stderr: @escaping (String) -> Void,
        stderrIsTerminal: Bool = false
    ) {
        self.environment = environment
        self.clock = clock
        self.writeOut = stdout
        self.writeErr = stderr
        self.stderrIsTerminal = stderrIsTerminal
    }

    /// The real process: its environment, the system clock, stdout and stderr.
    public static func live() -> Context {
        Context(
            environment: ProcessInfo.processInfo.environment, clock: { Date() },
            stdout: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
            stderr: { text in FileHandle.standardError.write(Data(text.utf8)) },
            stderrIsTerminal: isatty(2) == 1)
    }

    /// The current time.
    public func now() -> Date { clock() }

    /// Writes a line of result to stdout.
    public func out(_ line: String) { writeOut(line + "\n") }

    /// Writes a line of diagnostics or progress to stderr.
    public func err(_ line: String) { writeErr(line + "\n") }

    /// Writes raw text to stderr (progress redraws).
    public func errRaw(_ text: String) { writeErr(text) }
}
