import Foundation

/// A raw HTTP/1.1 client on a socket, for event streams: many at once cost a descriptor each
/// (no process per client), and one can be cut off mid-stream.
final class EventClient {
    let fd: Int32
    private(set) var received = ""

    /// Connects to 127.0.0.1:`port` and asks for `path` with the Bearer token.
    init(port: Int, path: String = "/events", token: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw EventClientError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw EventClientError("connect: errno \(errno)")
        }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\nAccept: text/event-stream\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { close(fd) }

    /// Reads what has arrived, without waiting.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return }
            received += String(decoding: buffer[0..<n], as: UTF8.self)
        }
    }

    /// Whether `text` has arrived, waiting up to `seconds`.
    func waitFor(_ text: String, within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            drain()
            if received.contains(text) { return true }
            usleep(10_000)
        } while Date() < deadline
        return false
    }
}

struct EventClientError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
