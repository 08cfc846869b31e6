import Foundation
import OrchestrateCore

/// Tells subscribers when the audit trail grows, whoever wrote to it (the CLI, hooks, agents,
/// the merge buffer, this server). One loop for all clients asks the database for the newest
/// sequence number every `interval` — a single primary-key lookup — and wakes every
/// subscriber only when it changed; nothing re-reads state on a timer.
actor AuditWatcher {
    private let head: AuditHead
    private let interval: Duration
    private var latest: Int64 = 0
    private var subscribers: [UUID: AsyncStream<Int64>.Continuation] = [:]
    private var loop: Task<Void, Never>?

    init(head: AuditHead, interval: Duration = .milliseconds(250)) {
        self.head = head
        self.interval = interval
    }

    /// The newest sequence number seen.
    var current: Int64 { latest }

    func start() {
        guard loop == nil else { return }
        latest = (try? head.latest()) ?? 0
        loop = Task { [interval] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await self.poll()
            }
        }
    }

    private func poll() {
        // A busy writer never blocks a WAL reader; an error (database replaced) is retried.
        guard let seq = try? head.latest(), seq != latest else { return }
        latest = seq
        for continuation in subscribers.values { continuation.yield(seq) }
    }

    /// A stream of new sequence numbers (only the newest is kept if the client is slow),
    /// ended when the subscriber goes away.
    func subscribe() -> (id: UUID, stream: AsyncStream<Int64>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Int64>.makeStream(bufferingPolicy: .bufferingNewest(1))
        subscribers[id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        return (id, stream)
    }

    func unsubscribe(_ id: UUID) {
        subscribers.removeValue(forKey: id)?.finish()
    }

    var subscriberCount: Int { subscribers.count }
}
