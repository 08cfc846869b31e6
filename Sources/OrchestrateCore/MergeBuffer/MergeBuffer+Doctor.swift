import Foundation
import OrchestrateModel

extension Orchestrator {
    /// Doctor's look at the merge journal: intents left pending by a killed merge, and landings
    /// the checkouts of the target never caught up with. With `repair`, settles them against
    /// the refs (only when no merge is running).
    func doctorMergeJournal(repair: Bool) throws -> [DoctorFinding] {
        let (pending, owed) = try store.read { tx in (try tx.pendingMergeJournal(), try tx.pendingCheckoutUpdates()) }
        guard !pending.isEmpty || !owed.isEmpty else { return [] }
        let lock: MergeLock
        do {
            lock = try MergeLock.acquire(directory: paths.locksDir, wait: 0)
        } catch let error as OrchestrateError {
            return [DoctorFinding(severity: .warning, message: "\(pending.count + owed.count) landing(s) in progress: \(error.message)")]
        }
        defer { withExtendedLifetime(lock) {} }
        let names = pending.map(\.task.rawValue).joined(separator: ", ")
        guard repair else {
            var left: [String] = []
            if !pending.isEmpty { left.append("\(pending.count) landing(s) unsettled (\(names))") }
            if !owed.isEmpty { left.append("the checkouts of \(config.target) behind it by \(owed.count) landing(s)") }
            return [DoctorFinding(
                severity: .problem,
                message: "an interrupted merge left \(left.joined(separator: " and ")); run `git orchestrate doctor --repair` or `git orchestrate merge`")]
        }
        let result = try reconcileMergeJournal()
        var done = ["recorded \(result.completed.count) landing(s) that happened, dropped \(result.abandoned.count) that did not"]
        if !pending.isEmpty { done[0] += " (\(names))" }
        if !owed.isEmpty || !result.completed.isEmpty { done.append("brought the checkouts of \(config.target) up to date") }
        return [DoctorFinding(
            severity: .problem, message: "settled an interrupted merge: \(done.joined(separator: "; "))", repaired: true)]
    }
}
