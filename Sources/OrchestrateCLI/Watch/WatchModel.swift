import Foundation
import OrchestrateCore
import OrchestrateModel

/// What `watch` shows and where the user is in it: the data read at the last audit change, the
/// selection, the filter, an open review or prompt, and the last message.
struct WatchModel {
    var report: StatusReport?
    var events: [AuditEvent] = []
    var seq: Int64 = -1
    var selected: String?
    var filter = ""
    var review: [String]?
    var reviewOffset = 0
    var prompt: Prompt?
    var message = ""

    enum Prompt {
        case approve(String, text: String)
        case reject(String, text: String)
        case filter(text: String)

        var text: String {
            switch self {
            case .approve(_, let t), .reject(_, let t), .filter(let t): return t
            }
        }

        func with(_ text: String) -> Prompt {
            switch self {
            case .approve(let id, _): return .approve(id, text: text)
            case .reject(let id, _): return .reject(id, text: text)
            case .filter: return .filter(text: text)
            }
        }

        var label: String {
            switch self {
            case .approve(let id, _): return "approve \(id), comment (Enter approves, Esc cancels): "
            case .reject(let id, _): return "reject \(id), reason (Enter rejects, Esc cancels): "
            case .filter: return "filter: "
            }
        }
    }

    /// The order tasks are listed in: by state as work flows, then priority, then age.
    static let stateOrder: [TaskState] = [.running, .submitted, .approved, .conflicted, .failed, .queued]

    /// The active tasks that match the filter, in list order.
    var visibleTasks: [TaskRecord] {
        guard let report else { return [] }
        let needle = filter.lowercased()
        return report.active
            .filter { needle.isEmpty || "\($0.id) \($0.title) \($0.state.rawValue)".lowercased().contains(needle) }
            .sorted {
                let a = Self.stateOrder.firstIndex(of: $0.state) ?? 99, b = Self.stateOrder.firstIndex(of: $1.state) ?? 99
                return (a, -$0.priority.rawValue, $0.createdAt) < (b, -$1.priority.rawValue, $1.createdAt)
            }
    }

    /// Keeps the selection on a visible task (the first, when the old one is gone).
    mutating func settleSelection() {
        let ids = visibleTasks.map(\.id.rawValue)
        if selected == nil || !ids.contains(selected ?? "") { selected = ids.first }
    }

    mutating func move(_ step: Int) {
        let ids = visibleTasks.map(\.id.rawValue)
        guard !ids.isEmpty else { return }
        let index = selected.flatMap { ids.firstIndex(of: $0) } ?? 0
        selected = ids[min(max(index + step, 0), ids.count - 1)]
    }
}
