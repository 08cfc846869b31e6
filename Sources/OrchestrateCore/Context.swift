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
            stdout: { text in writeAll(text, to: STDOUT_FILENO) },
            stderr: { text in writeAll(text, to: STDERR_FILENO) },
            stderrIsTerminal: isatty(2) == 1)
    }

    /// Writes all of `text` to `fd` from the string's own bytes (`FileHandle.write(Data(…))`
    /// copied it first). Stops at an error other than an interrupted call, as there is no one
    /// left to tell (a closed pipe).
    private static func writeAll(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { bytes in
            guard var next = bytes.baseAddress else { return }
            var left = bytes.count
            while left > 0 {
                let written = write(fd, next, left)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                next += written
                left -= written
            }
        }
    }

    /// The current time.
    public func now() -> Date { clock() }

    /// Writes a line of result to stdout.
    public func out(_ line: String) {
        // A document of megabytes (`list --format json`) is not copied to append its newline.
        if line.utf8.count > 65_536 {
            writeOut(line)
            writeOut("\n")
        } else {
            writeOut(line + "\n")
        }
    }

    /// Writes raw text to stdout (a long document in pieces; `out` ends it).
    public func outRaw(_ text: String) { writeOut(text) }

    /// Writes a line of diagnostics or progress to stderr.
    public func err(_ line: String) { writeErr(line + "\n") }

    /// Writes raw text to stderr (progress redraws).
    public func errRaw(_ text: String) { writeErr(text) }
}
