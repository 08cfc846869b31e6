import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// A task with its audit history, for `show`.
public struct TaskDetail: Sendable {
    public var task: TaskRecord
    public var history: [AuditEvent]
    /// Tasks that depend on this one.
    public var dependents: [TaskID]
    /// Refs under which discarded work of this task is kept.
    public var keptWork: [String]
    /// Every agent run of the task, oldest first.
    public var runs: [RunRecord] = []
    /// Why the closed loop sent the task back to its agent, oldest first (docs/agents.md).
    public var causes: [LoopCause] = []
}

/// The state of the whole queue, for `status`.
public struct StatusReport: Sendable {
    public var target: String
    public var targetTip: String?
    public var counts: [TaskState: Int]
    /// Tasks that are not finished, in creation order.
    public var active: [TaskRecord]
    /// Queued tasks whose dependencies are satisfied, in the order `next` hands them out.
    public var ready: [TaskID]
    /// Approved tasks in the order `merge` would land them.
    public var mergeOrder: [TaskID] = []
    /// Agent runs in progress, oldest first.
    public var agents: [RunRecord] = []
    /// The newest run of each task that has one.
    public var lastRuns: [TaskID: RunRecord] = [:]
    /// Runs this very call found disconnected and ended.
    public var disconnected: [RunResult] = []
    /// How many pairs of waiting tasks (or tasks and the tip) `conflicts` would report; nil
    /// when more than `statusConflictLimit` tasks wait (then only `conflicts` computes it).
    public var predictedConflicts: Int? = nil
}

extension Orchestrator {
    /// Tasks, optionally only those in `states`, in creation order.
    public func listTasks(states: [TaskState]) throws -> [TaskRecord] {
        try store.read { try $0.tasks(in: states.isEmpty ? nil : states) }
    }

    /// One task with its history.
    public func showTask(_ idText: String) throws -> TaskDetail {
        let id = try parseID(idText)
        let (task, history, dependents) = try store.read { tx in
            (try requireTask(id, in: tx), try tx.auditEvents(task: id), try tx.dependents(of: id))
        }
        let kept = try mainRepository.references(matching: Orchestrator.keptWorkPrefix(id) + "*").map(\.name)
        let runs = try store.read { try $0.runs(of: id) }
        return TaskDetail(
            task: task, history: history, dependents: dependents, keptWork: kept, runs: runs,
            causes: loopCauses(history: history, task: task))
    }

    /// Target tip, tasks by state, active tasks and what is ready.
    public func status() throws -> StatusReport {
        try scanTaskHeads()  // commits made where no hook ran (libgit2, --no-verify tools)
        let disconnected = try reapDisconnectedRuns()
        let tip = try repository.referenceTarget(targetRef)
        // One read: the merge order is computed from the active tasks read here (approved
        // tasks are active, and the order looks at nothing else), not from a second read of all.
        let (read, approvalTimes) = try store.read { tx in
            let active = try tx.tasks(in: TaskState.allCases.filter { !$0.isFinished })
            let report = StatusReport(
                target: config.target, targetTip: tip?.hex, counts: try tx.taskCountsByState(),
                active: active, ready: try tx.readyTaskIDs(allowInFlightDependencies: config.stacking),
                agents: try tx.openRuns(), lastRuns: try tx.latestRuns(), disconnected: disconnected)
            let approved = active.filter { $0.state == .approved }.map(\.id)
            return (report, try tx.latestApprovalTimes(ofTasks: approved))
        }
        var report = read
        let approved = report.active.filter { $0.state == .approved }
        let byID = Dictionary(uniqueKeysWithValues: approved.map { ($0.id, $0) })
        report.mergeOrder = Orchestrator.mergeOrder(
            of: Set(byID.keys), tasks: byID, graph: DependencyGraph(edges: byID.mapValues(\.dependsOn)),
            approvalTimes: approvalTimes)
        let waiting = report.active.filter { Orchestrator.conflictCandidateStates.contains($0.state) }
        if waiting.count <= Orchestrator.statusConflictLimit, let tip {
            report.predictedConflicts = try predictConflicts(among: waiting, tip: tip).count
        }
        return report
    }
}
