import Foundation
import HTTPTypes
import Hummingbird

/// Who may talk to the dashboard: the holder of the token printed at start-up, from this
/// origin. Every request passes `check` before anything else reads it.
struct Access: Sendable {
    /// 32 random bytes as hex: the only secret between `serve` and its user.
    let token: String
    /// The port, known once bound (`--port 0` picks a free one). It names the cookie: two
    /// dashboards on one host (cookies ignore ports) do not overwrite each other's.
    let port: PortCell
    /// Host names the Host header may carry; empty when bound to every address.
    let allowedNames: Set<String>

    var cookieName: String { "orchestrate_token_\(port.value)" }

    /// `host:port` values the Host header may carry; empty when bound to every address.
    var allowedHosts: Set<String> { Set(allowedNames.map { "\($0):\(port.value)" }) }

    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    init(token: String, bind: String, port: PortCell) {
        self.token = token
        self.port = port
        let wildcard = ["0.0.0.0", "::", "[::]"].contains(bind)
        let names = Set([bind, "127.0.0.1", "localhost", "[::1]", bind.contains(":") && !bind.hasPrefix("[") ? "[\(bind)]" : bind])
        allowedNames = wildcard ? [] : names
    }

    enum Verdict: Equatable {
        case allowed(viaCookie: Bool)
        /// 401: no token or a wrong one.
        case unauthorized
        /// 403: a request from another site, or to a host name we do not serve (DNS rebinding).
        case forbidden(String)
    }

    /// Whether `request` may proceed. `queryToken` is the `?token=` of the URL, accepted for
    /// pages (the link printed at start-up) and turned into a cookie by the caller.
    func check(_ request: Request, queryToken: String?) -> Verdict {
        let allowedHosts = self.allowedHosts
        if !allowedHosts.isEmpty {
            let host = request.head.authority ?? ""
            guard allowedHosts.contains(host.lowercased()) else {
                return .forbidden("this dashboard answers only at \(allowedHosts.sorted().first ?? "its own address"), not \(host)")
            }
        }
        var viaCookie = false
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            guard Self.same(String(header.dropFirst("Bearer ".count)), token) else { return .unauthorized }
        } else if let cookie = request.cookies[cookieName]?.value, Self.same(cookie, token) {
            viaCookie = true
        } else if let queryToken, request.method == .get, Self.same(queryToken, token) {
            viaCookie = false
        } else {
            return .unauthorized
        }
        guard request.method != .get && request.method != .head else { return .allowed(viaCookie: viaCookie) }
        // A state change from a browser must come from our own page: the cookie would be sent
        // by a form on any site (SameSite=Strict stops most, this stops the rest).
        if let name = HTTPField.Name("Sec-Fetch-Site"), let site = request.headers[name], !["same-origin", "none"].contains(site) {
            return .forbidden("cross-site requests may not change anything (Sec-Fetch-Site: \(site))")
        }
        if let origin = request.headers[.origin] {
            let host = request.head.authority ?? ""
            guard origin == "http://\(host)" else { return .forbidden("requests from \(origin) may not change anything") }
        } else if viaCookie {
            return .forbidden("a browser request that changes something must carry its Origin")
        }
        return .allowed(viaCookie: viaCookie)
    }

    /// Compares in time independent of where the strings differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }

    /// The cookie that carries the token for the pages and `/events`.
    var setCookie: String { "\(cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict" }
}

/// The port the server is bound to, set once when it starts listening.
final class PortCell: @unchecked Sendable {
    // @unchecked: one Int behind a lock, written once at start-up and read per request.
    private let lock = NSLock()
    private var port: Int

    init(_ port: Int) { self.port = port }

    var value: Int {
        get { lock.withLock { port } }
        set { lock.withLock { port = newValue } }
    }
}
