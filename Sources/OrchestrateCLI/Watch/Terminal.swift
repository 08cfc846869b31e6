import Dispatch
import Foundation

/// The terminal for a full-screen view: raw keys, the alternate screen, its size, and a wake-up
/// when it is resized. `restore()` puts everything back (also on every way out of `watch`).
final class Terminal {
    private var saved = termios()
    private var active = false
    /// A pipe the SIGWINCH source writes to, so one `poll` waits for keys and resizes alike.
    private var wakePipe: [Int32] = [-1, -1]
    private var resizeSource: DispatchSourceSignal?
    let colors: Bool

    init(environment: [String: String]) {
        colors = (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    /// Raw mode (no echo, keys one by one, Ctrl-C as a key), the alternate screen, no cursor.
    func start() {
        tcgetattr(STDIN_FILENO, &saved)
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw)
        active = true
        pipe(&wakePipe)
        signal(SIGWINCH, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: .global())
        let writeEnd = wakePipe[1]
        source.setEventHandler { var byte: UInt8 = 1; _ = write(writeEnd, &byte, 1) }
        source.resume()
        resizeSource = source
        put("\u{1B}[?1049h\u{1B}[?25l")
    }

    /// Leaves the alternate screen and gives the terminal back as it was.
    func restore() {
        guard active else { return }
        active = false
        resizeSource?.cancel()
        put("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
    }

    /// Columns and rows (80×24 when the terminal does not say).
    var size: (columns: Int, rows: Int) {
        var w = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0, w.ws_row > 0 else { return (80, 24) }
        return (Int(w.ws_col), Int(w.ws_row))
    }

    func put(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard let start = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let n = Foundation.write(STDOUT_FILENO, start + offset, bytes.count - offset)
                if n <= 0 { if errno == EINTR { continue }; return }
                offset += n
            }
        }
    }

    enum Wake { case keys([UInt8]), resized, timeout }

    /// Waits up to `milliseconds` for keys or a resize.
    func wait(milliseconds: Int32) -> Wake {
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0), pollfd(fd: wakePipe[0], events: Int16(POLLIN), revents: 0)]
        let ready = poll(&fds, 2, milliseconds)
        guard ready > 0 else { return .timeout }
        if fds[1].revents != 0 {
            var drain = [UInt8](repeating: 0, count: 64)
            _ = read(wakePipe[0], &drain, 64)
            return .resized
        }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = read(STDIN_FILENO, &buffer, buffer.count)
        return n > 0 ? .keys(Array(buffer[0..<n])) : .keys([UInt8(ascii: "q")])  // end of input: quit
    }
}
