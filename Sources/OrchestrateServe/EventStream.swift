import Foundation
import Hummingbird
import NIOCore

/// `/events`: server-sent events. `ready` at once with the newest audit sequence number, then
/// `change` each time the audit trail grows; a comment every 15 s finds clients that left
/// (the write fails and the stream ends, nothing else is held for them).
enum EventStream {
    static func response(watcher: AuditWatcher) async -> Response {
        let (id, changes) = await watcher.subscribe()
        let first = await watcher.current
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let body = ResponseBody { writer in
            defer { Task { await watcher.unsubscribe(id) } }
            try await writer.write(ByteBuffer(string: "retry: 1000\nevent: ready\ndata: {\"seq\":\(first)}\n\n"))
            let pings = AsyncStream<Void> { continuation in
                let task = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(15))
                        continuation.yield()
                    }
                }
                continuation.onTermination = { _ in task.cancel() }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                let (merged, sink) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(8))
                group.addTask {
                    for await seq in changes { sink.yield("event: change\ndata: {\"seq\":\(seq)}\n\n") }
                    sink.finish()
                }
                group.addTask {
                    for await _ in pings { sink.yield(": ping\n\n") }
                }
                for await text in merged {
                    try await writer.write(ByteBuffer(string: text))
                }
                group.cancelAll()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
