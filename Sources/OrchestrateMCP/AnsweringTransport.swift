import Foundation
import Logging
import MCP

/// Stdio, plus a record of the requests not yet answered. The SDK handles each request in a
/// task of its own and its receive loop ends at EOF on stdin, so a client that writes its
/// requests and closes stdin (a script, `printf … | git orchestrate mcp`) would otherwise lose
/// the answers still being computed when the process exits.
actor AnsweringTransport: Transport {
    private let inner = StdioTransport()
    nonisolated let logger = Logger(label: "git-orchestrate.mcp", factory: { _ in SwiftLogNoOpLogHandler() })
    /// The ids (as JSON text) of requests received and not yet answered.
    private var unanswered = Set<String>()

    func connect() async throws { try await inner.connect() }

    func disconnect() async { await inner.disconnect() }

    func send(_ data: Data) async throws {
        let id = Self.id(of: data, where: { $0["result"] != nil || $0["error"] != nil })
        if let id, unanswered.remove(id) != nil {
            try await inner.send(data)
        } else {
            try await inner.send(Self.withNullID(data))
        }
    }

    /// JSON-RPC answers a message it could not read with `"id": null`; the SDK makes up a
    /// random id instead, which no client can match. An error for no request we received gets
    /// the null id.
    private static func withNullID(_ data: Data) -> Data {
        guard var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], object["error"] != nil,
            object["result"] == nil
        else { return data }
        object["id"] = NSNull()
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? data
    }

    func receive() -> AsyncThrowingStream<Data, Swift.Error> {
        let (stream, continuation) = AsyncThrowingStream<Data, Swift.Error>.makeStream()
        let inner = self.inner
        Task {
            do {
                for try await message in await inner.receive() {
                    await self.noteReceived(message)
                    continuation.yield(message)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        return stream
    }

    /// Waits until every request received so far has been answered (at most `limit`).
    func drain(limit: Duration = .seconds(120)) async {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while !unanswered.isEmpty && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    private func noteReceived(_ data: Data) {
        if let id = Self.id(of: data, where: { $0["method"] != nil }) { unanswered.insert(id) }
    }

    /// The id of a single JSON-RPC message that matches `kind`, as JSON text.
    private static func id(of data: Data, where kind: ([String: Any]) -> Bool) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], kind(object),
            let id = object["id"], !(id is NSNull),
            let text = try? JSONSerialization.data(withJSONObject: [id], options: [.fragmentsAllowed])
        else { return nil }
        return String(decoding: text, as: UTF8.self)
    }
}
