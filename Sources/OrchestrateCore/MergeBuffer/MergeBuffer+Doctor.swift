import Foundation
import OrchestrateModel

extension Orchestrator {
    /// Doctor's look at the merge journal: intents left pending by a killed merge. With
    /// `repair`, settles them against the refs (only when no merge is running).
    func doctorMergeJournal(repair: Bool) throws -> [DoctorFinding] {
        let pending = try store.read { try $0.pendingMergeJournal() }
        guard !pending.isEmpty else { return [] }
        let lock: MergeLock
        do {
            lock = try MergeLock.acquire(directory: paths.locksDir, wait: 0)
        } catch let error as OrchestrateError {
            return [DoctorFinding(severity: .warning, message: "\(pending.count) landing(s) in progress: \(error.message)")]
        }
        defer { withExtendedLifetime(lock) {} }
        let names = pending.map(\.task.rawValue).joined(separator: ", ")
        guard repair else {
            return [DoctorFinding(
                severity: .problem,
                message: "an interrupted merge left \(pending.count) landing(s) unsettled (\(names)); run `git orchestrate doctor --repair` or `git orchestrate merge`")]
        }
        let result = try reconcileMergeJournal()
        return [DoctorFinding(
            severity: .problem,
            message: "settled an interrupted merge: recorded \(result.completed.count) landing(s) that happened, dropped \(result.abandoned.count) that did not (\(names))",
            repaired: true)]
    }
}
