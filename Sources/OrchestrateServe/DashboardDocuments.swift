import Foundation
import OrchestrateCore
import OrchestrateModel

/// The JSON documents of the CLI's `--format json`, handed in by the CLI so that `/api/…`
/// answers exactly what the command prints (one builder for both, no second copy here).
public struct DashboardDocuments: Sendable {
    /// `status --format json`, given the time its ages are measured against.
    public var status: @Sendable (StatusReport, Date) -> JSONValue
    /// One task object of `list --format json`.
    public var task: @Sendable (TaskRecord) -> JSONValue
    /// `show <id> --format json`, given the time its ages are measured against.
    public var show: @Sendable (TaskDetail, Date) -> JSONValue
    /// `review <id> --patch --format json`.
    public var review: @Sendable (ReviewReport) -> JSONValue
    /// `merge --format json`.
    public var merge: @Sendable (MergeReport) -> JSONValue

    public init(
        status: @escaping @Sendable (StatusReport, Date) -> JSONValue, task: @escaping @Sendable (TaskRecord) -> JSONValue,
        show: @escaping @Sendable (TaskDetail, Date) -> JSONValue, review: @escaping @Sendable (ReviewReport) -> JSONValue,
        merge: @escaping @Sendable (MergeReport) -> JSONValue
    ) {
        self.status = status
        self.task = task
        self.show = show
        self.review = review
        self.merge = merge
    }
}

/// Runs Core work off Swift's cooperative threads: Core blocks (SQLite, libgit2, a merge's
/// checks), and the two cooperative threads of a small machine must stay free for the event
/// streams. Each call opens its own `Orchestrator`, which is not `Sendable` (it owns a libgit2
/// handle), uses it on one thread and drops it.
struct CoreRunner: Sendable {
    let open: @Sendable () throws -> Orchestrator
    private let queue = DispatchQueue(label: "orchestrate.serve.core", attributes: .concurrent)

    init(open: @escaping @Sendable () throws -> Orchestrator) { self.open = open }

    func run<T: Sendable>(_ body: @escaping @Sendable (Orchestrator) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body(try open()) })
            }
        }
    }
}
