import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// Where the closed loop meets the rest: the merge buffer's verdicts, the supervisor's watch,
/// the prompt, `heartbeat --progress`, and the evidence `show` and `status` cite.
extension Orchestrator {
    var loop: ReturnToAgent { ReturnToAgent(store: store, config: config, actor: actor) }

    /// After the merge buffer's verdict on one task: with `merge.onFailure: "requeue"`, a
    /// conflict, a failed check or an approval a rebase voided sends the task back to its agent
    /// (or, out of attempts, stops it in `failed`). The outcome's message then says so, instead
    /// of telling a person to fix it.
    func settleMergeOutcome(_ outcome: inout MergeOutcome) throws {
        guard config.merge.onFailure == .requeue, [.conflicted, .failed, .needsApproval].contains(outcome.result) else { return }
        // Killed here, the verdict is recorded and the decision is not: `next`/`up` make it.
        faultInjectionPause("before-return-to-agent")
        switch try loop.settle(outcome.task) {
        case .returned(let cause)?:
            outcome.message = "\(outcome.task): \(cause.summary); sent back to its agent with the evidence (merge.onFailure: requeue), `git orchestrate up` runs it again"
        case .stopped(let causes)?:
            outcome.message = "\(outcome.task): \(causes.last?.summary ?? outcome.message); failed for good after \(causes.count) attempts (agent.maxAttempts \(config.agent.maxAttempts)), see `git orchestrate show \(outcome.task)`"

        case nil:
            break
        }
    }

    /// Decides what a killed `merge` may have left undecided (see `ReturnToAgent.settleAll`).
    func settlePendingReturns() throws {
        for (id, decision) in try loop.settleAll().sorted(by: { $0.key < $1.key }) {
            if case .returned(let cause) = decision { context.err("\(id) went back to its agent (\(cause.summary))") }
        }
    }

    /// The prompt's section on why the task came back to the agent ("" when it never did).
    func loopPromptSection(for task: TaskRecord) -> String {
        let causes = (try? store.read { try loop.returnCauses(of: task.id, in: $0) }) ?? []
        return LoopPrompt(task: task, causes: causes).text
    }

    /// The stall watch the supervisor consults each round.
    func makeStallWatch() -> StallWatch {
        StallWatch(store: store, repository: mainRepository, config: config.agent, actor: actor)
    }

    /// A run stopped for stalling (`agent.onStall: "restart"`) with attempts left: the task goes
    /// back to the queue with its worktree and branch as they are. Returns whether it did.
    func requeueAfterStall(_ run: RunRecord) throws -> Bool {
        guard run.detailObject["stallRestart"]?.boolValue == true else { return false }
        // Killed here, the task is `running` with its run ended: `up` and `run` go on with it.
        faultInjectionPause("before-stall-requeue")
        let idle = Int(run.detailObject["idleSeconds"]?.intValue ?? 0)
        return try store.write { tx in
            guard var task = try tx.task(run.task), task.state == .running, task.worktree != nil else { return false }
            try loop.returnTask(&task, cause: .stalled(idleSeconds: idle), in: tx)
            return true
        }
    }

    /// Records what an agent reports with `heartbeat --progress`: a `progress` event (activity
    /// for the stall watch) in the same transaction as the heartbeat.
    func recordProgress(_ message: String, of id: TaskID, run: RunRecord, in tx: StoreTransaction) throws {
        try tx.appendAudit(NewAuditEvent(
            kind: .progress, task: id, actor: actor,
            detail: ["source": .string("heartbeat"), "message": .string(message), "attempt": .int(Int64(run.attempt))]))
    }

    /// Every cause the loop recorded for a task, oldest first: its returns to the agent and, when
    /// it stopped, the verdict that ended it.
    func loopCauses(history: [AuditEvent], task: TaskRecord) -> [LoopCause] {
        var causes = history.filter { $0.kind == AuditKind.returnedToAgent.rawValue }.compactMap {
            (try? JSONValue.parse($0.detail))?.objectValue.flatMap(LoopCause.init(detail:))
        }
        if task.feedback?.hasPrefix(ReturnToAgent.stoppedPrefix) == true,
            let last = history.last(where: { LoopCause.fromMergeEvent($0, config: config) != nil }),
            let cause = LoopCause.fromMergeEvent(last, config: config)
        {
            causes.append(cause)
        }
        return causes
    }
}

extension RunRecord {
    /// When the stall watch last saw the agent do something (nil before it looked).
    public var lastActivityAt: Date? { detailObject["lastActivityAt"]?.stringValue.flatMap(Timestamp.parse) }

    /// Since when the agent has been stalled, while it is.
    public var stalledAt: Date? { isOpen ? detailObject["stalledAt"]?.stringValue.flatMap(Timestamp.parse) : nil }

    /// Whether the supervisor stopped this run because it stalled.
    public var stoppedForStall: Bool { detailObject["stallRestart"]?.boolValue == true && !isOpen }

    /// Commits ahead of the base when the run ended (nil while it runs).
    public var commitsAhead: Int? { detailObject["commitsAhead"]?.intValue.map(Int.init) }
}
